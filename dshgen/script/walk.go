package script

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/vssmirror/vssmirror/internal/suggest"
	"github.com/vssmirror/vssmirror/internal/vssid"
)

// maxVolumes is diskshadow's limit of volumes in one shadow copy set.
// (A job never reaches it: its sources use at most the 23 letters D-Z.)
const maxVolumes = 64

// systemVars are environment variables Windows sets for every process; an
// alias of the same name replaces them for the scripts exec runs.
var systemVars = map[string]bool{
	"TEMP": true, "TMP": true, "PATH": true, "PATHEXT": true, "COMSPEC": true, "SYSTEMROOT": true,
	"SYSTEMDRIVE": true, "WINDIR": true, "PROGRAMDATA": true, "PROGRAMFILES": true, "USERPROFILE": true,
	"APPDATA": true, "LOCALAPPDATA": true, "COMPUTERNAME": true, "USERNAME": true, "USERDOMAIN": true,
}

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
	execExt    = regexp.MustCompile(`(?i)\.(cmd|bat|exe|com|ps1|vbs|js|wsf)$`)
)

// shadowRef is a shadow copy the script creates, imports or loads.
type shadowRef struct {
	alias        string // lower case, "" if none
	volume       string // volume as written, upper case
	persistent   bool
	fromMetadata bool   // known from load metadata, not created here
	exposedAs    string // letter or path it was exposed as, "" if not
	exposeLine   int
	deleted      bool
	deleteLine   int
}

// setting is a set, writer, add volume or load metadata command whose
// effect waits for a later command; reset throws it away if none came.
type setting struct {
	st   Statement
	used bool
}

// execAt is an exec and the shadow copies that existed when it ran.
type execAt struct {
	line    int
	live    []*shadowRef // persistent, not yet deleted
	holding bool         // persistent shadows of this script, not exposed, existed
}

type walkState struct {
	context     string // "" (default, not persistent) | clientaccessible | persistent | volatile
	nowriters   bool
	metadata    bool // set metadata
	loaded      int  // line of load metadata (since the last reset), 0 if none
	began       int  // line of the first begin backup, 0 if none
	ended       bool
	endLine     int
	pending     []*shadowRef // added, not yet created
	shadows     []*shadowRef // created, imported or loaded
	aliases     map[string]int
	env         map[string]bool // names usable as %name%
	exposed     map[string]int  // letter/path -> line, currently exposed
	verifyLines []int
	anyVerify   bool // the script has a writer verify anywhere
	firstAway   int  // line of the first writer exclude, 0 if none
	writersUsed bool // a create ran with writers
	backupNoW   bool // begin backup was reported under nowriters
	writerUse   int  // line of the first create with writers and no set metadata
	execs       []execAt
	hiding      map[string]int // system variable names used as aliases -> line
	settings    []*setting
	discarded   []discard
	lastDelete  int
}

type discard struct {
	st    Statement
	reset int
}

func persistentContext(ctx string) bool { return ctx == "persistent" || ctx == "clientaccessible" }

func (l *linter) walk() {
	st := &walkState{aliases: map[string]int{}, env: map[string]bool{}, exposed: map[string]int{}}
	for _, s := range l.s.Statements {
		if s.Known && s.String() == "writer verify" {
			st.anyVerify = true
		}
	}
	for _, s := range l.s.Statements {
		l.checkVars(st, s)
		if !s.Known {
			l.unknown(s)
			continue
		}
		if l.statement(st, s) {
			break // exit: diskshadow reads no further
		}
	}
	l.finish(st)
}

