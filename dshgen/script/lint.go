package script

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/vssmirror/vssmirror/internal/suggest"
)

// Severity of a finding.
type Severity string

// Severities.
const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
)

// Rule is one check of the linter.
type Rule struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"`
}

// Rules lists every lint rule, errors first.
var Rules = []Rule{
	{"line-endings", SevError, "LF or mixed line endings: diskshadow cuts the last character of every LF line"},
	{"encoding", SevError, "a byte order mark, UTF-16 or non-ASCII bytes"},
	{"unknown-command", SevError, "a command diskshadow does not know"},
	{"bad-syntax", SevError, "an unknown option or a missing or extra argument"},
	{"expose-not-persistent", SevError, "expose of a shadow copy that is not persistent"},
	{"undefined-alias", SevError, "%alias% used before create defines it, or never defined"},
	{"duplicate-alias", SevError, "an alias defined twice, or named like a built-in variable"},
	{"letter-exposed-twice", SevError, "the same drive letter exposed twice"},
	{"create-without-volume", SevError, "create with no volume added"},
	{"too-many-volumes", SevError, "more than 64 volumes in one shadow copy set"},
	{"verify-without-writers", SevError, "writer verify in a context without writers"},
	{"end-without-begin", SevError, "end backup without begin backup"},
	{"option-conflict", SevError, "noautorecover with txfrecover or rollbackrecover, or differential with plex"},
	{"delete-all", SevError, "delete shadows all deletes every shadow copy on the server"},
	{"context-after-add", SevWarning, "set context after add volume"},
	{"begin-without-end", SevWarning, "begin backup without end backup: writers never get BackupComplete"},
	{"exposed-not-deleted", SevWarning, "a persistent, exposed shadow copy that is never deleted"},
	{"exec-without-cleanup", SevWarning, "exec not followed by delete shadows"},
	{"end-before-exec", SevWarning, "end backup before exec: writers are told of a backup that has not been copied yet"},
	{"no-metadata", SevWarning, "writers in use but no set metadata"},
	{"path-with-spaces", SevWarning, "a path with spaces: quoting in diskshadow scripts is undocumented"},
}

func ruleOf(id string) Rule {
	for _, r := range Rules {
		if r.ID == id {
			return r
		}
	}
	panic("dshgen: unknown lint rule " + id)
}

// Finding is one problem the linter found.
type Finding struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Message  string   `json:"message"`
}

// String formats f the way compilers do: file:line: severity: [rule] message.
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s: [%s] %s", f.File, f.Line, f.Severity, f.Rule, f.Message)
}

// ignoreRE matches a suppression comment: "# lint:ignore rule[,rule] reason".
// Only warnings can be suppressed; the reason is required.
var ignoreRE = regexp.MustCompile(`^lint:ignore\s+([a-z,-]+)\s+\S`)

// maxVolumes is diskshadow's limit of volumes in one shadow copy set.
// (A job never reaches it: its sources use at most the 23 letters D-Z.)
const maxVolumes = 64

// wellKnownVars are environment variables a script may use without defining.
var wellKnownVars = map[string]bool{
	"TEMP": true, "TMP": true, "SYSTEMROOT": true, "SYSTEMDRIVE": true, "WINDIR": true,
	"PROGRAMDATA": true, "PROGRAMFILES": true, "ALLUSERSPROFILE": true, "USERPROFILE": true,
	"COMPUTERNAME": true, "APPDATA": true, "LOCALAPPDATA": true, "PUBLIC": true,
	"USERNAME": true, "USERDOMAIN": true, "VSSMIRROR_RUN_DIR": true,
}

var (
	varRE      = regexp.MustCompile(`%([^%\s]+)%`)
	letterArg  = regexp.MustCompile(`^([A-Za-z]):\\?$`)
	paramVarRE = regexp.MustCompile(`^DISKSH_PARAM_[0-9]+$`)
	shadowVar  = regexp.MustCompile(`^VSS_SHADOW_(SET|[0-9]+)$`)
)

type linter struct {
	file     string
	s        *Script
	findings []Finding
}

