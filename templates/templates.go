// Package templates holds the default text/template sources vssmirror
// renders scripts from. They are embedded so the binary is self-contained;
// `vssmirror templates dump DIR` writes them out for editing, and
// `--template-dir DIR` makes a same-named file there replace a default.
//
// The templates are written with LF line endings; the renderer turns every
// line ending into CRLF, which diskshadow and cmd.exe need.
package templates

import "embed"

// FS holds the default templates, one file per generated script:
// job.dsh.tmpl (the diskshadow backup script), copy.cmd.tmpl (the robocopy
// script diskshadow executes), cleanup.dsh.tmpl (the manual cleanup
// script, by exposed letter), cleanup-ids.dsh.tmpl (the runner's
// cleanup of journaled shadows, by ID) and hook.cmd.tmpl (the wrapper of
// each hook: <name>-pre_snapshot.cmd, -post_snapshot.cmd, -verify.cmd),
// start.dsh.tmpl and stop.dsh.tmpl (the two-phase snapshot's pair).
//
// Templates are text/template with missingkey=error. Besides the project's
// own functions (cmdq: one value quoted for cmd.exe; cmdline: a program and
// its arguments, each quoted) they get sprig's hermetic text functions
// (github.com/Masterminds/sprig/v3 HermeticTxtFuncMap: upper, lower, trim,
// replace, join, default, ...; nothing that reads the clock, the
// environment or random numbers, so output stays reproducible).
//
//go:embed *.tmpl README.txt
var FS embed.FS

// Names of the templates in FS.
const (
	JobDsh     = "job.dsh.tmpl"
	CopyCmd    = "copy.cmd.tmpl"
	CleanupDsh = "cleanup.dsh.tmpl"
	CleanupIDs = "cleanup-ids.dsh.tmpl"
	HookCmd    = "hook.cmd.tmpl"
	StartDsh   = "start.dsh.tmpl" // two-phase snapshot: <name>-start.dsh
	StopDsh    = "stop.dsh.tmpl"  // two-phase snapshot: <name>-stop.dsh
	// The writer-aware restore, generated for review (dshgen.RestorePlan).
	RestoreDsh    = "restore.dsh.tmpl"
	RestoreCmd    = "restore.cmd.tmpl"
	RestoreReadme = "restore-readme.txt.tmpl"
)

// ReadmeName is the README `vssmirror templates dump` writes beside the
// templates; a template directory may keep it.
const ReadmeName = "README.txt"

// Names lists every template in FS, in the order the scripts are written.
var Names = []string{JobDsh, CopyCmd, CleanupDsh, CleanupIDs, HookCmd, StartDsh, StopDsh, RestoreDsh, RestoreCmd, RestoreReadme}
