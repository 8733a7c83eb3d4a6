package dshgen

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"

	"github.com/vssmirror/vssmirror/dshgen/script"
	"github.com/vssmirror/vssmirror/internal/atomicfile"
	"github.com/vssmirror/vssmirror/internal/vssid"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/templates"
)

// File is one rendered script.
type File struct {
	Name     string // file name, e.g. fileserver.dsh
	Template string // template it was rendered from
	Data     []byte // content, CRLF line endings
}

// Bundle is the set of scripts rendered for one job.
type Bundle struct {
	Plan  *Plan
	Files []File
}

// RenderOptions changes how scripts are rendered.
type RenderOptions struct {
	// TemplateDir, when set, is a folder whose files named like the
	// embedded templates (templates.Names) replace them.
	TemplateDir string
	// ScriptsDir, when set, replaces the job's scripts_dir in the scripts:
	// the runner renders each run into its own folder.
	ScriptsDir string
	// GuardExe, when set, replaces guard.vssmirror_path: the runner puts
	// its own executable there.
	GuardExe string
	// Set is the backup set to write into: a folder under the destination
	// (empty for sets: single).
	Set string
	// TwoPhase renders the two-phase snapshot's pair instead of the
	// backup scripts: <name>-start.dsh, <name>-stop.dsh and the
	// pre_snapshot and post_snapshot hooks' wrappers.
	TwoPhase bool
}

// FuncMap returns the functions templates may call: sprig's hermetic text
// functions, plus cmdq (robocmd.Quote) and cmdline (a program and its
// arguments, each quoted by robocmd.Quote, joined by spaces).
func FuncMap() template.FuncMap {
	fm := sprig.HermeticTxtFuncMap()
	fm["cmdq"] = robocmd.Quote
	fm["cmdline"] = quoteLine
	return fm
}

// LoadTemplates parses the templates, taking each from dir when a file of
// that name exists there, else from the embedded defaults. A file in dir
// that matches no template name is an error (a misspelt override would
// otherwise be silently ignored).
func LoadTemplates(dir string) (map[string]*template.Template, error) {
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("template directory: %w", err)
		}
		for _, e := range entries {
			if e.Name() == templates.ReadmeName {
				continue
			}
			if !isTemplateName(e.Name()) {
				return nil, fmt.Errorf("template directory %s: %s is not a vssmirror template; the names are %s", dir, e.Name(), strings.Join(templates.Names, ", "))
			}
		}
	}
	out := map[string]*template.Template{}
	for _, name := range templates.Names {
		src, origin, err := templateSource(dir, name)
		if err != nil {
			return nil, err
		}
		t, err := template.New(name).Option("missingkey=error").Funcs(FuncMap()).Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", origin, err)
		}
		out[name] = t
	}
	return out, nil
}

func isTemplateName(n string) bool {
	for _, t := range templates.Names {
		if n == t {
			return true
		}
	}
	return false
}

func templateSource(dir, name string) ([]byte, string, error) {
	if dir != "" {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err == nil {
			return b, p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, p, fmt.Errorf("template %s: %w", p, err)
		}
	}
	b, err := templates.FS.ReadFile(name)
	return b, "embedded " + name, err
}

// Render renders the scripts of a validated job: <name>.dsh, <name>.cmd and
// <name>-cleanup.dsh. The output depends only on the job and the templates.
func Render(j *job.Job, opts RenderOptions) (*Bundle, error) {
	if opts.ScriptsDir != "" || opts.Set != "" || opts.GuardExe != "" {
		jj := *j
		if opts.ScriptsDir != "" {
			jj.ScriptsDir = opts.ScriptsDir
		}
		if opts.Set != "" {
			jj.Destination = WinJoin(jj.Destination, opts.Set)
		}
		if opts.GuardExe != "" {
			// Before NewPlan, so that its quoting, line length and
			// encoding (chcp 65001 for a non-ASCII path) count it.
			if err := robocmd.CheckPath(opts.GuardExe); err != nil {
				return nil, fmt.Errorf("the path of vssmirror itself, which judges the deletion guard and writes the set's story: %w", err)
			}
			jj.Guard.VssmirrorPath = opts.GuardExe
		}
		j = &jj
	}
	plan, err := NewPlan(j)
	if err != nil {
		return nil, err
	}
	plan.Story.Set = opts.Set
	tmpls, err := LoadTemplates(opts.TemplateDir)
	if err != nil {
		return nil, err
	}
	plan.Set = opts.Set
	b := &Bundle{Plan: plan}
	scripts := []struct{ tmpl, name string }{
		{templates.JobDsh, j.Name + ".dsh"},
		{templates.CopyCmd, j.Name + ".cmd"},
		{templates.CleanupDsh, j.Name + "-cleanup.dsh"},
	}
	if opts.TwoPhase {
		if err := twoPhase(plan); err != nil {
			return nil, err
		}
		scripts = scripts[:0]
		scripts = append(scripts, struct{ tmpl, name string }{templates.StartDsh, j.Name + "-start.dsh"}, struct{ tmpl, name string }{templates.StopDsh, j.Name + "-stop.dsh"})
	}
	for _, f := range scripts {
		var buf bytes.Buffer
		if err := tmpls[f.tmpl].Execute(&buf, plan); err != nil {
			return nil, fmt.Errorf("rendering %s: %w", f.name, err)
		}
		data := CRLF(buf.Bytes())
		if strings.HasSuffix(f.name, ".dsh") && !isASCII(string(data)) {
			return nil, fmt.Errorf("rendering %s: the script holds non-ASCII text; diskshadow scripts must be ASCII (check the template and the job's scripts_dir)", f.name)
		}
		if strings.HasSuffix(f.name, ".dsh") {
			if err := selfCheck(f.name, data); err != nil {
				return nil, err
			}
		}
		if strings.HasSuffix(f.name, ".cmd") {
			// A backstop for template overrides: no line over cmd.exe's limit.
			if err := CheckCmdLines(f.name, data); err != nil {
				return nil, err
			}
		}
		if strings.HasSuffix(f.name, ".cmd") && !isASCII(string(data)) && !plan.UTF8 {
			return nil, fmt.Errorf("rendering %s: the template added non-ASCII text to a script without chcp 65001", f.name)
		}
		b.Files = append(b.Files, File{Name: f.name, Template: f.tmpl, Data: data})
	}
	for _, h := range plan.Hooks {
		f, err := renderHook(tmpls, plan, h)
		if err != nil {
			return nil, err
		}
		b.Files = append(b.Files, f)
	}
	// What the copy script's story and keep-deleted steps read (story.go);
	// a two-phase snapshot has no copy script, so no story.
	if !opts.TwoPhase {
		b.Files = append(b.Files, File{Name: plan.Story.File, Data: CRLF(plan.Story.JSON())})
	}
	return b, nil
}

