package script

import "strings"

// The hook shape of vssmirror's scripts (README, "Hooks"): each hook runs
// in a wrapper .cmd named <job>-<kind>.cmd that the .dsh calls with exec.
// The pre-snapshot wrapper is the only exec that may come before create;
// the verify wrapper must come before end backup, which tells the writers
// the backup is complete (Exchange then truncates its logs).
func init() {
	registerRule(Rule{ID: "exec-before-create", Severity: SevError,
		Summary: "exec before create, other than the pre-snapshot hook's wrapper (<job>-pre_snapshot.cmd), in a script of vssmirror's shape (it execs a hook wrapper): it runs before the snapshot exists, so a copy script there copies the live volume. In another script (an admin's quiesce exec, as in the Domino recipe) a warning: the application stays quiesced if diskshadow stops before the exec that resumes it",
		Docs:    learn + "exec, " + learn + "create (the shadow copies exist only after create); vssmirror's hook contract (README, Hooks)"}, execBeforeCreate)
	registerRule(Rule{ID: "end-before-verify", Severity: SevError,
		Summary: "end backup before the verify hook's exec (<job>-verify.cmd): writers get BackupComplete (Exchange truncates its logs) before the backup was verified",
		Docs:    learn + "end-backup, " + learn + "exec (\"If the script fails, an error is returned and DiskShadow quits\"); vssmirror's hook contract (README, Hooks)"}, endBeforeVerify)
}

// hookWrapper reports whether an exec's path names a hook wrapper of the
// kind (pre_snapshot, post_snapshot, verify).
func hookWrapper(path, kind string) bool {
	p := strings.ToLower(strings.ReplaceAll(path, "/", `\`))
	return strings.HasSuffix(p, "-"+kind+".cmd")
}

func execPath(st Statement) string {
	if len(st.Args) == 0 {
		return ""
	}
	return st.Args[0]
}

func execBeforeCreate(l *linter, s *Script) {
	create := -1
	for i, st := range s.Statements {
		if st.Verb == "create" {
			create = i
			break
		}
	}
	ours := vssmirrorShaped(s)
	for _, st := range s.Statements[:max(create, 0)] {
		if st.Verb != "exec" || hookWrapper(execPath(st), "pre_snapshot") {
			continue
		}
		if ours {
			l.add(st.Line, "exec-before-create", "exec %s runs before create: no shadow copy exists yet, so it sees the live volume; only the pre-snapshot hook's wrapper (<job>-pre_snapshot.cmd) belongs here: move the exec after create and expose", execPath(st))
			continue
		}
		l.addAs(SevWarning, st.Line, "exec-before-create", "exec %s runs before create: if it quiesces an application (stops a service, enters backup mode), the application stays quiesced when diskshadow stops before the exec that resumes it (create fails, a later exec fails: diskshadow quits and runs nothing more), so resume it by hand then; if it copies, it copies the live volume (no shadow copy exists yet)", execPath(st))
	}
}

// vssmirrorShaped reports whether the script execs one of vssmirror's hook
// wrappers: in such a script the pre-snapshot wrapper is the only exec that
// belongs before create. Another script (an admin's own) may quiesce an
// application there, a risk rather than a mistake.
func vssmirrorShaped(s *Script) bool {
	for _, st := range s.Statements {
		if st.Verb != "exec" {
			continue
		}
		for _, kind := range []string{"pre_snapshot", "post_snapshot", "verify"} {
			if hookWrapper(execPath(st), kind) {
				return true
			}
		}
	}
	return false
}

func endBeforeVerify(l *linter, s *Script) {
	end := 0
	for _, st := range s.Statements {
		switch {
		case st.String() == "end backup" && end == 0:
			end = st.Line
		case st.Verb == "exec" && end != 0 && hookWrapper(execPath(st), "verify"):
			l.add(end, "end-before-verify", "end backup runs before the verify hook's exec at line %d: writers get BackupComplete (Exchange truncates its logs) before the backup was verified, and a failed verification can no longer stop it; move end backup after the exec of %s", st.Line, execPath(st))
		}
	}
}
