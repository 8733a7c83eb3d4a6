package dshgen

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/dshgen/script"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/templates"
)

var update = flag.Bool("update", false, "rewrite the examples' rendered scripts")

func exampleJobs(t *testing.T) []string {
	t.Helper()
	jobs, err := filepath.Glob("../examples/*/job.yaml")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(jobs), 4, "examples are missing")
	return jobs
}

// TestExamples re-renders every example and compares the scripts committed
// beside it byte for byte (CRLF included). Run with -update to rewrite them.
func TestExamples(t *testing.T) {
	for _, jobFile := range exampleJobs(t) {
		dir := filepath.Dir(jobFile)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			j, err := job.Load(jobFile)
			require.NoError(t, err)
			b, err := Render(j, RenderOptions{})
			require.NoError(t, err)
			require.Len(t, b.Files, 3)
			if *update {
				require.NoError(t, b.Write(dir))
			}
			for _, f := range b.Files {
				want, err := os.ReadFile(filepath.Join(dir, f.Name))
				require.NoError(t, err, "run `make examples` to render the example")
				assert.True(t, bytes.Equal(want, f.Data), "%s differs from the rendered script; if the change is deliberate run `make examples`", f.Name)
			}
		})
	}
}

var dshLineRE = regexp.MustCompile(`^(#.*|set context persistent( nowriters)?|set metadata [A-Za-z]:\\[A-Za-z0-9_.\\-]+\.cab|set verbose (on|off)|writer (verify|exclude) \{[0-9a-f-]{36}\}|begin backup|end backup|add volume [D-Z]: alias vssm_[d-z]|create|expose %vssm_[d-z]% [D-Z]:|exec [A-Za-z]:\\[A-Za-z0-9_.\\-]+\.cmd|delete shadows exposed [D-Z]:|exit)$`)

// TestScriptShape checks every rendered script of every example: CRLF only,
// ASCII .dsh whose every line is a documented diskshadow command in the
// working order, and a .cmd that starts as WINDOWS.md requires.
func TestScriptShape(t *testing.T) {
	order := []string{"set context", "set metadata", "set verbose", "writer", "begin backup", "add volume", "create", "expose", "exec", "end backup", "delete shadows", "exit"}
	for _, jobFile := range exampleJobs(t) {
		j, err := job.Load(jobFile)
		require.NoError(t, err)
		b, err := Render(j, RenderOptions{})
		require.NoError(t, err)
		for _, f := range b.Files {
			data := string(f.Data)
			assert.Equal(t, strings.Count(data, "\n"), strings.Count(data, "\r\n"), "%s: every line must end in CRLF", f.Name)
			assert.NotContains(t, strings.ReplaceAll(data, "\r\n", ""), "\r", f.Name)
			assert.False(t, strings.HasPrefix(data, "\ufeff"), "%s has a BOM", f.Name)
			lines := strings.Split(strings.TrimSuffix(data, "\r\n"), "\r\n")
			if strings.HasSuffix(f.Name, ".dsh") {
				assert.True(t, isASCII(data), f.Name)
				assert.NotContains(t, strings.ToLower(data), "delete shadows all", f.Name)
				last := -1
				for _, l := range lines {
					assert.Regexp(t, dshLineRE, l, "%s: not a documented command as vssmirror writes it", f.Name)
					if strings.HasPrefix(l, "#") {
						continue
					}
					for i, o := range order {
						if strings.HasPrefix(l, o) {
							assert.GreaterOrEqual(t, i, last, "%s: %q is out of the working order", f.Name, l)
							last = i
						}
					}
				}
				assert.Equal(t, "exit", lines[len(lines)-1])
			} else {
				assert.Equal(t, "@echo off", lines[0])
				if b.Plan.UTF8 {
					assert.Equal(t, "chcp 65001 >nul", lines[1])
				} else {
					assert.True(t, isASCII(data), "%s: non-ASCII without chcp", f.Name)
				}
				assert.Contains(t, data, "setlocal EnableExtensions DisableDelayedExpansion\r\n")
				assert.NotContains(t, strings.ToLower(data), "not errorlevel 0")
				assert.Equal(t, len(j.Sources), strings.Count(data, `set "VSSM_RC=%ERRORLEVEL%"`))
			}
		}
	}
}