// statement applies one command; it reports whether the script ends here.
func (l *linter) statement(st *walkState, s Statement) (exit bool) {
	switch s.String() {
	case "set context", "set option", "set verbose", "set metadata", "writer verify", "writer exclude", "load metadata", "add volume":
		st.settings = append(st.settings, &setting{st: s})
	case "add alias", "reset", "exit", "help", "?":
	default:
		for _, set := range st.settings {
			set.used = true
		}
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
		l.onePath(s, "set metadata takes one .cab path, e.g. set metadata C:\\Backup\\backup.cab")
		st.metadata = true
	case "load metadata":
		l.onePath(s, "load metadata takes the .cab path written by set metadata when the shadows were created")
		st.loaded = s.Line
		// The .cab brings back the aliases saved when the shadows were
		// created (VSS_SHADOW_SET included) and their context.
		st.env["vss_shadow_set"] = true
	case "writer verify", "writer exclude":
		if len(s.Args) == 0 {
			l.add(s.Line, "bad-syntax", "%s needs a writer ID, writer name or component path", s)
		}
		if s.Sub == "verify" {
			st.verifyLines = append(st.verifyLines, s.Line)
		} else if st.firstAway == 0 {
			st.firstAway = s.Line
		}
	case "begin backup":
		if st.began == 0 {
			st.began = s.Line
		}
		if len(s.Args) > 0 {
			l.add(s.Line, "bad-syntax", "begin backup takes no arguments")
		}
	case "end backup":
		if st.began == 0 {
			l.add(s.Line, "end-without-begin", "end backup without begin backup: without begin backup this is a copy backup, so there is no full backup session for end backup to end and writers are not told of a full backup (no log truncation); Microsoft does not document what end backup then does: add begin backup before add volume for a full backup, or drop this line")
		}
		st.ended = true
		if st.endLine == 0 {
			st.endLine = s.Line
		}
	case "begin restore":
		if st.loaded == 0 {
			l.add(s.Line, "needs-load-metadata", "begin restore without load metadata before it: the writers and components to restore come from the .cab; add load metadata <path>.cab first")
		}
	case "end restore":
	case "add volume":
		l.addVolume(st, s)
	case "add alias":
		if len(s.Args) != 2 {
			l.add(s.Line, "bad-syntax", "add alias takes a name and a value")
			break
		}
		l.defineAlias(st, s.Args[0], s.Line)
		st.env[strings.ToLower(s.Args[0])] = true
	case "add shadow":
		if len(s.Args) < 1 || len(s.Args) > 2 {
			l.add(s.Line, "bad-syntax", "add shadow takes a shadow copy (%%alias%% or {ID}) and optionally a destination volume")
			break
		}
		l.idArg(s, s.Args[0])
	case "resync":
	case "create":
		l.create(st, s)
	case "import":
		if st.loaded == 0 {
			l.add(s.Line, "needs-load-metadata", "import without load metadata before it: import brings in the transportable shadow copies described by a loaded .cab; add load metadata <path>.cab first")
		}
		if len(s.Args) > 0 {
			l.add(s.Line, "bad-syntax", "import takes no arguments")
		}
	case "expose":
		l.expose(st, s)
	case "unexpose":
		if len(s.Args) != 1 {
			l.add(s.Line, "bad-syntax", "unexpose takes the shadow copy, drive letter, share or mount point to unexpose")
			break
		}
		l.unexpose(st, s.Args[0])
	case "exec":
		l.exec(st, s)
	case "delete shadows":
		l.deleteShadows(st, s)
		st.lastDelete = s.Line
	case "list writers":
		if len(s.Args) > 1 || (len(s.Args) == 1 && !slices.Contains([]string{"metadata", "detailed", "status"}, s.Word(0))) {
			l.add(s.Line, "bad-syntax", "list writers takes metadata, detailed or status")
		}
	case "list shadows":
		l.listShadows(s)
	case "list providers":
		if len(s.Args) > 0 {
			l.add(s.Line, "bad-syntax", "list providers takes no arguments")
		}
	case "mask", "revert":
		if len(s.Args) != 1 {
			l.add(s.Line, "bad-syntax", "%s takes one shadow copy set or shadow copy (%%alias%% or {ID})", s.Verb)
			break
		}
		l.idArg(s, s.Args[0])
	case "break":
		args := s.Args
		if len(args) > 0 && strings.EqualFold(args[0], "writable") {
			args = args[1:]
		}
		if len(args) != 1 {
			l.add(s.Line, "bad-syntax", "break takes [writable] and a shadow copy set (%%alias%% or {ID})")
			break
		}
		l.idArg(s, args[0])
	case "reset":
		l.reset(st, s)
	case "exit":
		return true
	}
	return false
}

