package job

import (
	"fmt"
	"strings"

	"github.com/vssmirror/vssmirror/robocmd"
)

// HookKinds lists the hook kinds in the order they run.
var HookKinds = []string{HookPre, HookPost, HookVerify}

// Command returns the hook of the given kind (nil when not set).
func (h Hooks) Command(kind string) []string {
	switch kind {
	case HookPre:
		return h.PreSnapshot
	case HookPost:
		return h.PostSnapshot
	case HookVerify:
		return h.Verify
	}
	return nil
}

// IsBatch reports whether a hook's program is a batch script (.cmd or
// .bat): the wrapper then runs it with `call`, so that control comes back.
func IsBatch(program string) bool {
	l := strings.ToLower(program)
	return strings.HasSuffix(l, ".cmd") || strings.HasSuffix(l, ".bat")
}

// runsAndWaits reports whether cmd.exe runs program itself and waits for
// its exit code: a program or a batch script, not a file it opens by
// association.
func runsAndWaits(program string) bool {
	l := strings.ToLower(program)
	return IsBatch(l) || strings.HasSuffix(l, ".exe") || strings.HasSuffix(l, ".com")
}

// hooks checks the hooks section: each hook is a program given by its
// absolute path and its arguments, every entry quotable for cmd.exe.
func (v *validator) hooks() {
	h := &v.j.Hooks
	if h.TimeoutSeconds < 1 || h.TimeoutSeconds > MaxHookTimeout {
		v.add("hooks.timeout_seconds", "%d is out of range 1-%d (seconds each hook may take; default %d)", h.TimeoutSeconds, MaxHookTimeout, DefaultHookTimeout)
	}
	for _, kind := range HookKinds {
		cmd := h.Command(kind)
		f := "hooks." + kind
		for i, a := range cmd {
			ff := fmt.Sprintf("%s[%d]", f, i)
			if i == 0 {
				if !drivePathRE.MatchString(a) {
					v.add(ff, "%q must be the absolute path of a program or script on the server, e.g. 'C:\\Scripts\\quiesce.cmd' (a hook runs elevated: a name looked up in PATH could be anyone's program); give its arguments as further list entries", a)
					continue
				}
				if strings.ContainsAny(a[2:], `<>|?*:`) || strings.Contains(a, "/") {
					v.add(ff, "%q is not a valid Windows path", a)
					continue
				}
				if !runsAndWaits(a) {
					v.add(ff, "%q is neither a program (.exe, .com) nor a batch script (.cmd, .bat): cmd.exe would hand it to its file association, which need not run it (a .ps1 opens in Notepad) nor report its exit code; run it through its interpreter, e.g. ['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', '-NoProfile', '-File', '%s']", a, a)
					continue
				}
			}
			if err := robocmd.CheckPath(a); err != nil {
				v.add(ff, "%s", quoteReason(err))
				continue
			}
			if IsBatch(cmd[0]) {
				if _, err := robocmd.QuoteCall(a); err != nil {
					v.add(ff, "%s", quoteReason(err))
				}
			}
		}
	}
}