// CleanupData is the data of the cleanup-ids template.
type CleanupData struct {
	Job string
	IDs []string // braced GUIDs, each checked by vssid.Valid
}

// RenderCleanup renders the script that deletes the given shadows by ID
// (templates.CleanupIDs) and lints it like every script. Every ID must be a
// braced GUID: anything else (a line break and a command planted in a
// state file) is refused before it reaches the script.
func RenderCleanup(jobName string, ids []string, templateDir string) (File, error) {
	if len(ids) == 0 {
		return File{}, errors.New("rendering the cleanup script: no shadow IDs")
	}
	for _, id := range ids {
		if !vssid.Valid(id) {
			return File{}, fmt.Errorf("rendering the cleanup script: %q is not a shadow copy ID ({GUID}); refusing to put it into a script", id)
		}
	}
	tmpls, err := LoadTemplates(templateDir)
	if err != nil {
		return File{}, err
	}
	var buf bytes.Buffer
	if err := tmpls[templates.CleanupIDs].Execute(&buf, CleanupData{Job: jobName, IDs: ids}); err != nil {
		return File{}, fmt.Errorf("rendering the cleanup script: %w", err)
	}
	name := jobName + "-cleanup-ids.dsh"
	data := CRLF(buf.Bytes())
	if !isASCII(string(data)) {
		return File{}, fmt.Errorf("rendering %s: the script holds non-ASCII text", name)
	}
	if err := selfCheck(name, data); err != nil {
		return File{}, err
	}
	return File{Name: name, Template: templates.CleanupIDs, Data: data}, nil
}

// CRLF returns data with every line ending (LF, CRLF or a lone CR) written
// as CRLF, and a final CRLF if the data does not end in one.
func CRLF(data []byte) []byte {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}

// Write writes the bundle's files into dir, creating it if needed, all or
// nothing (atomicfile.WriteAll): every file is written in full first, a
// target that is a folder stops it before anything is replaced, and a
// failed rename puts back the files already replaced. Only a crash during
// the renames can leave a mix of old and new scripts, each whole.
func (b *Bundle) Write(dir string) error {
	files := make([]atomicfile.File, len(b.Files))
	for i, f := range b.Files {
		files[i] = atomicfile.File{Name: f.Name, Data: f.Data}
	}
	return atomicfile.WriteAll(dir, files, 0o644)
}

// DumpTemplates writes the embedded default templates into dir for editing;
// it refuses to overwrite an existing file.
func DumpTemplates(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, name := range append(append([]string{}, templates.Names...), templates.ReadmeName) {
		data, err := templates.FS.ReadFile(name)
		if err != nil {
			return written, err
		}
		p := filepath.Join(dir, name)
		if err := atomicfile.CreateNew(p, data, 0o644); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return written, fmt.Errorf("%s already exists; remove it or dump into another folder", p)
			}
			return written, err
		}
		written = append(written, p)
	}
	return written, nil
}

// Generate renders a validated job's scripts and writes them into dir. The
// scripts are written only if all of them render.
func Generate(j *job.Job, dir string, opts RenderOptions) (*Bundle, error) {
	b, err := Render(j, opts)
	if err != nil {
		return nil, err
	}
	if err := b.Write(dir); err != nil {
		return nil, err
	}
	return b, nil
}

// ErrScriptFailsLint is wrapped by Render when a rendered diskshadow script
// does not lint clean.
var ErrScriptFailsLint = errors.New("rendered diskshadow script fails lint")

// selfCheck lints a rendered .dsh; any finding makes rendering fail.
func selfCheck(name string, data []byte) error {
	s, err := script.Parse(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrScriptFailsLint, name, err)
	}
	findings := script.Lint(name, s)
	if len(findings) == 0 {
		return nil
	}
	lines := make([]string, len(findings))
	for i, f := range findings {
		lines[i] = "  " + f.String()
	}
	return fmt.Errorf("%w (a bug in vssmirror or in an overriding template; nothing was written):\n%s", ErrScriptFailsLint, strings.Join(lines, "\n"))
}
