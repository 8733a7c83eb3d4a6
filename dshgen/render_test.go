package dshgen

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/dshgen/script"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
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
			require.GreaterOrEqual(t, len(b.Files), 3)
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

var dshLineRE = regexp.MustCompile(`^(#.*|set context persistent( nowriters)?|set metadata [A-Za-z]:\\[A-Za-z0-9_.\\-]+\.cab|set verbose (on|off)|writer (verify|exclude) \{[0-9a-f-]{36}\}|writer verify "\{[0-9a-f-]{36}\}:\\[ -!#-~]+"|begin backup|end backup|add volume [D-Z]: alias vssm_[d-z]|create|expose %vssm_[d-z]% [D-Z]:|exec [A-Za-z]:\\[A-Za-z0-9_.\\-]+\.cmd|delete shadows exposed [D-Z]:|delete shadows id %vssm_[d-z]%|exit)$`)

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
					if strings.HasPrefix(l, "#") || strings.HasSuffix(l, "-pre_snapshot.cmd") {
						continue // the pre_snapshot hook's exec is the one exec before create
					}
					for i, o := range order {
						if strings.HasPrefix(l, o) {
							assert.GreaterOrEqual(t, i, last, "%s: %q is out of the working order", f.Name, l)
							last = i
						}
					}
				}
				assert.Equal(t, "exit", lines[len(lines)-1])
				if !strings.HasSuffix(f.Name, "-cleanup.dsh") {
					// The backup script deletes its own shadows by ID: never what happens to be exposed on a letter.
					assert.NotContains(t, data, "delete shadows exposed", f.Name)
					assert.Equal(t, len(b.Plan.Volumes), strings.Count(data, "delete shadows id %vssm_"), f.Name)
				}
			} else if strings.HasSuffix(f.Name, ".cmd") {
				assert.Equal(t, "@echo off", lines[0])
				if b.Plan.UTF8 {
					assert.Equal(t, "chcp 65001 >nul", lines[1])
				} else {
					assert.True(t, isASCII(data), "%s: non-ASCII without chcp", f.Name)
				}
				assert.Contains(t, data, "setlocal EnableExtensions DisableDelayedExpansion\r\n")
				assert.NotContains(t, strings.ToLower(data), "not errorlevel 0")
				if f.Name == j.Name+".cmd" {
					assert.Equal(t, len(j.Sources), strings.Count(data, `set "VSSM_RC=%ERRORLEVEL%"`))
				}
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

// Generate writes the bundle's scripts byte for byte, replacing an earlier
// version, and leaves no temporary or backup file beside them. (That a
// failed write replaces nothing is TestGenerateWithAFolderInTheWayReplacesNothing
// here and atomicfile's rollback tests.)
func TestGenerateWritesTheBundleAndNothingElse(t *testing.T) {
	j := loadExample(t, "fileserver")
	out := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(out, "fileserver.dsh"), []byte("old"), 0o644))
	b, err := Generate(j, out, RenderOptions{})
	require.NoError(t, err)
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"fileserver.dsh", "fileserver.cmd", "fileserver-cleanup.dsh", "fileserver.story.json"}, names)
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

// TestExamplesLintClean lints every committed .dsh of every example: the
// backup script and the manual cleanup script.
func TestExamplesLintClean(t *testing.T) {
	for _, jobFile := range exampleJobs(t) {
		files, _ := filepath.Glob(filepath.Join(filepath.Dir(jobFile), "*.dsh"))
		require.GreaterOrEqual(t, len(files), 2, "%s: the backup and the cleanup script (and a two-phase pair)", jobFile)
		for _, f := range files {
			r, err := script.LintFile(f)
			require.NoError(t, err)
			assert.Empty(t, r.Findings, f)
			assert.GreaterOrEqual(t, r.Statements, 2, f)
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
		if full && nsrc%2 == 0 {
			b.WriteString("sets: weekday\n") // full needs more than one set
		} else if full {
			b.WriteString("sets: {rotate: 3}\n")
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
				s, err := script.Parse(bytes.NewReader(file.Data))
				require.NoError(t, err)
				require.Empty(t, script.Lint(file.Name, s), "%s\n%s", b.String(), file.Data)
			}
		}
	})
}

// cmdLines renders a job's copy script and returns its lines.
func cmdLines(t *testing.T, j *job.Job) []string {
	t.Helper()
	b, err := Render(j, RenderOptions{})
	require.NoError(t, err)
	require.Equal(t, templates.CopyCmd, b.Files[1].Template)
	return strings.Split(strings.TrimSuffix(string(b.Files[1].Data), "\r\n"), "\r\n")
}