// verify checks the verify section and the SQL full-backup guard.
func (v *validator) verify() {
	j := v.j
	vf := &j.Verify
	switch vf.On {
	case VerifyOnSnapshot, VerifyOnCopy:
	default:
		v.add("verify.on", "%q: use snapshot (check the frozen snapshot, default) or copy (check the destination after the copy)", vf.On)
	}
	if vf.Eseutil {
		if !drivePathRE.MatchString(vf.EseutilPath) {
			v.add("verify.eseutil_path", "%q must be the absolute path of eseutil.exe on the server (default %s)", vf.EseutilPath, DefaultEseutil)
		} else if err := robocmd.CheckPath(vf.EseutilPath); err != nil {
			v.add("verify.eseutil_path", "%s", quoteReason(err))
		}
		if !j.Shadow.Writers {
			v.add("verify.eseutil", "eseutil checks Exchange databases, which are only consistent in a snapshot with the Exchange writer; set shadow.writers: true and verify_writers: [exchange]")
		}
	}
	if vf.SampleHashes < 0 || vf.SampleHashes > 100000 {
		v.add("verify.sample_hashes", "%d is out of range 0-100000 (files picked at random per source and compared by SHA-256)", vf.SampleHashes)
	}
	if vf.HashCopiedMax < 0 || vf.HashCopiedMax > 1000000 {
		v.add("verify.hash_copied_max", "%d is out of range 0-1000000 (files robocopy copied that are hashed too, per source; 0 = only the random sample)", vf.HashCopiedMax)
	}
	if vf.SampleHashes > 0 && !j.Guard.Enabled && !drivePathRE.MatchString(j.Guard.VssmirrorPath) {
		v.add("guard.vssmirror_path", "%q must be the absolute path of vssmirror.exe: verify.sample_hashes runs it to compare the files", j.Guard.VssmirrorPath)
	}
	for i, c := range vf.VerifyComponents {
		f := fmt.Sprintf("verify.verify_components[%d]", i)
		if !j.Shadow.Writers {
			v.add(f, "writers: false takes a snapshot without writers, so no component can be verified; remove it or set shadow.writers: true")
			break
		}
		w, path, err := ParseComponent(c)
		if err != nil {
			v.add(f, "%v", err)
			continue
		}
		vf.VerifyComponents[i] = w.ID + ":" + path
	}
	if j.Shadow.BackupType == BackupFull && !j.Shadow.SQLFullOK && j.Shadow.Writers && v.sqlInvolved() {
		v.add("shadow.backup_type", "backup_type: full with the SQL writer (SqlServerWriter) resets the differential base of every database SQL Server's own backups rely on: the next differential is then relative to this snapshot, which SQL's backup chain does not hold; use backup_type: copy (the sql preset does), exclude the sql writer, or set shadow.sql_full_ok: true if vssmirror is your only SQL backup")
	}
}

// sqlInvolved reports whether the job snapshots with the SQL writer: it
// names it in verify_writers. (A job that does not name it, on a server
// without SQL Server, does not involve it; one that excludes it cannot.)
func (v *validator) sqlInvolved() bool {
	sql, _ := LookupWriter("sql")
	for _, id := range v.j.Shadow.VerifyWriters {
		if strings.EqualFold(id, sql.ID) || strings.EqualFold(id, sql.Name) {
			return true
		}
	}
	return false
}

// ParseComponent reads a verify_components entry: WRITER:\LOGICAL\PATH\NAME,
// where WRITER is a catalog name or a {GUID}, and the rest is the
// component's logical path and name as `diskshadow list writers detailed`
// prints them. It returns the writer and the component path (starting
// with a backslash).
func ParseComponent(s string) (Writer, string, error) {
	name, path, ok := strings.Cut(s, ":")
	if !ok || !strings.HasPrefix(path, `\`) || len(strings.Trim(path, `\`)) == 0 {
		return Writer{}, "", fmt.Errorf("%q: write WRITER:\\LOGICAL PATH\\COMPONENT, e.g. 'exchange:\\Microsoft Exchange Server\\Microsoft Information Store\\SRV01\\{database GUID}' (the writer's catalog name or {GUID}, a colon, then the component's logical path and name from `diskshadow list writers detailed`)", s)
	}
	w, ok := LookupWriter(name)
	if !ok {
		return Writer{}, "", fmt.Errorf("%q: %q is not a writer vssmirror knows; use a catalog name (%s) or the writer's {GUID}", s, name, strings.Join(WriterNames(), ", "))
	}
	for _, r := range path {
		if r < 0x20 || r > 0x7e || r == '"' || r == '%' {
			return Writer{}, "", fmt.Errorf("%q: a component path in the diskshadow script may hold printable ASCII only, without '\"' and '%%'", s)
		}
	}
	if strings.HasSuffix(path, `\`) {
		return Writer{}, "", fmt.Errorf("%q: the component path ends in a backslash; end it with the component's name", s)
	}
	return w, path, nil
}
