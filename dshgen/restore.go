package dshgen

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/templates"
)

// RestorePlan is the data of the writer-aware restore templates
// (templates.RestoreDsh, RestoreCmd, RestoreReadme): a diskshadow script
// that loads the backup's writer metadata and runs the copy-back script
// between begin restore and end restore, for review before use.
type RestorePlan struct {
	Job         string
	Set         string // "" for sets: single
	RunID       string // the run that wrote the set
	Writer      WriterRef
	WriterName  string // catalog name: exchange, sql, hyperv
	Dir         string // where the scripts are (ASCII, no spaces)
	DshPath     string
	CmdPath     string
	ReadmePath  string
	Metadata    string // the .cab copied beside the scripts
	SetFolder   string
	Robocopy    string
	Copies      []RestoreCopy
	MinPartial  int
	LogName     string
	VerifyCmd   string // the verify command line to run first
	Destination string
}

// RestoreCopy is one robocopy of the copy-back script.
type RestoreCopy struct {
	Index int
	From  string   // folder in the set
	To    string   // live folder
	Args  []string // robocmd.RestoreArgs: never /MIR or /PURGE
}

// RestoreFileNames returns the names of the writer-aware restore files.
func RestoreFileNames(jobName, writer string) (dsh, cmd, readme string) {
	base := jobName + "-restore-" + writer
	return base + ".dsh", base + ".cmd", base + "-README.txt"
}

// RenderRestore renders the writer-aware restore scripts and lints the
// .dsh like every script; nothing is returned unless all three render.
func RenderRestore(p *RestorePlan, templateDir string) ([]File, error) {
	for _, c := range p.Copies {
		if err := robocmd.CheckRestoreArgs(c.Args); err != nil {
			return nil, err
		}
	}
	tmpls, err := LoadTemplates(templateDir)
	if err != nil {
		return nil, err
	}
	dsh, cmd, readme := RestoreFileNames(p.Job, p.WriterName)
	var files []File
	for _, f := range []struct{ tmpl, name string }{
		{templates.RestoreDsh, dsh}, {templates.RestoreCmd, cmd}, {templates.RestoreReadme, readme},
	} {
		var buf bytes.Buffer
		if err := tmpls[f.tmpl].Execute(&buf, p); err != nil {
			return nil, fmt.Errorf("rendering %s: %w", f.name, err)
		}
		data := CRLF(buf.Bytes())
		if strings.HasSuffix(f.name, ".dsh") {
			if !isASCII(string(data)) {
				return nil, fmt.Errorf("rendering %s: diskshadow scripts must be ASCII", f.name)
			}
			if err := selfCheck(f.name, data); err != nil {
				return nil, err
			}
		}
		if strings.HasSuffix(f.name, ".cmd") {
			if err := CheckCmdLines(f.name, data); err != nil {
				return nil, err
			}
		}
		files = append(files, File{Name: f.name, Template: f.tmpl, Data: data})
	}
	return files, nil
}