// guardedJob is the fileserver example with the deletion guard on and three
// sources, so that every branch of the copy script is rendered.
func guardedJob(t *testing.T) *job.Job {
	j := loadExample(t, "multivolume")
	j.Guard.Enabled = true
	j.Guard.MaxDeletePercent = 20
	j.Guard.VssmirrorPath = `C:\tools\vssmirror.exe`
	return j
}

var (
	rcCmpRE   = regexp.MustCompile(`^if %VSSM_RC% (LSS|LEQ|GTR|GEQ|EQU|NEQ) (-?\d+) goto (\S+)$`)
	exitRE    = regexp.MustCompile(`^exit /b (\d+)$`)
	guardIfRE = regexp.MustCompile(`^if not "%VSSM_GRC%"=="(-?\d+)" goto (vssm_src\d+_guarded)$`)
)

// block returns the lines after :label up to and including the first goto
// or exit.
func block(t *testing.T, lines []string, label string) []string {
	t.Helper()
	for i, l := range lines {
		if l == ":"+label {
			for k := i + 1; k < len(lines); k++ {
				if strings.HasPrefix(lines[k], "goto ") || strings.HasPrefix(lines[k], "exit ") {
					return lines[i+1 : k+1]
				}
			}
		}
	}
	t.Fatalf("label %s not found", label)
	return nil
}

// classOfBlock is what the script makes of a branch: the flag it sets.
func classOfBlock(t *testing.T, b []string) robocmd.Class {
	switch {
	case slices.Contains(b, `set "VSSM_FATAL=1"`):
		return robocmd.Fatal
	case slices.Contains(b, `set "VSSM_FAILED=1"`):
		return robocmd.Partial
	}
	t.Fatalf("branch sets no flag: %q", b)
	return 0
}

// TestScriptBranchesAgreeWithClassify reads the thresholds the rendered copy
// script compares robocopy's errorlevel with, runs its if-chain for codes on
// both sides of every boundary (the script's and robocmd's), and checks that
// the branch taken is robocmd.Classify's class; the guard's `if errorlevel`
// refuses exactly from robocmd.GuardRefusedExit; and the script's own exit
// codes classify as the outcome they report.
func TestScriptBranchesAgreeWithClassify(t *testing.T) {
	for _, j := range []*job.Job{guardedJob(t), loadExample(t, "fileserver"), loadExample(t, "exchange")} {
		lines := cmdLines(t, j)
		chains := 0
		for i, l := range lines {
			if l != `set "VSSM_RC=%ERRORLEVEL%"` {
				continue
			}
			chains++
			type cmp struct {
				op    string
				n     int
				label string
			}
			var chain []cmp
			k := i + 1
			for ; rcCmpRE.MatchString(lines[k]); k++ {
				m := rcCmpRE.FindStringSubmatch(lines[k])
				n, _ := strconv.Atoi(m[2])
				chain = append(chain, cmp{m[1], n, m[3]})
			}
			require.NotEmpty(t, chain)
			require.Regexp(t, `^echo .*success$`, lines[k], "falling through the chain is success")
			require.Regexp(t, `^goto vssm_src\d+_copied$`, lines[k+1])
			branch := func(code int) robocmd.Class {
				for _, c := range chain {
					var hit bool
					switch c.op {
					case "LSS":
						hit = code < c.n
					case "LEQ":
						hit = code <= c.n
					case "GTR":
						hit = code > c.n
					case "GEQ":
						hit = code >= c.n
					case "EQU":
						hit = code == c.n
					case "NEQ":
						hit = code != c.n
					}
					if hit {
						return classOfBlock(t, block(t, lines, c.label))
					}
				}
				return robocmd.Success
			}
			bounds := []int{0, robocmd.MinPartial, robocmd.MinFatal, 2 * robocmd.MinFatal}
			for _, c := range chain {
				bounds = append(bounds, c.n)
			}
			codes := []int{-1073741510, 255, 1 << 20}
			for _, b := range bounds {
				codes = append(codes, b-1, b, b+1)
			}
			for _, code := range codes {
				assert.Equal(t, robocmd.Classify(code), branch(code), "robocopy exit %d", code)
			}
		}
		assert.Equal(t, len(j.Sources), chains)

		// The deletion guard: the mirror runs only when the guard exits 0
		// (captured at once); its refusal code and a crash's refuse.
		guards := 0
		for i, l := range lines {
			if m := guardIfRE.FindStringSubmatch(l); m != nil {
				guards++
				assert.Equal(t, `set "VSSM_GRC=%ERRORLEVEL%"`, lines[i-1], "captured right after the guard")
				ok, _ := strconv.Atoi(m[1])
				for _, code := range []int{robocmd.GuardRefusedExit, -1, 2, 255} {
					assert.NotEqual(t, ok, code, "guard exit %d must refuse", code)
				}
				assert.Equal(t, 0, ok, "guard exit 0 (within the limits) must not refuse")
				assert.Equal(t, robocmd.Fatal, classOfBlock(t, block(t, lines, m[2])))
			}
		}
		if j.Guard.Enabled {
			assert.Equal(t, len(j.Sources), guards)
		}

		// The script's exit codes say its outcome in robocopy's classes.
		for label, want := range map[string]robocmd.Class{"vssm_exit_partial": robocmd.Partial, "vssm_exit_fatal": robocmd.Fatal, "vssm_aborted": robocmd.Fatal, "vssm_nologdir": robocmd.Fatal, "vssm_noempty": robocmd.Fatal} {
			b := block(t, lines, label)
			m := exitRE.FindStringSubmatch(b[len(b)-1])
			require.NotNil(t, m, label)
			n, _ := strconv.Atoi(m[1])
			assert.Equal(t, want, robocmd.Classify(n), "%s exits %d", label, n)
		}
	}
}

