package job

import (
	"errors"
	"runtime"

	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/vssmirror/vssmirror/internal/suggest"
	"github.com/vssmirror/vssmirror/robocmd"
)

// MaxNameLen is the longest job name.
const MaxNameLen = 64

// ValidName reports whether name is a job name Validate accepts: 1 to
// MaxNameLen letters A-Z, digits, '_' and '-' (it names scripts, logs,
// the lock and the history). Names read back from files are checked with it.
func ValidName(name string) bool { return len(name) <= MaxNameLen && nameRE.MatchString(name) }

// ValidSetName reports whether set is a set name a run writes (at most 64
// letters, digits and '-', as Sets.Names makes them; "" for sets: single).
// A set name read back from a file (the set file, the history, a story
// plan) is checked with it before it is shown or used.
func ValidSetName(set string) bool { return setNameRE.MatchString(set) }

var (
	setNameRE    = regexp.MustCompile(`^[A-Za-z0-9-]{0,64}$`)
	nameRE       = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	drivePathRE  = regexp.MustCompile(`^[A-Za-z]:\\`)
	dshSafeRE    = regexp.MustCompile(`^[A-Za-z]:\\[A-Za-z0-9_.\\-]*$`)
	uncRE        = regexp.MustCompile(`^\\\\[^\\?.][^\\]*\\[^\\]+`)
	letterRE     = regexp.MustCompile(`^[A-Za-z]:?$`)
	copyFlagsRE  = regexp.MustCompile(`^[DATSOUXdatsoux]+$`)
	dcopyFlagsRE = regexp.MustCompile(`^[DATEXdatex]+$`)
)

type validator struct {
	j        *Job
	problems []Problem
	flagged  map[string]bool // fields with a problem
}

func (v *validator) add(field, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if e, ok := v.j.escapes[field]; ok {
		msg += e.hint()
	}
	if v.flagged == nil {
		v.flagged = map[string]bool{}
	}
	v.flagged[field] = true
	v.problems = append(v.problems, Problem{Line: v.line(field), Field: field, Message: msg})
}

// escapes refuses the double-quoted values written with an escape that
// passed every other check: "D:\Data\xfer" is D:\Dataþr to YAML, and
// "D:\Shares\_old" holds a no-break space instead of \_.
func (v *validator) escapes() {
	fields := make([]string, 0, len(v.j.escapes))
	for f := range v.j.escapes {
		if !v.flagged[f] {
			fields = append(fields, f)
		}
	}
	sort.Strings(fields)
	for _, f := range fields {
		e := v.j.escapes[f]
		v.problems = append(v.problems, Problem{Line: v.line(f), Field: f, Message: fmt.Sprintf("in double quotes YAML reads %s as an escape, so the value is %q; use single quotes, %s (or write every backslash as \\\\)", e.seq, e.value, singleQuoted(e.raw))})
	}
}

