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
// script diskshadow executes) and cleanup.dsh.tmpl (the manual cleanup
// script).
//
//go:embed *.tmpl
var FS embed.FS

// Names of the templates in FS.
const (
	JobDsh     = "job.dsh.tmpl"
	CopyCmd    = "copy.cmd.tmpl"
	CleanupDsh = "cleanup.dsh.tmpl"
)

// Names lists every template in FS, in the order the scripts are written.
var Names = []string{JobDsh, CopyCmd, CleanupDsh}