// index returns the first line matching re at or after from, or -1.
func index(lines []string, from int, re string) int {
	r := regexp.MustCompile(re)
	for i := from; i < len(lines); i++ {
		if r.MatchString(lines[i]) {
			return i
		}
	}
	return -1
}

const abortCheck = `if defined VSSM_ABORT if exist "%VSSM_ABORT%" goto vssm_aborted`

// TestAbortMarker: the copy script checks for the runner's abort marker
// (only when VSSMIRROR_RUN_DIR is set) before every source's first
// robocopy and before its final exit, and an abort exits fatal.
func TestAbortMarker(t *testing.T) {
	for _, j := range []*job.Job{guardedJob(t), loadExample(t, "fileserver")} {
		lines := cmdLines(t, j)
		def := index(lines, 0, `^if defined VSSMIRROR_RUN_DIR set "VSSM_ABORT=%VSSM_LOGDIR%\\vssmirror-abort"$`)
		require.GreaterOrEqual(t, def, 0)
		assert.Equal(t, `set "VSSM_ABORT="`, lines[def-1], "unset unless VSSMIRROR_RUN_DIR is")
		prev := def
		for s := range j.Sources {
			header := index(lines, prev, fmt.Sprintf(`^rem ---- source %d of `, s+1))
			robo := index(lines, header, `^robocopy\S* `)
			require.Greater(t, robo, header)
			check := index(lines, header, "^"+regexp.QuoteMeta(abortCheck)+"$")
			assert.True(t, check > header && check < robo, "source %d: the marker is checked before its robocopy", s+1)
			prev = robo
		}
		last := index(lines, prev, "^"+regexp.QuoteMeta(abortCheck)+"$")
		exit0 := index(lines, prev, `^exit /b 0$`)
		require.Greater(t, last, prev, "checked after the last source")
		assert.Less(t, last, exit0, "checked before exit 0")
		assert.Less(t, last, index(lines, prev, `^if "%VSSM_FATAL%"=="1"`), "an abort wins over the other outcomes")
		b := block(t, lines, "vssm_aborted")
		assert.Contains(t, strings.Join(b, "\n"), `for /f "usebackq delims=" %%L in ("%VSSM_ABORT%") do echo [vssmirror] abort reason: %%L`, "the reason is echoed")
		assert.Equal(t, fmt.Sprintf("exit /b %d", robocmd.MinFatal), b[len(b)-1])
	}
}