// line finds the line of field, or of its closest parent that has one.
func (v *validator) line(field string) int {
	for f := field; f != ""; {
		if l, ok := v.j.lines[f]; ok {
			return l
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return 0
}

// validate checks the decoded job and normalizes it: paths lose trailing
// backslashes, drive letters become upper case, writer names become IDs'
// catalog names, and defaults that depend on other fields are filled in.
func (j *Job) validate() []Problem {
	v := &validator{j: j}
	if _, ok := j.lines["version"]; !ok {
		v.add("version", "missing; write `version: 1` at the top")
	} else if j.Version != Version {
		v.add("version", "unsupported version %d; this vssmirror reads version %d", j.Version, Version)
	}
	switch {
	case j.Name == "":
		v.add("name", "missing; give the job a name of letters, digits, '_' and '-'")
	case !nameRE.MatchString(j.Name):
		v.add("name", "%q may only hold letters A-Z, digits, '_' and '-' (it names scripts, logs and the lock)", j.Name)
	case len(j.Name) > MaxNameLen:
		v.add("name", "longer than %d characters", MaxNameLen)
	}
	j.ScriptsDir = v.scriptsDir(j.ScriptsDir)
	j.Destination = v.destination(j.Destination)
	v.sources()
	v.shadow()
	v.robocopy()
	v.guard()
	v.story()
	v.email()
	v.retention()
	v.hooks()
	v.verify()
	v.escapes()
	if t := j.Timeout.Std(); t < MinTimeout || t > MaxTimeout {
		v.add("timeout", "%s is out of range: from 1m to 168h", j.Timeout)
	}
	return v.problems
}

func (v *validator) retention() {
	r := v.j.Retention
	if r.KeepRuns < 1 || r.KeepRuns > 100000 {
		v.add("retention.keep_runs", "%d is out of range 1-100000 (the number of newest run folders always kept; default %d)", r.KeepRuns, DefaultKeepRuns)
	}
	if r.KeepDays < 0 || r.KeepDays > 36500 {
		v.add("retention.keep_days", "%d is out of range 0-36500 (run folders newer than this many days are always kept; default %d)", r.KeepDays, DefaultKeepDays)
	}
}

// cleanPath checks the characters of a Windows path and returns it without
// trailing backslashes (a drive root keeps its one backslash).
func (v *validator) cleanPath(field, p string) (string, bool) {
	if p == "" {
		v.add(field, "missing")
		return p, false
	}
	if err := robocmd.CheckPath(p); err != nil {
		var qe *robocmd.QuoteError
		if asQuoteError(err, &qe) {
			v.add(field, "%s", qe.Reason)
		} else {
			v.add(field, "%v", err)
		}
		return p, false
	}
	if strings.Contains(p, "/") {
		v.add(field, "%q uses '/'; write Windows paths with backslashes", p)
		return p, false
	}
	if len(p) >= 2 && p[1] == ':' && !drivePathRE.MatchString(p) {
		v.add(field, "%q is drive-relative; write the full path, e.g. %s\\", p, p[:2])
		return p, false
	}
	body := p
	if drivePathRE.MatchString(p) {
		body = p[2:]
	} else if strings.HasPrefix(p, `\\`) {
		body = p[2:]
	}
	if i := strings.IndexAny(body, `<>|?*:`); i >= 0 {
		v.add(field, "%q contains %q, which Windows does not allow in a file name", p, body[i])
		return p, false
	}
	for _, part := range strings.Split(body, `\`) {
		if part == "." || part == ".." {
			v.add(field, "%q contains a %q component; write the path without it", p, part)
			return p, false
		}
		if msg := windowsDropsEnd(part); msg != "" {
			v.add(field, "%q: %s", p, msg)
			return p, false
		}
	}
	for len(p) > 3 && strings.HasSuffix(p, `\`) {
		p = strings.TrimSuffix(p, `\`)
	}
	if drivePathRE.MatchString(p) {
		p = strings.ToUpper(p[:1]) + p[1:]
	}
	return p, true
}

func asQuoteError(err error, target **robocmd.QuoteError) bool {
	return errors.As(err, target)
}

// quoteReason is the reason of a refusal by robocmd.CheckPath, for a
// message that already names the field.
func quoteReason(err error) string {
	var qe *robocmd.QuoteError
	if errors.As(err, &qe) {
		return qe.Reason
	}
	return err.Error()
}

func (v *validator) scriptsDir(p string) string {
	const f = "scripts_dir"
	p, ok := v.cleanPath(f, p)
	if !ok {
		return p
	}
	if err := checkWindowsScriptsDir(p); err != nil {
		v.add(f, "%v", err)
	}
	return p
}

// posixSafeRE is a scripts folder off Windows: only where the runner drives
// a diskshadow test double.
var posixSafeRE = regexp.MustCompile(`^/[A-Za-z0-9._/-]*$`)

// CheckScriptsDir checks a scripts folder, from the job file (scripts_dir)
// or the command line (run --scripts-dir): an absolute path on a local
// drive that can go into a diskshadow script as it is. Off Windows an
// absolute POSIX path of the same characters passes too (for test doubles).
func CheckScriptsDir(p string) error {
	if runtime.GOOS != "windows" && strings.HasPrefix(p, "/") {
		if !posixSafeRE.MatchString(p) {
			return fmt.Errorf("%q goes into the diskshadow script: use only ASCII letters, digits, '.', '_', '-' and '/'", p)
		}
		return nil
	}
	return checkWindowsScriptsDir(p)
}

func checkWindowsScriptsDir(p string) error {
	if !drivePathRE.MatchString(p) {
		return fmt.Errorf("%q must be an absolute path on a local drive, such as 'C:\\ProgramData\\vssmirror\\<job>' (diskshadow runs the copy script from it)", p)
	}
	if !dshSafeRE.MatchString(p) {
		return fmt.Errorf("%q goes into the diskshadow script, whose quoting is undocumented: use only ASCII letters, digits, '.', '_', '-' and '\\' (no spaces, no '%%')", p)
	}
	return nil
}

func (v *validator) destination(p string) string {
	const f = "destination"
	p, ok := v.cleanPath(f, p)
	if !ok {
		return p
	}
	switch {
	case drivePathRE.MatchString(p):
	case uncRE.MatchString(p):
	case strings.HasPrefix(p, `\\?\`) || strings.HasPrefix(p, `\\.\`):
		v.add(f, "%q: device paths are not supported; use a drive path or a UNC share", p)
	default:
		v.add(f, "%q must be a local drive path (E:\\Backups\\job) or a UNC share (\\\\nas01\\backups\\job)", p)
	}
	return p
}

// inside reports whether path a is b or lies below b (case-insensitive, as
// NTFS and SMB compare names).
func inside(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	if a == b {
		return true
	}
	if !strings.HasSuffix(b, `\`) {
		b += `\`
	}
	return strings.HasPrefix(a, b)
}

func (v *validator) sources() {
	j := v.j
	if len(j.Sources) == 0 {
		v.add("sources", "no sources; list at least one folder to back up, e.g. `- path: 'D:\\Shares'`")
		return
	}
	volumes := map[string]bool{}
	for i := range j.Sources {
		s := &j.Sources[i]
		f := fmt.Sprintf("sources[%d]", i)
		p, ok := v.cleanPath(f+".path", s.Path)
		s.Path = p
		if ok {
			switch {
			case strings.HasPrefix(p, `\\?\`) || strings.HasPrefix(p, `\\.\`):
				v.add(f+".path", "%q: volume GUID and device paths are not supported yet; use the volume's drive letter", p)
				ok = false
			case strings.HasPrefix(p, `\\`):
				v.add(f+".path", "%q: UNC sources are not supported yet (VSS snapshots local volumes); run vssmirror on the server that holds the data", p)
				ok = false
			case !drivePathRE.MatchString(p):
				v.add(f+".path", "%q: relative paths are not supported; write the full path with its drive letter, e.g. D:\\Shares", p)
				ok = false
			}
		}
		if ok {
			volumes[p[:1]] = true
			if j.Destination != "" && inside(j.Destination, p) {
				v.add(f+".path", "the destination %q is inside this source: the mirror would copy itself", j.Destination)
			}
			if j.Destination != "" && inside(p, j.Destination) {
				v.add(f+".path", "%q is inside the destination %q: /MIR would delete it", p, j.Destination)
			}
		}
		if s.Target == "" && ok {
			s.Target = defaultTarget(p)
		} else if s.Target != "" {
			v.target(f+".target", s)
		}
		v.names(f+".exclude_dirs", s.ExcludeDirs, "a folder name (Temp) or a full path (D:\\Shares\\Temp)")
		v.names(f+".exclude_files", s.ExcludeFiles, "a file name or wildcard (*.tmp) or a full path (D:\\Shares\\a.txt)")
	}
	v.overlaps()
}

// overlaps refuses targets that overlap (one equal to or inside another):
// the /MIR of one would delete the other's files. Each target is compared
// with the earlier ones through two maps, of the targets and of every
// folder above one, so the check takes time linear in the length of the
// targets (it was pairwise: 20,000 sources took over a minute). For each
// overlapping source the earliest source it overlaps is named.
func (v *validator) overlaps() {
	j := v.j
	targets := map[string]int{} // lower-case target -> first source with it
	above := map[string]int{}   // lower-case folder above a target -> first source below it
	for b := range j.Sources {
		tb := j.Sources[b].Target
		if tb == "" {
			continue
		}
		key := strings.ToLower(tb) // as inside: NTFS and SMB compare names without case
		a := -1
		if i, ok := above[key]; ok {
			a = i
		}
		// key itself and every folder above it, among the earlier targets.
		for p := key; ; {
			if i, ok := targets[p]; ok && (a < 0 || i < a) {
				a = i
			}
			k := strings.LastIndexByte(p, '\\')
			if k < 0 {
				break
			}
			p = p[:k]
		}
		if a >= 0 {
			v.add(fmt.Sprintf("sources[%d].target", b), "%q overlaps the target %q of sources[%d]: the mirror of one would delete the other's files; give each source its own folder", tb, j.Sources[a].Target, a)
		}
		if _, ok := targets[key]; !ok {
			targets[key] = b
		}
		for k := strings.IndexByte(key, '\\'); k >= 0; {
			if _, ok := above[key[:k]]; !ok {
				above[key[:k]] = b
			}
			n := strings.IndexByte(key[k+1:], '\\')
			if n < 0 {
				break
			}
			k += 1 + n
		}
	}
}

// defaultTarget is <drive letter>\<rest of path>: D:\Shares -> D\Shares.
func defaultTarget(p string) string {
	rest := strings.Trim(p[2:], `\`)
	if rest == "" {
		return strings.ToUpper(p[:1])
	}
	return strings.ToUpper(p[:1]) + `\` + rest
}

// windowsDropsEnd says why a path part that ends in a dot or a space is
// refused: Windows drops them, so "Data." and "Data " name the folder
// "Data", and the overlap checks, which compare the names as written,
// would miss that two sources mirror into one folder.
func windowsDropsEnd(part string) string {
	if part != "" && (strings.HasSuffix(part, ".") || strings.HasSuffix(part, " ")) {
		return fmt.Sprintf("the name %q ends in a dot or a space, which Windows drops (it is another name for %q); write it without", part, strings.TrimRight(part, ". "))
	}
	return ""
}

func (v *validator) target(f string, s *Source) {
	t := s.Target
	if err := robocmd.CheckPath(t); err != nil {
		v.add(f, "%s", quoteReason(err))
		return
	}
	if drivePathRE.MatchString(t) || strings.HasPrefix(t, `\`) || strings.Contains(t, ":") {
		v.add(f, "%q must be a folder relative to the destination, such as 'D\\Shares'", t)
		return
	}
	if strings.Contains(t, "/") {
		v.add(f, "%q uses '/'; write it with backslashes", t)
		return
	}
	t = strings.TrimRight(t, `\`)
	for _, part := range strings.Split(t, `\`) {
		if part == "" || part == "." || part == ".." {
			v.add(f, "%q must be a plain relative folder without empty, '.' or '..' parts (mirroring into the destination's root would wipe it)", s.Target)
			return
		}
		if i := strings.IndexAny(part, `<>|?*`); i >= 0 {
			v.add(f, "%q contains %q, which Windows does not allow in a file name", s.Target, part[i])
			return
		}
		if msg := windowsDropsEnd(part); msg != "" {
			v.add(f, "%q: %s", s.Target, msg)
			return
		}
	}
	s.Target = t
}

// names checks the entries of an exclude list. An entry starting with '/'
// would reach robocopy as a switch (/MOV, /CREATE, /JOB:x, /SAVE:x),
// bypassing the check of robocopy.extra_args; want says what to write.
func (v *validator) names(f string, list []string, want string) {
	for i, n := range list {
		ff := fmt.Sprintf("%s[%d]", f, i)
		if err := robocmd.CheckPath(n); err != nil {
			v.add(ff, "%s", quoteReason(err))
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(n, " "), "/") {
			v.add(ff, "%q starts with '/', so robocopy would read it as a switch, not a name to exclude; write %s", n, want)
		}
	}
}

func (v *validator) shadow() {
	j := v.j
	sh := &j.Shadow
	switch sh.BackupType {
	case BackupCopy, BackupFull:
	default:
		v.add("shadow.backup_type", "%q is not a backup type; use copy (writers are not told the backup completed) or full (begin/end backup: writers get BackupComplete and may truncate logs)", sh.BackupType)
	}
	if !sh.Writers {
		if len(sh.VerifyWriters) > 0 {
			v.add("shadow.verify_writers", "writers: false takes a crash-consistent snapshot without writers, so no writer can be verified; remove verify_writers or set writers: true")
		}
		if len(sh.ExcludeWriters) > 0 {
			v.add("shadow.exclude_writers", "writers: false already leaves all writers out; remove exclude_writers or set writers: true")
		}
		if sh.BackupType == BackupFull {
			v.add("shadow.backup_type", "a full backup notifies writers of BackupComplete, but writers: false snapshots without writers; use backup_type: copy or writers: true")
		}
	}
	if sh.BackupType == BackupFull && j.Sets.Mode == SetsSingle {
		v.add("shadow.backup_type", "backup_type: full with sets: single keeps only one copy: a failed night would leave a half-overwritten database as the only copy, while the previous full backup already truncated the logs; use sets: weekday or sets: {rotate: N} with N >= 2 (or backup_type: copy)")
	}
	verified := map[string]int{}
	sh.VerifyWriters = v.writers("shadow.verify_writers", sh.VerifyWriters, verified, nil)
	sh.ExcludeWriters = v.writers("shadow.exclude_writers", sh.ExcludeWriters, map[string]int{}, verified)

	used := map[string]string{}
	for i, s := range j.Sources {
		if drivePathRE.MatchString(s.Path) {
			used[strings.ToUpper(s.Path[:1])] = fmt.Sprintf("sources[%d].path", i)
		}
	}
	if drivePathRE.MatchString(j.Destination) {
		used[strings.ToUpper(j.Destination[:1])] = "destination"
	}
	seen := map[string]bool{}
	for i, l := range sh.ExposeLetters {
		f := fmt.Sprintf("shadow.expose_letters[%d]", i)
		if !letterRE.MatchString(l) {
			v.add(f, "%q is not a drive letter; write a single letter such as S", l)
			continue
		}
		L := strings.ToUpper(l[:1])
		sh.ExposeLetters[i] = L
		switch {
		case L <= "C":
			v.add(f, "%s: is reserved (A and B are floppy letters, C is the system drive); pick a letter from D to Z that is free on the server", L)
		case seen[L]:
			v.add(f, "%s: is listed twice; each volume needs its own letter", L)
		case used[L] != "":
			v.add(f, "%s: is used by %s; pick a letter the job does not use", L, used[L])
		}
		seen[L] = true
	}
	vols := len(Volumes(j))
	if free := len(ExposeLetters(j)); len(sh.ExposeLetters) == 0 && free < vols {
		v.add("sources", "the sources use %d volumes but only %d drive letters from D to Z are free to expose them; split the job", vols, free)
	}
	if n := len(sh.ExposeLetters); n > 0 && n != vols {
		v.add("shadow.expose_letters", "%d letters for %d volumes; give one letter per volume (in the order the volumes first appear in sources), or leave the list empty to let vssmirror choose", n, vols)
	}
}

// writers resolves a list of writer names or GUIDs to catalog names or
// normalized GUIDs. other, when set, holds the writers of the other list.
func (v *validator) writers(f string, list []string, seen, other map[string]int) []string {
	out := make([]string, 0, len(list))
	for i, w := range list {
		ff := fmt.Sprintf("%s[%d]", f, i)
		wr, ok := LookupWriter(w)
		if !ok {
			msg := fmt.Sprintf("%q is not a writer vssmirror knows; use a catalog name (%s) or the writer's ID as {GUID} from `diskshadow list writers`", w, strings.Join(WriterNames(), ", "))
			if s := suggest.Nearest(w, WriterNames()); s != "" {
				msg = fmt.Sprintf("%q is not a known writer; did you mean %q? (`vssmirror writers` lists the catalog; any {GUID} works too)", w, s)
			}
			v.add(ff, "%s", msg)
			continue
		}
		if prev, dup := seen[wr.ID]; dup {
			v.add(ff, "%q is listed twice (also at [%d])", w, prev)
			continue
		}
		if _, both := other[wr.ID]; both {
			v.add(ff, "%q is both verified and excluded; keep it in one list", w)
			continue
		}
		seen[wr.ID] = i
		out = append(out, wr.ID)
	}
	return out
}

func (v *validator) robocopy() {
	r := &v.j.Robocopy
	if r.Retries < 0 || r.Retries > 1000 {
		v.add("robocopy.retries", "%d is out of range 0-1000 (robocopy's own default of 1000000 retries hangs a job for days on one locked file)", r.Retries)
	}
	if r.WaitSeconds < 0 || r.WaitSeconds > 3600 {
		v.add("robocopy.wait_seconds", "%d is out of range 0-3600", r.WaitSeconds)
	}
	if r.Threads < 0 || r.Threads > 128 {
		v.add("robocopy.threads", "%d is out of range: 0 (single-threaded, no /MT) or 1-128", r.Threads)
	}
	if r.Copy != "" && !copyFlagsRE.MatchString(r.Copy) {
		v.add("robocopy.copy", "%q: /COPY takes letters from D A T S O U X", r.Copy)
	}
	r.Copy = strings.ToUpper(r.Copy)
	if r.DCopy != "" && !dcopyFlagsRE.MatchString(r.DCopy) {
		v.add("robocopy.dcopy", "%q: /DCOPY takes letters from D A T E X", r.DCopy)
	}
	r.DCopy = strings.ToUpper(r.DCopy)
	for i, a := range r.ExtraArgs {
		if err := robocmd.CheckExtraArg(a); err != nil {
			v.add(fmt.Sprintf("robocopy.extra_args[%d]", i), "%v", err)
		}
	}
	if err := robocmd.CheckPath(r.Path); err != nil {
		v.add("robocopy.path", "%s", quoteReason(err))
	}
}

func (v *validator) guard() {
	g := &v.j.Guard
	if g.MaxDeletePercent < 0 || g.MaxDeletePercent > 100 {
		v.add("guard.max_delete_percent", "%d is out of range 0-100", g.MaxDeletePercent)
	}
	if g.MaxDeleteFiles < 0 {
		v.add("guard.max_delete_files", "%d is negative; 0 means no absolute limit", g.MaxDeleteFiles)
	}
	if !g.Enabled {
		return
	}
	if !v.j.Robocopy.Mirror {
		v.add("guard.enabled", "the deletion guard protects /MIR, but robocopy.mirror is false (nothing is deleted); remove the guard or set mirror: true")
	}
	if !drivePathRE.MatchString(g.VssmirrorPath) {
		v.add("guard.vssmirror_path", "%q must be the absolute path of vssmirror.exe on the server, e.g. 'C:\\Program Files\\vssmirror\\vssmirror.exe'", g.VssmirrorPath)
	} else if err := robocmd.CheckPath(g.VssmirrorPath); err != nil {
		v.add("guard.vssmirror_path", "%s", quoteReason(err))
	}
}

var addrRE = regexp.MustCompile(`^[^@\s<>"]+@[^@\s<>"]+$`)

// envNameRE is an environment variable name password_env may give.
var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (v *validator) email() {
	e := &v.j.Notify.Email
	if e.PasswordEnv != "" && !envNameRE.MatchString(e.PasswordEnv) {
		v.add("notify.email.password_env", "%s", passwordEnvMsg)
	}
	if e.Host == "" {
		if len(e.To) > 0 || e.From != "" {
			v.add("notify.email.host", "missing: give the SMTP server that sends the status mail")
		}
		return
	}
	if e.Port < 1 || e.Port > 65535 {
		v.add("notify.email.port", "%d is not a TCP port", e.Port)
	}
	switch e.Security {
	case EmailSTARTTLS, EmailTLS, EmailNoTLS:
	default:
		v.add("notify.email.security", "%q: use %s (port 587), %s (port 465) or %s", e.Security, EmailSTARTTLS, EmailTLS, EmailNoTLS)
	}
	switch e.When {
	case EmailAlways, EmailOnFailure:
	default:
		v.add("notify.email.when", "%q: use %s (default) or %s", e.When, EmailOnFailure, EmailAlways)
	}
	if !addrRE.MatchString(e.From) {
		v.add("notify.email.from", "%q is not a mail address", e.From)
	}
	if len(e.To) == 0 {
		v.add("notify.email.to", "missing: list at least one recipient")
	}
	for i, t := range e.To {
		if !addrRE.MatchString(t) {
			v.add(fmt.Sprintf("notify.email.to[%d]", i), "%q is not a mail address", t)
		}
	}
	if e.PasswordEnv != "" && e.PasswordFile != "" {
		v.add("notify.email.password_file", "give the password in password_env or password_file, not both")
	}
	if e.User != "" && e.PasswordEnv == "" && e.PasswordFile == "" {
		v.add("notify.email.user", "a user needs a password: set password_env (an environment variable) or password_file; it is never written in the job file")
	}
}

// IsDrivePath reports whether p is an absolute path on a drive letter (D:\...).
func IsDrivePath(p string) bool { return drivePathRE.MatchString(p) }

// Volumes returns the drive letters (upper case, no colon) of the volumes the
// job's sources live on, in the order they first appear.
func Volumes(j *Job) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range j.Sources {
		if !drivePathRE.MatchString(s.Path) {
			continue
		}
		l := strings.ToUpper(s.Path[:1])
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// ExposeLetters returns the letter each volume of Volumes(j) is exposed as:
// shadow.expose_letters when given, else letters chosen from Z downwards,
// skipping A-C and every letter the job's sources and destination use.
func ExposeLetters(j *Job) []string {
	vols := Volumes(j)
	if len(j.Shadow.ExposeLetters) == len(vols) && len(vols) > 0 {
		return append([]string(nil), j.Shadow.ExposeLetters...)
	}
	used := map[byte]bool{'A': true, 'B': true, 'C': true}
	for _, v := range vols {
		used[v[0]] = true
	}
	if drivePathRE.MatchString(j.Destination) {
		used[strings.ToUpper(j.Destination[:1])[0]] = true
	}
	var out []string
	for c := byte('Z'); c > 'C' && len(out) < len(vols); c-- {
		if !used[c] {
			out = append(out, string(c))
		}
	}
	return out
}