func loadExample(t *testing.T, name string) *job.Job {
	t.Helper()
	j, err := job.Load(filepath.Join("..", "examples", name, "job.yaml"))
	require.NoError(t, err)
	return j
}

func TestRenderDeterministic(t *testing.T) {
	j := loadExample(t, "multivolume")
	a, err := Render(j, RenderOptions{})
	require.NoError(t, err)
	b, err := Render(j, RenderOptions{})
	require.NoError(t, err)
	assert.Equal(t, a.Files, b.Files)
}

func TestFullBackupOrder(t *testing.T) {
	b, err := Render(loadExample(t, "exchange"), RenderOptions{})
	require.NoError(t, err)
	dsh := string(b.Files[0].Data)
	assert.Less(t, strings.Index(dsh, "begin backup"), strings.Index(dsh, "add volume"))
	assert.Less(t, strings.Index(dsh, "exec "), strings.Index(dsh, "end backup"))
	assert.Less(t, strings.Index(dsh, "end backup"), strings.Index(dsh, "delete shadows"))
	assert.Contains(t, dsh, "writer verify {76fe1ac4-15f7-4bcd-987e-8e1acb462fb7}\r\n")

	b, err = Render(loadExample(t, "fileserver"), RenderOptions{})
	require.NoError(t, err)
	assert.NotContains(t, string(b.Files[0].Data), "backup\r\n", "a copy backup has no begin/end backup")
}

func TestNoWriters(t *testing.T) {
	b, err := Render(loadExample(t, "crashconsistent"), RenderOptions{})
	require.NoError(t, err)
	dsh := string(b.Files[0].Data)
	assert.Contains(t, dsh, "set context persistent nowriters\r\n")
	assert.NotContains(t, dsh, "writer ")
	assert.NotContains(t, dsh, "set metadata")
}

func TestTemplateOverride(t *testing.T) {
	j := loadExample(t, "fileserver")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, templates.CleanupDsh), []byte("# custom {{.Job}}\nexit\n"), 0o644))
	b, err := Render(j, RenderOptions{TemplateDir: dir})
	require.NoError(t, err)
	assert.Equal(t, "# custom fileserver\r\nexit\r\n", string(b.Files[2].Data))

	require.NoError(t, os.WriteFile(filepath.Join(dir, "cleanup.dhs.tmpl"), []byte("x"), 0o644))
	_, err = Render(j, RenderOptions{TemplateDir: dir})
	assert.ErrorContains(t, err, "cleanup.dhs.tmpl is not a vssmirror template")
}

func TestTemplateErrorsWriteNothing(t *testing.T) {
	j := loadExample(t, "fileserver")
	tdir := t.TempDir()
	// A template using a field that does not exist fails (missingkey/field
	// errors), and one emitting a path through cmdq that cannot be quoted fails.
	require.NoError(t, os.WriteFile(filepath.Join(tdir, templates.CopyCmd), []byte("{{.NoSuchField}}\n"), 0o644))
	out := filepath.Join(t.TempDir(), "out")
	_, err := Generate(j, out, RenderOptions{TemplateDir: tdir})
	require.Error(t, err)
	_, statErr := os.Stat(out)
	assert.True(t, os.IsNotExist(statErr), "nothing may be written when rendering fails")

	require.NoError(t, os.WriteFile(filepath.Join(tdir, templates.CopyCmd), []byte(`{{cmdq "a\"b"}}`+"\n"), 0o644))
	_, err = Render(j, RenderOptions{TemplateDir: tdir})
	assert.ErrorContains(t, err, "cannot quote")

	require.NoError(t, os.WriteFile(filepath.Join(tdir, templates.CopyCmd), []byte("{{ env \"PATH\" }}\n"), 0o644))
	_, err = Render(j, RenderOptions{TemplateDir: tdir})
	assert.ErrorContains(t, err, `function "env" not defined`, "templates are hermetic")
}

func TestGenerateWritesAtomically(t *testing.T) {
	j := loadExample(t, "fileserver")
	out := t.TempDir()
	b, err := Generate(j, out, RenderOptions{})
	require.NoError(t, err)
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"fileserver.dsh", "fileserver.cmd", "fileserver-cleanup.dsh"}, names)
	for _, f := range b.Files {
		got, _ := os.ReadFile(filepath.Join(out, f.Name))
		assert.Equal(t, f.Data, got)
	}
}