func (l *linter) add(line int, rule, format string, args ...any) {
	l.findings = append(l.findings, Finding{File: l.file, Line: line, Severity: ruleOf(rule).Severity, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// Lint checks a parsed script and returns its findings sorted by line.
func Lint(name string, s *Script) []Finding {
	l := &linter{file: name, s: s}
	l.text()
	l.walk()
	// Suppressions: "# lint:ignore rule reason" silences that warning rule
	// in the whole file. Errors cannot be silenced.
	ignored := map[string]bool{}
	for _, c := range s.Comments {
		if m := ignoreRE.FindStringSubmatch(c.Args[0]); m != nil {
			for _, r := range strings.Split(m[1], ",") {
				ignored[r] = true
			}
		}
	}
	out := l.findings[:0]
	for _, f := range l.findings {
		if f.Severity == SevWarning && ignored[f.Rule] {
			continue
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Line < out[b].Line })
	return out
}

// text checks encoding and line endings.
func (l *linter) text() {
	s := l.s
	switch s.Encoding {
	case EncUTF16LE, EncUTF16BE:
		l.add(1, "encoding", "the script is %s; diskshadow reads scripts as ASCII: save it as ASCII (ANSI) without a byte order mark", strings.ToUpper(s.Encoding))
	case EncUTF8BOM:
		l.add(1, "encoding", "the script starts with a UTF-8 byte order mark, which diskshadow reads as part of the first command: save it as ASCII without BOM")
	}
	if s.Encoding != EncUTF16LE && s.Encoding != EncUTF16BE {
		for _, n := range s.NonASCIILines {
			l.add(n, "encoding", "non-ASCII characters; diskshadow's handling of them is undocumented: use ASCII only (move non-ASCII paths into the exec'd .cmd)")
		}
	}
	switch s.LineEndings {
	case EOLLF, EOLCR:
		l.add(firstOr(s.LFLines, 1), "line-endings", "the script uses %s line endings; diskshadow then drops the last character of every line (`end backu`): save it with CRLF (Windows) line endings", strings.ToUpper(s.LineEndings))
	case EOLMixed:
		l.add(firstOr(s.LFLines, 1), "line-endings", "mixed line endings: %d lines end in a bare LF or CR (first at line %d), and diskshadow drops their last character: save the whole file with CRLF line endings", len(s.LFLines), firstOr(s.LFLines, 1))
	}
}

func firstOr(list []int, def int) int {
	if len(list) > 0 {
		return list[0]
	}
	return def
}

// shadowRef is a shadow copy expected to exist while the script runs.
type shadowRef struct {
	alias      string // lower case, "" if none
	volume     string // volume as written, upper case
	persistent bool
	exposedAs  string // letter or path it was exposed as, "" if not
	exposeLine int
	deleted    bool
}

type walkState struct {
	context     string // clientaccessible | persistent | volatile
	nowriters   bool
	contextSet  bool
	metadata    bool
	created     bool
	began       int // line of begin backup, 0 if none
	ended       bool
	endLine     int
	pending     []*shadowRef // added, not yet created
	shadows     []*shadowRef // created
	aliases     map[string]int
	envAliases  map[string]bool // defined as environment variables
	exposed     map[string]int  // letter/path -> line, currently exposed
	verifyLines []int
	execLines   []int
	writerUse   int // line of the first create with writers
}

func (l *linter) walk() {
	st := &walkState{context: "volatile", aliases: map[string]int{}, envAliases: map[string]bool{}, exposed: map[string]int{}}
	lastDelete := 0
	for _, s := range l.s.Statements {
		l.checkVars(st, s)
		if !s.Known {
			l.unknown(s)
			continue
		}
		switch s.String() {
		case "set context":
			l.setContext(st, s)
		case "set option":
			l.setOption(s)
		case "set verbose":
			if len(s.Args) != 1 || (s.Word(0) != "on" && s.Word(0) != "off") {
				l.add(s.Line, "bad-syntax", "set verbose takes on or off")
			}
		case "set metadata":
			if len(s.Args) != 1 {
				l.add(s.Line, "bad-syntax", "set metadata takes one path, e.g. set metadata C:\\Backup\\backup.cab")
			}
			st.metadata = true
			l.spaces(s)
		case "load metadata":
			l.spaces(s)
		case "writer verify", "writer exclude":
			if len(s.Args) == 0 {
				l.add(s.Line, "bad-syntax", "%s needs a writer ID, writer name or component path", s)
			}
			if s.Sub == "verify" {
				st.verifyLines = append(st.verifyLines, s.Line)
			}
		case "begin backup":
			if st.began == 0 {
				st.began = s.Line
			}
		case "end backup":
			if st.began == 0 {
				l.add(s.Line, "end-without-begin", "end backup without begin backup: diskshadow rejects it; add begin backup before add volume, or remove this line for a copy backup")
			}
			st.ended = true
			if st.endLine == 0 {
				st.endLine = s.Line
			}
		case "begin restore", "end restore":
		case "add volume":
			l.addVolume(st, s)
		case "add alias":
			if len(s.Args) != 2 {
				l.add(s.Line, "bad-syntax", "add alias takes a name and a value")
				break
			}
			l.defineAlias(st, s.Args[0], s.Line)
			st.envAliases[strings.ToLower(s.Args[0])] = true
		case "create":
			l.create(st, s)
		case "expose":
			l.expose(st, s)
		case "unexpose":
			if len(s.Args) != 1 {
				l.add(s.Line, "bad-syntax", "unexpose takes the drive letter, share or mount point to unexpose")
				break
			}
			delete(st.exposed, normTarget(s.Args[0]))
		case "exec":
			if len(s.Args) == 0 {
				l.add(s.Line, "bad-syntax", "exec needs the path of a .cmd or .bat script")
			}
			st.execLines = append(st.execLines, s.Line)
			if st.ended && st.endLine < s.Line {
				l.add(st.endLine, "end-before-exec", "end backup runs before the exec at line %d: writers get BackupComplete (Exchange truncates its logs) before the copy has run; move end backup after exec", s.Line)
			}
			l.spaces(s)
		case "delete shadows":
			l.deleteShadows(st, s)
			lastDelete = s.Line
		case "list writers", "list shadows", "list providers":
		case "reset":
			st.pending = nil
			st.created = false
			var keep []*shadowRef
			for _, sh := range st.shadows {
				if sh.persistent {
					keep = append(keep, sh)
				}
			}
			st.shadows = keep
		}
	}
	l.finish(st, lastDelete)
}

func (l *linter) unknown(s Statement) {
	if subs, ok := verbs[s.Verb]; ok {
		if s.Sub == "" {
			l.add(s.Line, "bad-syntax", "%s needs one of: %s", s.Verb, strings.Join(subs, ", "))
		} else {
			msg := fmt.Sprintf("%s %s is not a diskshadow command; %s takes %s", s.Verb, s.Sub, s.Verb, strings.Join(subs, ", "))
			if n := suggest.Nearest(s.Sub, subs); n != "" {
				msg += fmt.Sprintf(" (did you mean %s %s?)", s.Verb, n)
			}
			l.add(s.Line, "unknown-command", "%s", msg)
		}
		return
	}
	names := make([]string, 0, len(verbs))
	for v := range verbs {
		names = append(names, v)
	}
	sort.Strings(names)
	msg := fmt.Sprintf("%q is not a diskshadow command; diskshadow prints its usage and the line does nothing", s.Verb)
	if n := suggest.Nearest(s.Verb, names); n != "" {
		msg = fmt.Sprintf("%q is not a diskshadow command (did you mean %s?); diskshadow prints its usage and the line does nothing", s.Verb, n)
	}
	l.add(s.Line, "unknown-command", "%s", msg)
}

func (l *linter) setContext(st *walkState, s Statement) {
	args := make([]string, len(s.Args))
	for i := range s.Args {
		args[i] = s.Word(i)
	}
	ok := false
	switch {
	case len(args) == 1 && (args[0] == "clientaccessible" || args[0] == "persistent" || args[0] == "volatile"):
		ok = true
	case len(args) == 2 && (args[0] == "persistent" || args[0] == "volatile") && args[1] == "nowriters":
		ok = true
	}
	if !ok {
		msg := "set context takes clientaccessible, persistent [nowriters] or volatile [nowriters]"
		for _, a := range args {
			if n := suggest.Nearest(a, []string{"clientaccessible", "persistent", "volatile", "nowriters"}); n != "" && n != a {
				msg += fmt.Sprintf(" (did you mean %s for %s?)", n, a)
			}
		}
		l.add(s.Line, "bad-syntax", "%s", msg)
		return
	}
	if len(st.pending) > 0 {
		l.add(s.Line, "context-after-add", "set context after add volume can invalidate the support check done when the volume was added: put set context first")
	}
	st.context = args[0]
	st.nowriters = args[0] == "clientaccessible" || (len(args) == 2)
	st.contextSet = true
}

func (l *linter) setOption(s Statement) {
	known := map[string]bool{"differential": true, "plex": true, "transportable": true, "rollbackrecover": true, "txfrecover": true, "noautorecover": true}
	have := map[string]bool{}
	for i := range s.Args {
		w := s.Word(i)
		if !known[w] {
			msg := fmt.Sprintf("%q is not a set option value; use differential, plex, transportable, rollbackrecover, txfrecover or noautorecover", s.Args[i])
			names := []string{"differential", "plex", "transportable", "rollbackrecover", "txfrecover", "noautorecover"}
			if n := suggest.Nearest(w, names); n != "" {
				msg = fmt.Sprintf("%q is not a set option value (did you mean %s?)", s.Args[i], n)
			}
			l.add(s.Line, "bad-syntax", "%s", msg)
			continue
		}
		have[w] = true
	}
	if len(s.Args) == 0 {
		l.add(s.Line, "bad-syntax", "set option needs at least one option")
	}
	if have["noautorecover"] && (have["txfrecover"] || have["rollbackrecover"]) {
		l.add(s.Line, "option-conflict", "noautorecover cannot be combined with txfrecover or rollbackrecover: they ask for opposite recovery behaviour; keep one")
	}
	if have["differential"] && have["plex"] {
		l.add(s.Line, "option-conflict", "differential and plex are two kinds of shadow copy: choose one")
	}
}

func (l *linter) defineAlias(st *walkState, name string, line int) {
	key := strings.ToLower(name)
	up := strings.ToUpper(name)
	if shadowVar.MatchString(up) || strings.HasPrefix(up, "VSS_SHADOW_") || strings.HasPrefix(up, "DISKSH_PARAM_") {
		l.add(line, "duplicate-alias", "alias %s collides with a variable diskshadow sets itself (VSS_SHADOW_*, DISKSH_PARAM_*): choose another name", name)
		return
	}
	if prev, ok := st.aliases[key]; ok {
		l.add(line, "duplicate-alias", "alias %s is already defined at line %d; each shadow copy needs its own alias", name, prev)
		return
	}
	st.aliases[key] = line
}

func (l *linter) addVolume(st *walkState, s Statement) {
	if len(s.Args) == 0 {
		l.add(s.Line, "bad-syntax", "add volume needs a volume, e.g. add volume D: alias vol_d")
		return
	}
	ref := &shadowRef{volume: strings.ToUpper(s.Args[0]), persistent: st.context != "volatile"}
	rest := s.Args[1:]
	for len(rest) > 0 {
		kw := strings.ToLower(rest[0])
		if (kw == "alias" || kw == "provider") && len(rest) >= 2 {
			if kw == "alias" {
				ref.alias = strings.ToLower(rest[1])
				l.defineAlias(st, rest[1], s.Line)
			}
			rest = rest[2:]
			continue
		}
		msg := fmt.Sprintf("unexpected %q; add volume takes <volume> [alias <name>] [provider <id>]", rest[0])
		if n := suggest.Nearest(kw, []string{"alias", "provider"}); n != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", n)
		}
		l.add(s.Line, "bad-syntax", "%s", msg)
		break
	}
	st.pending = append(st.pending, ref)
	if len(st.pending) == maxVolumes+1 {
		l.add(s.Line, "too-many-volumes", "more than %d volumes in one shadow copy set: create fails; split the volumes over two sets (create, then add the rest and create again)", maxVolumes)
	}
}

func (l *linter) create(st *walkState, s Statement) {
	if len(s.Args) > 0 {
		l.add(s.Line, "bad-syntax", "create takes no arguments")
	}
	if len(st.pending) == 0 {
		l.add(s.Line, "create-without-volume", "create with no volume added: add volume X: alias name before create")
		return
	}
	if !st.nowriters {
		if !st.metadata && st.writerUse == 0 {
			st.writerUse = s.Line
		}
	} else if len(st.verifyLines) > 0 {
		for _, ln := range st.verifyLines {
			l.add(ln, "verify-without-writers", "writer verify in a %s context: no writer takes part, so the verify always fails; remove nowriters from set context, or drop this line", contextName(st))
		}
		st.verifyLines = nil
	}
	for _, sh := range st.pending {
		sh.persistent = st.context != "volatile"
		if sh.alias != "" {
			st.envAliases[sh.alias] = true
		}
	}
	st.shadows = append(st.shadows, st.pending...)
	for i := range st.shadows {
		st.envAliases[fmt.Sprintf("vss_shadow_%d", i+1)] = true
	}
	st.envAliases["vss_shadow_set"] = true
	st.pending = nil
	st.created = true
}

func contextName(st *walkState) string {
	if st.context == "clientaccessible" {
		return "clientaccessible"
	}
	return st.context + " nowriters"
}

func normTarget(t string) string {
	if m := letterArg.FindStringSubmatch(t); m != nil {
		return strings.ToUpper(m[1]) + ":"
	}
	return strings.ToLower(strings.TrimRight(t, `\`))
}

func (l *linter) findShadow(st *walkState, ref string) *shadowRef {
	m := varRE.FindStringSubmatch(ref)
	if m == nil || m[0] != ref {
		return nil
	}
	name := strings.ToLower(m[1])
	for _, sh := range st.shadows {
		if sh.alias == name {
			return sh
		}
	}
	if strings.HasPrefix(name, "vss_shadow_") {
		var n int
		if _, err := fmt.Sscanf(name, "vss_shadow_%d", &n); err == nil && n >= 1 && n <= len(st.shadows) {
			return st.shadows[n-1]
		}
	}
	return nil
}

func (l *linter) expose(st *walkState, s Statement) {
	if len(s.Args) != 2 {
		l.add(s.Line, "bad-syntax", "expose takes a shadow copy (%%alias%% or {ID}) and a drive letter, share or mount point, e.g. expose %%vol_d%% S:")
		return
	}
	sh := l.findShadow(st, s.Args[0])
	persistent := st.context != "volatile"
	if sh != nil {
		persistent = sh.persistent
	}
	if !persistent {
		l.add(s.Line, "expose-not-persistent", "expose works only for persistent shadow copies, and this one is volatile (set context volatile, or no set context): add set context persistent before add volume")
	}
	target := normTarget(s.Args[1])
	if prev, ok := st.exposed[target]; ok {
		l.add(s.Line, "letter-exposed-twice", "%s is already exposed at line %d: the second expose fails; use another letter or delete the first shadow copy before", s.Args[1], prev)
	} else {
		st.exposed[target] = s.Line
	}
	if strings.Contains(s.Args[1], " ") {
		l.add(s.Line, "path-with-spaces", "the expose target %q holds a space; quoting in diskshadow scripts is undocumented: use a drive letter or a path without spaces", s.Args[1])
	}
	if sh == nil {
		sh = &shadowRef{persistent: persistent}
		st.shadows = append(st.shadows, sh)
	}
	sh.exposedAs, sh.exposeLine = target, s.Line
}

func (l *linter) deleteShadows(st *walkState, s Statement) {
	kind := s.Word(0)
	switch kind {
	case "all":
		l.add(s.Line, "delete-all", "delete shadows all deletes every shadow copy on the server, other backups' and Previous Versions included, and security tools flag it as ransomware: delete only this script's shadows (delete shadows exposed S:, or id %%alias%%)")
		for _, sh := range st.shadows {
			sh.deleted = true
		}
		st.exposed = map[string]int{}
		return
	case "volume", "oldest", "set", "id", "exposed":
		if len(s.Args) != 2 {
			l.add(s.Line, "bad-syntax", "delete shadows %s takes one argument", kind)
			return
		}
	default:
		msg := "delete shadows takes all, volume <v>, oldest <v>, set <id>, id <id> or exposed <letter or mount point>"
		if n := suggest.Nearest(kind, []string{"volume", "oldest", "set", "id", "exposed"}); n != "" {
			msg = fmt.Sprintf("%q is not a delete shadows mode (did you mean %s?)", s.Args[0], n)
		}
		l.add(s.Line, "bad-syntax", "%s", msg)
		return
	}
	arg := s.Args[1]
	for _, sh := range st.shadows {
		switch kind {
		case "exposed":
			if sh.exposedAs == normTarget(arg) {
				sh.deleted = true
			}
		case "id":
			// A literal {ID} cannot be matched to a shadow statically: count
			// it as deleting any, so that no false warning follows.
			if found := l.findShadow(st, arg); found == sh || !strings.HasPrefix(arg, "%") {
				sh.deleted = true
			}
		case "volume", "oldest":
			if normTarget(sh.volume) == normTarget(arg) || !letterArg.MatchString(arg) {
				sh.deleted = true
			}
		case "set":
			sh.deleted = true
		}
		if sh.deleted && sh.exposedAs != "" {
			delete(st.exposed, sh.exposedAs)
		}
	}
	if kind == "exposed" {
		delete(st.exposed, normTarget(arg))
	}
}

func (l *linter) spaces(s Statement) {
	for _, a := range s.Args {
		if strings.ContainsAny(a, " \t") {
			l.add(s.Line, "path-with-spaces", "%q holds a space; quoting in diskshadow scripts is undocumented: use a path without spaces", a)
		}
	}
}

// checkVars checks %VAR% references against what the script defined so far.
func (l *linter) checkVars(st *walkState, s Statement) {
	for _, m := range varRE.FindAllStringSubmatch(s.Raw, -1) {
		name := m[1]
		key := strings.ToLower(name)
		up := strings.ToUpper(name)
		if st.envAliases[key] || wellKnownVars[up] || paramVarRE.MatchString(up) {
			continue
		}
		if line, ok := st.aliases[key]; ok {
			l.add(s.Line, "undefined-alias", "%%%s%% is used before create: the alias from line %d only becomes a variable when create succeeds; move this line after create", name, line)
			continue
		}
		if shadowVar.MatchString(up) {
			l.add(s.Line, "undefined-alias", "%%%s%% is used before create sets it", name)
			continue
		}
		l.add(s.Line, "undefined-alias", "%%%s%% is never defined in this script: define it with add volume ... alias %s, or add alias (if it is an environment variable set before diskshadow starts, use add alias to make that explicit)", name, name)
	}
}

// finish runs the checks that need the whole script.
func (l *linter) finish(st *walkState, lastDelete int) {
	if st.began != 0 && !st.ended {
		l.add(st.began, "begin-without-end", "begin backup without end backup: writers are never told the backup completed (no BackupComplete, e.g. Exchange never truncates its logs); add end backup after the copy, or remove begin backup for a copy backup")
	}
	for _, sh := range st.shadows {
		if sh.exposedAs != "" && sh.persistent && !sh.deleted {
			l.add(sh.exposeLine, "exposed-not-deleted", "the shadow copy exposed as %s is persistent and never deleted: it stays exposed after exit and survives reboots; end the script with delete shadows exposed %s", sh.exposedAs, sh.exposedAs)
		}
	}
	for _, e := range st.execLines {
		if lastDelete < e && len(st.shadows) > 0 {
			l.add(e, "exec-without-cleanup", "nothing after this exec deletes the shadow copies: add delete shadows exposed <letter> after it (and keep a separate cleanup script, since diskshadow quits here if the script fails)")
		}
	}
	if st.writerUse > 0 {
		l.add(st.writerUse, "no-metadata", "writers take part in this snapshot but no set metadata saves their metadata: without the .cab there is nothing to restore application data with; add set metadata C:\\path\\backup.cab before create (or set context ... nowriters)")
	}
}