// idArg checks an argument that names a shadow copy or a shadow copy set:
// a %variable% or a GUID ({...}, or bare). It reports whether it is one.
func (l *linter) idArg(s Statement, arg string) bool {
	if strings.HasPrefix(arg, "%") && strings.HasSuffix(arg, "%") && len(arg) > 2 {
		return true
	}
	if vssid.Valid(arg) || (vssid.ValidLoose(arg) && !strings.ContainsAny(arg, "{}")) {
		return true
	}
	l.add(s.Line, "bad-syntax", "%q is not a shadow copy ID: %s takes a {GUID} or a %%alias%%", arg, s)
	return false
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
	msg := fmt.Sprintf("%q is not a diskshadow command; diskshadow rejects the line and prints its usage (a real report has the script stop there, exit code 3)", s.Verb)
	if n := suggest.Nearest(s.Verb, names); n != "" {
		msg = fmt.Sprintf("%q is not a diskshadow command (did you mean %s?); diskshadow rejects the line and prints its usage (a real report has the script stop there, exit code 3)", s.Verb, n)
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
		if slices.Contains(args, "transportable") {
			msg += " (transportable is an option: set option transportable)"
		}
		l.add(s.Line, "bad-syntax", "%s", msg)
		return
	}
	if len(st.pending) > 0 {
		l.add(s.Line, "context-after-add", "set context after add volume can invalidate the support check done when the volume was added: put set context first")
	}
	st.context = args[0]
	st.nowriters = args[0] == "clientaccessible" || len(args) == 2
}

var setOptions = []string{"differential", "plex", "transportable", "rollbackrecover", "txfrecover", "noautorecover"}