// A target that is a folder stops generate before any script is replaced.
func TestGenerateWithAFolderInTheWayReplacesNothing(t *testing.T) {
	j := loadExample(t, "fileserver")
	out := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(out, "fileserver.dsh"), []byte("old"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(out, "fileserver.cmd"), 0o755))
	_, err := Generate(j, out, RenderOptions{})
	require.ErrorContains(t, err, "not a regular file")
	got, _ := os.ReadFile(filepath.Join(out, "fileserver.dsh"))
	assert.Equal(t, "old", string(got), "the earlier script is untouched")
	assert.NoFileExists(t, filepath.Join(out, "fileserver-cleanup.dsh"))
}

func TestCRLF(t *testing.T) {
	assert.Equal(t, "a\r\nb\r\nc\r\n", string(CRLF([]byte("a\nb\r\nc"))))
	assert.Equal(t, "a\r\n\r\nb\r\n", string(CRLF([]byte("a\r\rb\n"))))
	assert.Equal(t, "", string(CRLF(nil)))
}

func TestDumpTemplates(t *testing.T) {
	dir := t.TempDir()
	written, err := DumpTemplates(dir)
	require.NoError(t, err)
	assert.Len(t, written, len(templates.Names)+1, "the templates and their README")
	// The dumped templates render exactly like the embedded ones.
	j := loadExample(t, "multivolume")
	a, err := Render(j, RenderOptions{})
	require.NoError(t, err)
	b, err := Render(j, RenderOptions{TemplateDir: dir})
	require.NoError(t, err)
	assert.Equal(t, a.Files, b.Files)
	_, err = DumpTemplates(dir)
	assert.ErrorContains(t, err, "already exists")
}

func TestExamplesLintClean(t *testing.T) {
	for _, jobFile := range exampleJobs(t) {
		for _, name := range []string{"*.dsh"} {
			files, _ := filepath.Glob(filepath.Join(filepath.Dir(jobFile), name))
			require.NotEmpty(t, files)
			for _, f := range files {
				r, err := script.LintFile(f)
				require.NoError(t, err)
				assert.Empty(t, r.Findings, f)
			}
		}
	}
}

// FuzzGenerateLintsClean renders random valid jobs; every .dsh must lint
// clean (Render itself refuses otherwise, so any error here is a bug).
func FuzzGenerateLintsClean(f *testing.F) {
	f.Add(uint8(3), "Shares", true, false, true, uint8(0), "S")
	f.Add(uint8(1), "R&D 100%", false, false, false, uint8(2), "")
	f.Add(uint8(7), "Données", true, true, true, uint8(5), "TUV")
	f.Fuzz(func(t *testing.T, nsrc uint8, folder string, writers, full, metadata bool, nwriters uint8, letters string) {
		var b strings.Builder
		fmt.Fprintf(&b, "version: 1\nname: fz\nscripts_dir: 'C:\\vss'\ndestination: '\\\\nas\\b'\nshadow:\n  writers: %v\n  metadata: %v\n", writers, metadata)
		if full {
			b.WriteString("  backup_type: full\n")
		}
		if writers && nwriters > 0 {
			names := job.WriterNames()
			fmt.Fprintf(&b, "  verify_writers: [%s]\n", names[int(nwriters)%len(names)])
		}
		nsrc = nsrc%6 + 1
		if letters != "" {
			var ls []string
			for _, r := range letters {
				ls = append(ls, fmt.Sprintf("'%c'", r))
			}
			fmt.Fprintf(&b, "  expose_letters: [%s]\n", strings.Join(ls, ", "))
		}
		b.WriteString("sources:\n")
		for i := 0; i < int(nsrc); i++ {
			fmt.Fprintf(&b, "  - path: '%c:\\%s'\n    target: 't%d'\n", 'D'+i%4, strings.ReplaceAll(folder, "'", "''"), i)
		}
		j, err := job.Parse("fz.yaml", []byte(b.String()))
		if err != nil {
			return // not a valid job
		}
		bundle, err := Render(j, RenderOptions{})
		if err != nil {
			t.Fatalf("valid job failed to render: %v\n%s", err, b.String())
		}
		for _, file := range bundle.Files {
			if strings.HasSuffix(file.Name, ".dsh") {
				fs, err := script.LintReader(file.Name, bytes.NewReader(file.Data))
				require.NoError(t, err)
				require.Empty(t, fs, "%s\n%s", b.String(), file.Data)
			}
		}
	})
}