// TestAliasFile: once the log folder exists, and before anything else, the
// copy script writes one <alias>=%alias% line per volume and the set's ID,
// redirection first so that no value's last digit can become a handle.
func TestAliasFile(t *testing.T) {
	j := loadExample(t, "multivolume")
	p, err := NewPlan(j)
	require.NoError(t, err)
	require.Len(t, p.Volumes, 3)
	lines := cmdLines(t, j)
	nologdir := index(lines, 0, `goto vssm_nologdir$`)
	first := index(lines, 0, `vssmirror-aliases\.txt`)
	require.Greater(t, first, nologdir, "written once the log folder exists")
	var want []string
	for i, v := range p.Volumes {
		op := ">>"
		if i == 0 {
			op = ">"
		}
		want = append(want, fmt.Sprintf(`%s"%%VSSM_LOGDIR%%\%s" echo %s=%%%s%%`, op, AliasFile, v.Alias, v.Alias))
	}
	want = append(want, fmt.Sprintf(`>>"%%VSSM_LOGDIR%%\%s" echo VSS_SHADOW_SET=%%VSS_SHADOW_SET%%`, AliasFile))
	assert.Equal(t, want, lines[first:first+len(want)])
	assert.Equal(t, []string{"vssm_d", "vssm_e", "vssm_f"}, []string{p.Volumes[0].Alias, p.Volumes[1].Alias, p.Volumes[2].Alias})
	for _, l := range lines[nologdir+1 : first] {
		assert.True(t, strings.HasPrefix(l, "rem "), "nothing but comments before the alias file: %q", l)
	}
	assert.Less(t, first, index(lines, 0, `^robocopy`))
	assert.Less(t, first, index(lines, 0, `^if defined VSSM_ABORT`))
}

// TestLogFolder: the log folder loses one trailing backslash (a drive root
// R:\ becomes R:, joined as R:\name) and is tested by its attributes, not by
// `if exist "X\"` (false for a root under wine) nor mkdir's `||`.
func TestLogFolder(t *testing.T) {
	lines := cmdLines(t, loadExample(t, "fileserver"))
	data := strings.Join(lines, "\n")
	strip := index(lines, 0, `^if "%VSSM_LOGDIR:~-1%"=="\\" set "VSSM_LOGDIR=%VSSM_LOGDIR:~0,-1%"$`)
	require.GreaterOrEqual(t, strip, 0)
	assert.Greater(t, strip, index(lines, 0, `^if defined VSSMIRROR_RUN_DIR set "VSSM_LOGDIR=%VSSMIRROR_RUN_DIR%"$`))
	assert.NotContains(t, data, "||", "mkdir's || is wrong under wine")
	assert.NotContains(t, data, `exist "%VSSM_LOGDIR%\"`)
	assert.NotRegexp(t, `%VSSM_LOGDIR%\\\\`, data, "no doubled backslash after the folder")
	mk := index(lines, strip, `mkdir "%VSSM_LOGDIR%"`)
	test := index(lines, mk, `goto vssm_nologdir$`)
	require.Greater(t, test, mk, "the folder is tested after mkdir")
	assert.Equal(t, `for %%D in ("%VSSM_LOGDIR%\") do set "VSSM_ATTR=-%%~aD"`, lines[test-1])
	assert.Equal(t, `if not "%VSSM_ATTR:~0,2%"=="-d" goto vssm_nologdir`, lines[test])
}

// TestEmptinessCheckNeverNamesTheFolderToDir: dir lists each snapshot
// folder from inside it, starting in the empty folder, so wine's dir never
// sees a '%' in a path and a failed cd lists the empty folder.
func TestEmptinessCheckNeverNamesTheFolderToDir(t *testing.T) {
	j := loadExample(t, "multivolume") // E:\Departments\R&D (2024) 100%
	p, err := NewPlan(j)
	require.NoError(t, err)
	lines := cmdLines(t, j)
	for _, l := range lines {
		if strings.HasPrefix(l, "dir ") {
			assert.Regexp(t, `^dir /a(:-s)? /b >"%VSSM_(LOGDIR%\\[^"]+|EMPTY%\.lst)" 2>nul$`, l, "dir gets no path")
		}
	}
	for _, s := range p.Sources {
		q, err := robocmd.Quote(s.Exposed)
		require.NoError(t, err)
		cd := index(lines, 0, "^cd /d "+regexp.QuoteMeta(q)+" 2>nul$")
		require.Greater(t, cd, 0, s.Exposed)
		assert.Equal(t, `pushd "%VSSM_EMPTY%" 2>nul`, lines[cd-1])
		assert.Equal(t, fmt.Sprintf(`dir %s /b >"%%VSSM_LOGDIR%%\%s" 2>nul`, s.DirSwitch, s.ListName), lines[cd+1])
		assert.Equal(t, "popd", lines[cd+2])
		assert.Equal(t, fmt.Sprintf(`for %%%%F in ("%%VSSM_LOGDIR%%\%s") do if %%%%~zF EQU 0 goto vssm_src%d_refused`, s.ListName, s.Index), lines[cd+3])
	}
	// The empty folder is proven empty (and entered) before any source.
	check := index(lines, 0, `^for %%F in \("%VSSM_EMPTY%\.lst"\) do if %%~zF NEQ 0 goto vssm_noempty$`)
	require.Greater(t, check, 0)
	assert.Less(t, check, index(lines, 0, `^cd /d `))
}