func (l *linter) setOption(s Statement) {
	have := map[string]bool{}
	for i := range s.Args {
		w := s.Word(i)
		if !slices.Contains(setOptions, w) {
			msg := fmt.Sprintf("%q is not a set option value; use differential, plex, transportable, rollbackrecover, txfrecover or noautorecover", s.Args[i])
			if n := suggest.Nearest(w, setOptions); n != "" {
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

// onePath checks a command that takes one path: a path with spaces must be
// quoted, or diskshadow sees several words.
func (l *linter) onePath(s Statement, usage string) {
	switch {
	case len(s.Args) == 1:
	case len(s.Args) > 1 && !slices.Contains(s.Quoted, true):
		l.add(s.Line, "path-with-spaces", "%q holds spaces but is not in double quotes: diskshadow sees %d words; write %s \"%s\"", strings.Join(s.Args, " "), len(s.Args), s, strings.Join(s.Args, " "))
	default:
		l.add(s.Line, "bad-syntax", "%s", usage)
	}
}

func (l *linter) defineAlias(st *walkState, name string, line int) {
	key := strings.ToLower(name)
	up := strings.ToUpper(name)
	if strings.HasPrefix(up, "VSS_SHADOW_") || strings.HasPrefix(up, "DISKSH_PARAM_") {
		l.add(line, "duplicate-alias", "alias %s collides with a variable diskshadow sets itself (VSS_SHADOW_*, DISKSH_PARAM_*): choose another name", name)
		return
	}
	if prev, ok := st.aliases[key]; ok {
		l.add(line, "duplicate-alias", "alias %s is already defined at line %d: one alias can name only one shadow copy, so one of the two cannot be reached by it; give each shadow copy its own alias", name, prev)
		return
	}
	st.aliases[key] = line
	if systemVars[up] {
		if st.hiding == nil {
			st.hiding = map[string]int{}
		}
		st.hiding[up] = line
	}
}

func (l *linter) addVolume(st *walkState, s Statement) {
	if len(s.Args) == 0 {
		l.add(s.Line, "bad-syntax", "add volume needs a volume, e.g. add volume D: alias vol_d")
		return
	}
	ref := &shadowRef{volume: strings.ToUpper(s.Args[0])}
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
		} else if !s.Quoted[0] {
			msg += " (a mount point path with spaces needs double quotes)"
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
		st.writersUsed = true
		if !st.metadata && st.writerUse == 0 {
			st.writerUse = s.Line
		}
	} else {
		for _, ln := range st.verifyLines {
			l.add(ln, "verify-without-writers", "writer verify in a %s context: no writer takes part, so the verify always fails; remove nowriters from set context, or drop this line", contextName(st))
		}
		st.verifyLines = nil
		if st.began != 0 && !st.backupNoW {
			st.backupNoW = true
			l.add(st.began, "backup-nowriters", "begin backup in a %s context: no writer takes part, so no writer is told of the backup (nothing is quiesced, no log truncation); drop nowriters for an application backup, or drop begin backup and end backup", contextName(st))
		}
	}
	for _, sh := range st.pending {
		sh.persistent = persistentContext(st.context)
		if sh.alias != "" {
			st.env[sh.alias] = true
		}
	}
	st.shadows = append(st.shadows, st.pending...)
	for i := range st.shadows {
		st.env[fmt.Sprintf("vss_shadow_%d", i+1)] = true
	}
	st.env["vss_shadow_set"] = true
	st.pending = nil
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

// findShadow returns the shadow a %alias% or %VSS_SHADOW_n% names, or nil.
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
	if len(s.Args) > 2 && !slices.Contains(s.Quoted[1:], true) {
		l.add(s.Line, "path-with-spaces", "the expose target %q holds spaces but is not in double quotes: diskshadow sees %d words; quote it, or use a drive letter", strings.Join(s.Args[1:], " "), len(s.Args)-1)
		return
	}
	if len(s.Args) != 2 {
		l.add(s.Line, "bad-syntax", "expose takes a shadow copy (%%alias%% or {ID}) and a drive letter, share or mount point, e.g. expose %%vol_d%% S:")
		return
	}
	if !l.idArg(s, s.Args[0]) {
		return
	}
	sh := l.findShadow(st, s.Args[0])
	if sh == nil && strings.HasPrefix(s.Args[0], "%") && !l.defined(st, s.Args[0]) {
		return // undefined-alias said it: the expose fails, nothing is exposed
	}
	switch {
	case sh != nil && !sh.persistent:
		what := "the default context, which is not persistent (no set context)"
		if st.context == "volatile" {
			what = "set context volatile"
		}
		l.add(s.Line, "expose-not-persistent", "expose works only for persistent shadow copies, and this one was created under %s: add set context persistent before add volume", what)
	case sh == nil:
		// A {GUID}, an environment variable, or an alias from load
		// metadata: a shadow made elsewhere, whose context lint cannot see.
		sh = &shadowRef{persistent: true, fromMetadata: st.loaded != 0}
		st.shadows = append(st.shadows, sh)
	}
	target := normTarget(s.Args[1])
	if prev, ok := st.exposed[target]; ok {
		l.add(s.Line, "letter-exposed-twice", "%s is already exposed at line %d, so this expose cannot take it (a letter or mount point holds one shadow copy); use another letter or delete the first shadow copy before", s.Args[1], prev)
	} else {
		st.exposed[target] = s.Line
	}
	sh.exposedAs, sh.exposeLine = target, s.Line
}

func (l *linter) unexpose(st *walkState, arg string) {
	target := normTarget(arg)
	if sh := l.findShadow(st, arg); sh != nil {
		target = sh.exposedAs
	}
	for _, sh := range st.shadows {
		if sh.exposedAs != "" && sh.exposedAs == target {
			sh.exposedAs = ""
		}
	}
	delete(st.exposed, target)
}

func (l *linter) exec(st *walkState, s Statement) {
	switch {
	case len(s.Args) == 0:
		l.add(s.Line, "bad-syntax", "exec needs the path of a .cmd or .bat script")
	case len(s.Args) > 1 && !s.Quoted[0] && !execExt.MatchString(s.Args[0]):
		l.add(s.Line, "path-with-spaces", "%q holds spaces but is not in double quotes: diskshadow runs %q; write exec \"%s\"", strings.Join(s.Args, " "), s.Args[0], strings.Join(s.Args, " "))
	}
	for name, line := range st.hiding {
		if st.env[strings.ToLower(name)] {
			l.add(line, "alias-hides-variable", "alias %s is also the name of the %%%s%% environment variable: once create sets it, the script exec runs at line %d sees %%%s%% as a shadow copy ID; choose another alias", strings.ToLower(name), name, s.Line, name)
			delete(st.hiding, name)
		}
	}
	at := execAt{line: s.Line}
	for _, sh := range st.shadows {
		if !sh.persistent || sh.deleted {
			continue
		}
		at.live = append(at.live, sh)
		if sh.exposedAs == "" && !sh.fromMetadata {
			at.holding = true
		}
	}
	st.execs = append(st.execs, at)
	if st.ended && st.endLine < s.Line {
		l.add(st.endLine, "end-before-exec", "end backup runs before the exec at line %d: writers get BackupComplete (Exchange truncates its logs) before the copy has run; move end backup after exec", s.Line)
	}
}

func (l *linter) deleteShadows(st *walkState, s Statement) {
	kind := s.Word(0)
	switch kind {
	case "all":
		l.add(s.Line, "delete-all", "delete shadows all deletes every shadow copy on the server, other backups' and Previous Versions included, and security tools flag it as ransomware: delete only this script's shadows (delete shadows exposed S:, or id %%alias%%)")
		for _, sh := range st.shadows {
			if !sh.deleted {
				sh.deleted, sh.deleteLine = true, s.Line
			}
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
	if (kind == "id" || kind == "set") && !l.idArg(s, arg) {
		return
	}
	literal := !strings.HasPrefix(arg, "%")
	if kind == "volume" || kind == "oldest" {
		// An add volume alias (and %VSS_SHADOW_n%) holds a shadow copy ID,
		// not a volume: volume and oldest take a volume, so this most
		// likely deletes nothing, and the shadow is not counted as deleted.
		if sh := l.findShadow(st, arg); sh != nil {
			name := strings.Trim(arg, "%")
			l.add(s.Line, "delete-volume-alias", "delete shadows %s %s deletes nothing if %s holds a shadow copy ID, as an add volume alias does (%s takes a volume): the shadow copy of %s is then left behind; use delete shadows id %s", kind, arg, arg, kind, sh.volume, "%"+name+"%")
			return
		}
	}
	for _, sh := range st.shadows {
		hit := false
		switch kind {
		case "exposed":
			hit = sh.exposedAs != "" && sh.exposedAs == normTarget(arg)
		case "id":
			// A literal {ID} cannot be matched to a shadow statically: count
			// it as deleting any, so that no false warning follows.
			hit = literal || l.findShadow(st, arg) == sh
		case "volume", "oldest":
			hit = normTarget(sh.volume) == normTarget(arg) || !letterArg.MatchString(arg)
		case "set":
			hit = true
		}
		if hit && !sh.deleted {
			sh.deleted, sh.deleteLine = true, s.Line
			if sh.exposedAs != "" {
				delete(st.exposed, sh.exposedAs)
			}
		}
	}
	if kind == "exposed" {
		delete(st.exposed, normTarget(arg))
	}
}

func (l *linter) listShadows(s Statement) {
	switch s.Word(0) {
	case "all":
		if len(s.Args) == 1 {
			return
		}
	case "set", "id":
		if len(s.Args) == 2 {
			l.idArg(s, s.Args[1])
			return
		}
	}
	l.add(s.Line, "bad-syntax", "list shadows takes all, set <setID> or id <shadowID>")
}

// reset throws away what set, writer, add and load defined and the
// shadows that are not persistent (Microsoft Learn, reset).
func (l *linter) reset(st *walkState, s Statement) {
	for _, set := range st.settings {
		if !set.used {
			st.discarded = append(st.discarded, discard{st: set.st, reset: s.Line})
		}
	}
	st.settings = nil
	st.context, st.nowriters, st.metadata, st.loaded = "", false, false, 0
	st.pending, st.verifyLines = nil, nil
	var keep []*shadowRef
	for _, sh := range st.shadows {
		if sh.persistent {
			keep = append(keep, sh)
		}
	}
	st.shadows = keep
}

// defined reports whether a %VAR% reference names something the script or
// the environment defines at this point.
func (l *linter) defined(st *walkState, ref string) bool {
	name := strings.Trim(ref, "%")
	return st.env[strings.ToLower(name)] || wellKnownVars[strings.ToUpper(name)] || paramVarRE.MatchString(strings.ToUpper(name)) || st.loaded != 0
}

// checkVars checks %VAR% references against what the script defined so far.
func (l *linter) checkVars(st *walkState, s Statement) {
	for _, m := range varRE.FindAllStringSubmatch(s.Raw, -1) {
		name := m[1]
		key := strings.ToLower(name)
		up := strings.ToUpper(name)
		if l.defined(st, m[0]) {
			continue // defined here, in the environment, or saved in a loaded .cab
		}
		if line, ok := st.aliases[key]; ok {
			l.add(s.Line, "undefined-alias", "%%%s%% is used before create: the alias from line %d only becomes a variable when create succeeds; move this line after create", name, line)
			continue
		}
		if shadowVar.MatchString(up) {
			l.add(s.Line, "undefined-alias", "%%%s%% is used before create (or load metadata) sets it", name)
			continue
		}
		l.add(s.Line, "undefined-alias", "%%%s%% is never defined in this script: define it with add volume ... alias %s, or add alias (if it is an environment variable set before diskshadow starts, use add alias to make that explicit)", name, name)
	}
}

// finish runs the checks that need the whole script.
func (l *linter) finish(st *walkState) {
	if st.began != 0 && !st.ended {
		l.add(st.began, "begin-without-end", "begin backup without end backup: writers are never told the backup completed (no BackupComplete, e.g. Exchange never truncates its logs); add end backup after the copy, or remove begin backup for a copy backup")
	}
	for _, sh := range st.shadows {
		if sh.exposedAs != "" && sh.persistent && !sh.deleted {
			l.add(sh.exposeLine, "exposed-not-deleted", "the shadow copy exposed as %s is persistent and never deleted: it stays exposed after exit and survives reboots; end the script with delete shadows exposed %s (or id %%alias%%)", sh.exposedAs, sh.exposedAs)
		}
	}
	for _, e := range st.execs {
		var leaked []string
		for _, sh := range e.live {
			if !sh.deleted || sh.deleteLine < e.line {
				continue
			}
			switch {
			case sh.exposedAs != "":
				leaked = append(leaked, "the one exposed as "+sh.exposedAs)
			case sh.alias != "":
				leaked = append(leaked, "%"+sh.alias+"%")
			default:
				leaked = append(leaked, "the one of "+sh.volume)
			}
		}
		if len(leaked) > 0 {
			l.add(e.line, "exec-leak", "if this exec'd script fails, diskshadow quits here and the delete shadows after it never runs: persistent shadow copies stay (%s); keep a cleanup script (delete shadows id ...) for that case", strings.Join(leaked, ", "))
		}
		if e.holding && st.lastDelete < e.line {
			l.add(e.line, "exec-without-cleanup", "nothing after this exec deletes the persistent shadow copies this script made: add delete shadows (id %%alias%% or exposed <letter>) after it, and keep a cleanup script for when the exec'd script fails and diskshadow quits")
		}
	}
	if !st.anyVerify && st.writersUsed {
		switch {
		case st.firstAway != 0:
			l.add(st.firstAway, "no-writer-verify", "writers are excluded but none is verified: a writer whose files are not all on the volumes in the set is excluded too, without an error; add writer verify <writer ID> for each application this backup must include")
		case st.began != 0:
			l.add(st.began, "no-writer-verify", "a full backup without writer verify: a writer whose files are not all on the volumes in the set is excluded without an error, and its application gets no backup; add writer verify <writer ID> for each application this backup must include")
		}
	}
	if st.writerUse > 0 {
		l.add(st.writerUse, "no-metadata", "writers take part in this snapshot but no set metadata names the .cab: diskshadow writes the writer metadata to a dated .cab in the current folder; set metadata C:\\path\\backup.cab keeps it where a restore will look")
	}
	l.discards(st)
}

// discards reports the settings reset threw away, unless the same command
// is given again after the reset (then nothing is lost).
func (l *linter) discards(st *walkState) {
	if len(st.discarded) == 0 {
		return
	}
	norm := func(raw string) string { return strings.ToLower(strings.Join(strings.Fields(raw), " ")) }
	last := map[string]int{} // command text -> its last line
	for _, s := range l.s.Statements {
		last[norm(s.Raw)] = s.Line
	}
	for _, d := range st.discarded {
		if last[norm(d.st.Raw)] > d.reset {
			continue
		}
		l.add(d.st.Line, "reset-discards", "%s is thrown away by reset at line %d before any command used it; move it after the reset, or drop it", strings.TrimSpace(d.st.Raw), d.reset)
	}
}
