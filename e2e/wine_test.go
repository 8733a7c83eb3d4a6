//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	root   string // build/e2e
	prefix string // the throwaway wine prefix
	driveC string
)

func run(t testing.TB, env []string, name string, args ...string) (string, int) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		code = ee.ExitCode()
	}
	return string(out), code
}

func TestMain(m *testing.M) {
	_, file, _, _ := runtime.Caller(0)
	repo := filepath.Dir(filepath.Dir(file))
	root = filepath.Join(repo, "build", "e2e")
	prefix = filepath.Join(root, "wineprefix")
	driveC = filepath.Join(prefix, "drive_c")
	os.Setenv("WINEPREFIX", prefix)
	os.Setenv("WINEDEBUG", "-all")
	os.Setenv("WINEDLLOVERRIDES", "mscoree,mshtml=")
	if err := setup(repo); err != nil {
		fmt.Fprintln(os.Stderr, "e2e setup:", err)
		os.Exit(1)
	}
	code := m.Run()
	exec.Command("wineserver", "-k").Run()
	os.Exit(code)
}

// setup creates the wine prefix, installs the ProcessPrng shim and
// cross-builds vssmirror.exe and the two doubles.
func setup(repo string) error {
	if _, err := os.Stat(filepath.Join(driveC, "windows", "system32")); err != nil {
		if err := os.MkdirAll(prefix, 0o755); err != nil {
			return err
		}
		if out, err := exec.Command("wineboot", "-i").CombinedOutput(); err != nil {
			return fmt.Errorf("wineboot: %v\n%s", err, out)
		}
	}
	shim := filepath.Join(driveC, "windows", "system32", "bcryptprimitives.dll")
	if out, err := exec.Command("x86_64-w64-mingw32-gcc", "-shared", "-O2", "-o", shim, filepath.Join(repo, "e2e", "shim", "processprng.c")).CombinedOutput(); err != nil {
		return fmt.Errorf("building the ProcessPrng shim: %v\n%s", err, out)
	}
	tools := filepath.Join(driveC, "tools")
	for exe, pkg := range map[string]string{"vssmirror.exe": "./cmd/vssmirror", "fakediskshadow.exe": "./internal/fakedsh/fakediskshadow", "robocopy.exe": "./internal/robodouble/robocopy", "eseutil.exe": "./internal/esedouble"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(tools, exe), pkg)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s: %v\n%s", exe, err, out)
		}
	}
	return nil
}

// scenario is one backup setup: D: is the live volume, S: and T: the
// expose letters (mapped beforehand: a Windows process under wine cannot
// create drive letters), E: the backup disk.
type scenario struct {
	t               *testing.T
	name            string
	dir             string
	vol, expS, dest string // Linux folders behind D:, S:, E:
	env             []string
	argv            string // Linux path of the robocopy double's argv record
}

func newScenario(t *testing.T, jobYAML string) *scenario {
	name := strings.ReplaceAll(t.Name(), "/", "_")
	s := &scenario{t: t, name: name, dir: filepath.Join(root, "scen", name)}
	require.NoError(t, os.RemoveAll(s.dir))
	require.NoError(t, os.RemoveAll(filepath.Join(driveC, "s-"+name)))
	s.vol, s.expS, s.dest = filepath.Join(s.dir, "vol_d"), filepath.Join(s.dir, "expose_s"), filepath.Join(s.dir, "disk_e")
	for _, d := range []string{s.vol, s.expS, s.dest, filepath.Join(driveC, "s-"+name)} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	for letter, target := range map[string]string{"d:": s.vol, "s:": s.expS, "e:": s.dest} {
		link := filepath.Join(prefix, "dosdevices", letter)
		os.Remove(link)
		require.NoError(t, os.Symlink(target, link))
	}
	win := `C:\s-` + name
	s.argv = filepath.Join(driveC, "s-"+name, "argv.jsonl")
	s.env = []string{"FAKEDSH_STATE=" + win + `\fake.json`, "FAKEDSH_SNAPDIR=" + win + `\snaps`, "ROBODOUBLE_ARGV=" + win + `\argv.jsonl`}
	job := strings.ReplaceAll(jobYAML, "SCRIPTS", win+`\scripts`)
	require.NoError(t, os.WriteFile(filepath.Join(driveC, "s-"+name, "job.yaml"), []byte(job), 0o644))
	return s
}

type report struct {
	Outcome  string
	Set      string
	ExitCode int    `json:"exit_code"`
	RunDir   string `json:"run_dir"`
	Shadows  []struct {
		ID        string
		ExposedAs string `json:"exposed_as"`
	}
	Sources []struct {
		Outcome string
		Files   struct{ Copied, Failed, Extras int64 }
		Deleted struct{ Files int64 }
		Errors  []struct {
			Path string
			Code int
		}
	}
	Cleanup struct {
		Attempted bool
		Deleted   []string
		Leaked    []string
	}
}

// run runs `vssmirror run` under wine and returns its exit code, output
// and report.
func (s *scenario) run(extraEnv ...string) (int, string, report) {
	win := `C:\s-` + s.name
	out, code := run(s.t, append(s.env, extraEnv...), "wine", filepath.Join(driveC, "tools", "vssmirror.exe"), "run",
		"--config", win+`\job.yaml`, "--diskshadow", `C:\tools\fakediskshadow.exe`, "--state-dir", win+`\state`,
		"--skip-check", "windows-server", "--skip-check", "expose-letters-free", "--report", win+`\report.json`)
	var rep report
	data, err := os.ReadFile(filepath.Join(driveC, "s-"+s.name, "report.json"))
	require.NoError(s.t, err, out)
	require.NoError(s.t, json.Unmarshal(data, &rep), out)
	return code, out, rep
}

// dsLog returns diskshadow's output of the last run.
func (s *scenario) dsLog(rep report) string {
	dir := filepath.Join(driveC, strings.TrimPrefix(strings.ReplaceAll(rep.RunDir, `\`, "/"), "C:/"))
	b, err := os.ReadFile(filepath.Join(dir, "vssmirror-run.log"))
	require.NoError(s.t, err)
	return string(b)
}

func (s *scenario) write(rel, content string) {
	p := filepath.Join(s.vol, filepath.FromSlash(rel))
	require.NoError(s.t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(s.t, os.WriteFile(p, []byte(content), 0o644))
}

// tree lists the files under dir with their content.
func tree(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		require.NoError(t, err)
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = string(b)
		}
		return nil
	})
	return out
}

func (s *scenario) argvs() [][]string {
	data, err := os.ReadFile(s.argv)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(s.t, err)
	var out [][]string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if l == "" {
			continue
		}
		var a []string
		require.NoError(s.t, json.Unmarshal([]byte(l), &a))
		out = append(out, a)
	}
	return out
}

func (s *scenario) fakeShadows() int {
	data, err := os.ReadFile(filepath.Join(driveC, "s-"+s.name, "fake.json"))
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(s.t, err)
	var st struct{ Shadows []json.RawMessage }
	require.NoError(s.t, json.Unmarshal(data, &st))
	return len(st.Shadows)
}

const mirrorJob = `version: 1
name: e2e
scripts_dir: 'SCRIPTS'
destination: 'E:\backup'
shadow:
  writers: true
  backup_type: copy
  expose_letters: [S]
sources:
  - path: 'D:\Data'
robocopy:
  threads: 0
  path: 'C:\tools\robocopy.exe'
guard:
  vssmirror_path: 'C:\tools\vssmirror.exe'
`

// fullJob is mirrorJob as a full backup (begin backup ... end backup), which
// a job may only be with backup sets: the run writes into today's weekday
// folder under E:\backup (the report's set).
var fullJob = strings.Replace(mirrorJob, "backup_type: copy", "backup_type: full", 1) + "sets: weekday\n"

// awkward file and folder names: spaces, & % ^ ! ( ), a leading '-', and a
// path of more than 260 characters.
var awkward = []string{
	"plain.txt",
	"with space/and & ampersand.txt",
	"percent/100% done %PATH% x.txt",
	"caret ^ and bang !/file ^!.txt",
	"(parens)/a (1).txt",
	"-leading dash/-file.txt",
	strings.Repeat("long folder name ", 8) + "end/" + strings.Repeat("deeper level ", 8) + "end/" + strings.Repeat("x", 60) + ".txt",
}

func TestAwkwardNamesAndSnapshotConsistency(t *testing.T) {
	s := newScenario(t, fullJob)
	for i, n := range awkward {
		s.write("Data/"+n, fmt.Sprintf("content %d", i))
	}
	want := tree(t, filepath.Join(s.vol, "Data"))
	// A file changed on the live volume after create must not reach the backup.
	code, out, rep := s.run(`FAKEDSH_TOUCH=D:\Data\plain.txt`)
	require.Equal(t, 0, code, out)
	assert.Equal(t, "success", rep.Outcome)
	require.NotEmpty(t, rep.Set, "a full backup writes into a set")
	assert.Equal(t, want, tree(t, filepath.Join(s.dest, "backup", rep.Set, "D", "Data")), "the destination equals the snapshot")
	assert.Contains(t, tree(t, filepath.Join(s.vol, "Data"))["plain.txt"], "changed after create", "the live file did change")
	assert.Equal(t, 0, s.fakeShadows(), "the shadow was deleted")
	assert.Empty(t, tree(t, s.expS), "the exposed letter was emptied")
	dsh := s.dsLog(rep)
	assert.Contains(t, dsh, "-> end backup")
	assert.Contains(t, dsh, "-> delete shadows id %vssm_d%")
}

func TestSecondRunCopiesChangesAndDeletes(t *testing.T) {
	s := newScenario(t, mirrorJob)
	s.write("Data/keep.txt", "keep")
	s.write("Data/change.txt", "v1")
	s.write("Data/remove me.txt", "bye")
	code, out, _ := s.run()
	require.Equal(t, 0, code, out)

	time.Sleep(2100 * time.Millisecond) // a different modification time, beyond /FFT's 2 seconds
	s.write("Data/change.txt", "version 2")
	s.write("Data/new & shiny.txt", "new")
	require.NoError(t, os.Remove(filepath.Join(s.vol, "Data", "remove me.txt")))
	code, out, rep := s.run()
	require.Equal(t, 0, code, out)
	assert.Equal(t, map[string]string{"keep.txt": "keep", "change.txt": "version 2", "new & shiny.txt": "new"}, tree(t, filepath.Join(s.dest, "backup", "D", "Data")))
	require.Len(t, rep.Sources, 1)
	assert.Equal(t, int64(2), rep.Sources[0].Files.Copied, "only what changed is copied")
	assert.Equal(t, int64(1), rep.Sources[0].Deleted.Files)
}

func TestRobocopyExitCodes1To3DoNotAbort(t *testing.T) {
	s := newScenario(t, fullJob)
	s.write("Data/a.txt", "a")
	s.write("Data/b.txt", "b")
	// exit 1: files copied.
	code, out, _ := s.run()
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "robocopy exit 1, success")
	// exit 2: extras deleted only.
	require.NoError(t, os.Remove(filepath.Join(s.vol, "Data", "b.txt")))
	code, out, _ = s.run()
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "robocopy exit 2, success")
	// exit 3: copied and deleted.
	require.NoError(t, os.Remove(filepath.Join(s.vol, "Data", "a.txt")))
	s.write("Data/c.txt", "c")
	code, out, rep := s.run()
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "robocopy exit 3, success")
	dsh := s.dsLog(rep)
	exec := strings.Index(dsh, "-> exec ")
	require.GreaterOrEqual(t, exec, 0)
	assert.Greater(t, strings.Index(dsh, "-> end backup"), exec, "end backup ran after the copy")
	assert.Greater(t, strings.Index(dsh, "-> delete shadows id %vssm_d%"), exec)
	assert.False(t, rep.Cleanup.Attempted, "the script cleaned up itself")
}

func TestFailedFileAbortsAndIsCleanedUp(t *testing.T) {
	s := newScenario(t, fullJob)
	s.write("Data/ok.txt", "ok")
	s.write("Data/locked.db", "locked")
	code, out, rep := s.run("ROBODOUBLE_FAIL=locked.db")
	assert.Equal(t, 10, code, out)
	assert.Equal(t, "copy_failed", rep.Outcome)
	dsh := s.dsLog(rep)
	assert.Contains(t, dsh, "The command script returned failure exit code 8.")
	assert.NotContains(t, dsh, "-> end backup", "diskshadow quit: writers are not told a failed backup completed")
	assert.True(t, rep.Cleanup.Attempted)
	assert.Len(t, rep.Cleanup.Deleted, 1)
	assert.Empty(t, rep.Cleanup.Leaked)
	assert.Equal(t, 0, s.fakeShadows())
	assert.Empty(t, tree(t, s.expS), "the exposed letter was removed")
	require.Len(t, rep.Sources, 1)
	require.Len(t, rep.Sources[0].Errors, 1)
	assert.Equal(t, `S:\Data\locked.db`, rep.Sources[0].Errors[0].Path, "the report names the file")
}

func TestEmptyOrMissingSourceNeverReachesMirror(t *testing.T) {
	// missing: the letter was "exposed" but shows nothing (the fake's hollow
	// expose); empty: the folder is in the snapshot but holds no file.
	for _, c := range []struct{ name, fail string }{{"missing", "hollow"}, {"empty", ""}} {
		t.Run(c.name, func(t *testing.T) {
			s := newScenario(t, mirrorJob)
			s.write("Other/file.txt", "the volume is not empty")
			require.NoError(t, os.MkdirAll(filepath.Join(s.vol, "Data"), 0o755))
			if c.fail == "hollow" {
				s.write("Data/file.txt", "live data that the exposed letter does not show")
			}
			// A previous good backup that /MIR would wipe.
			prev := filepath.Join(s.dest, "backup", "D", "Data")
			require.NoError(t, os.MkdirAll(prev, 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(prev, "precious.txt"), []byte("last good copy"), 0o644))
			code, out, rep := s.run("FAKEDSH_FAIL=" + c.fail)
			assert.Equal(t, 10, code, out)
			assert.Contains(t, out, "is missing or empty; not mirrored")
			assert.Empty(t, s.argvs(), "robocopy never ran")
			assert.Equal(t, map[string]string{"precious.txt": "last good copy"}, tree(t, prev), "the backup is untouched")
			assert.Equal(t, 0, s.fakeShadows())
			assert.NotEqual(t, "success", rep.Outcome)
		})
	}
}

// TestArgvRoundTrip generates source and target names full of cmd.exe
// metacharacters, '%' included in both; the argv robocopy receives must be
// exactly the intended paths. No name is non-ASCII: wine's cmd ignores
// `chcp 65001` (docs/WINE.md; covered by unit and golden tests instead).
func TestArgvRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	srcAlphabet := []rune("ab &^!()%-,;=+'`~[]{}#$@ ")
	dstAlphabet := []rune("ab &^!()%-,;=+'`~[]{}#$@ ")
	gen := func(alpha []rune) string {
		for {
			n := 3 + rng.Intn(12)
			r := make([]rune, n)
			for i := range r {
				r[i] = alpha[rng.Intn(len(alpha))]
			}
			s := strings.TrimSpace(string(r))
			s = strings.TrimRight(s, ". ")
			if s != "" && s != "." && s != ".." {
				return s
			}
		}
	}
	var b strings.Builder
	b.WriteString("version: 1\nname: e2e\nscripts_dir: 'SCRIPTS'\ndestination: 'E:\\backup'\nshadow:\n  expose_letters: [S]\nsources:\n")
	type pair struct{ src, dst string }
	var pairs []pair
	seen := map[string]bool{}
	for len(pairs) < 12 {
		src, dst := gen(srcAlphabet), gen(dstAlphabet)
		if seen[strings.ToLower(src)] || seen["t:"+strings.ToLower(dst)] {
			continue
		}
		seen[strings.ToLower(src)], seen["t:"+strings.ToLower(dst)] = true, true
		pairs = append(pairs, pair{src, dst})
		q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
		fmt.Fprintf(&b, "  - path: %s\n    target: %s\n", q(`D:\`+src), q(dst))
	}
	b.WriteString("robocopy:\n  threads: 0\n  path: 'C:\\tools\\robocopy.exe'\n")
	s := newScenario(t, b.String())
	for _, p := range pairs {
		s.write(p.src+"/f.txt", p.src)
	}
	code, out, _ := s.run()
	require.Equal(t, 0, code, out)
	argvs := s.argvs()
	require.Len(t, argvs, len(pairs))
	var got, want []string
	for i, a := range argvs {
		require.GreaterOrEqual(t, len(a), 2)
		got = append(got, a[0]+" | "+a[1])
		want = append(want, `S:\`+pairs[i].src+" | "+`E:\backup\`+pairs[i].dst)
	}
	sort.Strings(got)
	sort.Strings(want)
	assert.Equal(t, want, got)
	for _, p := range pairs {
		assert.Equal(t, map[string]string{"f.txt": p.src}, tree(t, filepath.Join(s.dest, "backup", p.dst)), p.dst)
	}
}

// TestDeletionGuard: after a good backup, most of the source disappears (a
// wrong or half-empty snapshot); the guard's robocopy /L pass sees that
// /MIR would delete 80% of the files and the backup is left untouched.
func TestDeletionGuard(t *testing.T) {
	s := newScenario(t, strings.Replace(mirrorJob, "guard:\n", "guard:\n  enabled: true\n  max_delete_percent: 20\n", 1))
	for i := 0; i < 10; i++ {
		s.write(fmt.Sprintf("Data/f%d.txt", i), "data")
	}
	code, out, _ := s.run()
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "deletion guard: /MIR would delete 0 of 10 files")
	for i := 2; i < 10; i++ {
		require.NoError(t, os.Remove(filepath.Join(s.vol, "Data", fmt.Sprintf("f%d.txt", i))))
	}
	code, out, rep := s.run()
	assert.Equal(t, 10, code, out)
	assert.Contains(t, out, "deletion guard: /MIR would delete 8 of 10 files (80.0%)")
	assert.Len(t, tree(t, filepath.Join(s.dest, "backup", "D", "Data")), 10, "the backup is untouched")
	require.Len(t, rep.Sources, 1)
	assert.Equal(t, "guarded", rep.Sources[0].Outcome)
	assert.Equal(t, 0, s.fakeShadows())
}

// TestRotatingSets: rotate: 2 writes set-01, then set-02, each marked good.
func TestRotatingSets(t *testing.T) {
	s := newScenario(t, mirrorJob+"sets: {rotate: 2}\n")
	s.write("Data/a.txt", "one")
	code, out, _ := s.run()
	require.Equal(t, 0, code, out)
	s.write("Data/a.txt", "two!")
	code, out, _ = s.run()
	require.Equal(t, 0, code, out)
	assert.Equal(t, map[string]string{"a.txt": "one"}, tree(t, filepath.Join(s.dest, "backup", "set-01", "D", "Data")))
	assert.Equal(t, map[string]string{"a.txt": "two!"}, tree(t, filepath.Join(s.dest, "backup", "set-02", "D", "Data")))
	for _, set := range []string{"set-01", "set-02"} {
		assert.FileExists(t, filepath.Join(s.dest, "backup", set, "vssmirror-good.json"))
	}
}

// generate renders the scenario's job with `vssmirror generate` into
// C:\s-<name>\scripts (the job's scripts_dir) and returns that folder.
func (s *scenario) generate() string {
	win := `C:\s-` + s.name
	out, code := run(s.t, s.env, "wine", filepath.Join(driveC, "tools", "vssmirror.exe"), "generate", "--config", win+`\job.yaml`, "--out", win+`\scripts`)
	require.Equal(s.t, 0, code, out)
	return win + `\scripts`
}

// diskshadow runs the diskshadow double on the generated job script, as the
// runner would but without it: env decides VSSMIRROR_RUN_DIR.
func (s *scenario) diskshadow(env ...string) (string, int) {
	scripts := s.generate()
	return run(s.t, append(s.env, env...), "wine", filepath.Join(driveC, "tools", "fakediskshadow.exe"), "/s", scripts+`\e2e.dsh`)
}

// linux is the Linux path of a C:\ path in the wine prefix.
func linux(win string) string {
	return filepath.Join(driveC, filepath.FromSlash(strings.ReplaceAll(strings.TrimPrefix(win, `C:\`), `\`, "/")))
}

// TestAbortMarker: %VSSMIRROR_RUN_DIR%\vssmirror-abort makes the copy script
// exit 16 with the marker's text as the reason, so diskshadow quits at exec
// and end backup never runs: before any robocopy when it is there from the
// start, after the copy when it appears during it. Without
// VSSMIRROR_RUN_DIR the script does not look for it.
func TestAbortMarker(t *testing.T) {
	const reason = `verified writer "SqlServerWriter" lost component \HOST\master (100% & more)`
	t.Run("before the first source", func(t *testing.T) {
		s := newScenario(t, fullJob)
		s.write("Data/a.txt", "a")
		rd := `C:\s-` + s.name + `\rd`
		require.NoError(t, os.MkdirAll(linux(rd), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(linux(rd), "vssmirror-abort"), []byte(reason+"\r\n"), 0o644))
		out, _ := s.diskshadow("VSSMIRROR_RUN_DIR=" + rd)
		assert.Contains(t, out, "[vssmirror] abort reason: "+reason)
		assert.Contains(t, out, "The command script returned failure exit code 16.")
		assert.NotContains(t, out, "-> end backup")
		assert.Empty(t, s.argvs(), "robocopy never ran")
		assert.FileExists(t, filepath.Join(linux(rd), "vssmirror-aliases.txt"), "the alias file is written first")
	})
	t.Run("after the last source", func(t *testing.T) {
		s := newScenario(t, fullJob)
		s.write("Data/a.txt", "a")
		rd := `C:\s-` + s.name + `\rd`
		require.NoError(t, os.MkdirAll(linux(rd), 0o755))
		// The robocopy double records its argv into the marker: it appears
		// while the copy runs.
		out, _ := s.diskshadow("VSSMIRROR_RUN_DIR="+rd, "ROBODOUBLE_ARGV="+rd+`\vssmirror-abort`)
		assert.Contains(t, out, `[vssmirror] abort reason: ["S:\\Data"`)
		assert.Contains(t, out, "The command script returned failure exit code 16.")
		assert.NotContains(t, out, "-> end backup")
		assert.Len(t, tree(t, filepath.Join(s.dest, "backup")), 1, "the copy ran")
	})
	t.Run("written by the runner", func(t *testing.T) {
		// A verified writer (SQL Server) loses a component whose volume is
		// not in the set: the runner writes the marker while diskshadow runs.
		s := newScenario(t, strings.Replace(fullJob, "  expose_letters: [S]\n", "  expose_letters: [S]\n  verify_writers: [sql]\n  sql_full_ok: true\n", 1))
		s.write("Data/a.txt", "a")
		code, out, rep := s.run(`FAKEDSH_EXCLUDE=SqlServerWriter:\HOST\master:C:`)
		assert.NotEqual(t, 0, code, out)
		assert.NotEqual(t, "success", rep.Outcome)
		dsh := s.dsLog(rep)
		assert.Contains(t, dsh, "[vssmirror] abort reason: ")
		assert.Contains(t, dsh, "The command script returned failure exit code 16.")
		assert.NotContains(t, dsh, "-> end backup")
		assert.Equal(t, 0, s.fakeShadows(), "the runner cleaned up")
	})
	t.Run("ignored without VSSMIRROR_RUN_DIR", func(t *testing.T) {
		s := newScenario(t, fullJob)
		s.write("Data/a.txt", "a")
		logs := `C:\s-` + s.name + `\scripts\logs`
		require.NoError(t, os.MkdirAll(linux(logs), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(linux(logs), "vssmirror-abort"), []byte(reason), 0o644))
		out, _ := s.diskshadow()
		assert.NotContains(t, out, "abort reason")
		assert.NotContains(t, out, "The command script returned failure")
		assert.Contains(t, out, "-> end backup")
	})
}

// TestAliasFile: the copy script writes vssmirror-aliases.txt into the run
// folder before anything else: <alias>=<value> per volume and the set's ID,
// the values diskshadow put into exec's environment (given here: the double
// does not set them), including one ending in a digit, which
// `echo x=%v%>>file` would have turned into a handle redirection.
func TestAliasFile(t *testing.T) {
	s := newScenario(t, fullJob)
	s.write("Data/a.txt", "a")
	rd := `C:\s-` + s.name + `\rd`
	require.NoError(t, os.MkdirAll(linux(rd), 0o755))
	out, _ := s.diskshadow("VSSMIRROR_RUN_DIR="+rd, "vssm_d={0f5c3a52-6f43-4a1e-9d2b-7c5e1f0a9b32}", "VSS_SHADOW_SET=set 1")
	assert.NotContains(t, out, "The command script returned failure", out)
	aliases, err := os.ReadFile(filepath.Join(linux(rd), "vssmirror-aliases.txt"))
	require.NoError(t, err)
	assert.Equal(t, "vssm_d={0f5c3a52-6f43-4a1e-9d2b-7c5e1f0a9b32}\r\nVSS_SHADOW_SET=set 1\r\n", string(aliases))
}

// TestRunDirForms: VSSMIRROR_RUN_DIR with a trailing backslash, one that does
// not exist yet, and a drive root all work: the logs and the alias file land
// there, the copy succeeds and end backup runs. The alias file holds what
// diskshadow put into exec's environment (given here: the double does not
// set it), including a value ending in a digit, which `echo x=%v%>>file`
// would have turned into a handle redirection.
func TestRunDirForms(t *testing.T) {
	for _, c := range []struct{ name, win, linux string }{
		{"trailing backslash", `C:\s-TestRunDirForms_trailing_backslash\run dir\`, "run dir"},
		{"new folder", `C:\s-TestRunDirForms_new_folder\new\deeper\`, ""},
		{"drive root", `R:\`, "root_r"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newScenario(t, fullJob)
			s.write("Data/a.txt", "a")
			dir := linux(strings.TrimSuffix(c.win, `\`))
			if c.name == "drive root" {
				dir = filepath.Join(s.dir, c.linux)
				link := filepath.Join(prefix, "dosdevices", "r:")
				os.Remove(link)
				require.NoError(t, os.Symlink(dir, link))
				t.Cleanup(func() { os.Remove(link) })
			}
			if c.linux != "" {
				require.NoError(t, os.MkdirAll(dir, 0o755))
			}
			out, _ := s.diskshadow("VSSMIRROR_RUN_DIR="+c.win, "vssm_d={0f5c3a52-6f43-4a1e-9d2b-7c5e1f0a9b32}", "VSS_SHADOW_SET=set 1")
			assert.NotContains(t, out, "cannot create the log folder")
			assert.NotContains(t, out, "The command script returned failure", out)
			assert.Contains(t, out, "-> end backup")
			assert.FileExists(t, filepath.Join(dir, "e2e-robocopy-1.log"))
			aliases, err := os.ReadFile(filepath.Join(dir, "vssmirror-aliases.txt"))
			require.NoError(t, err)
			assert.Equal(t, "vssm_d={0f5c3a52-6f43-4a1e-9d2b-7c5e1f0a9b32}\r\nVSS_SHADOW_SET=set 1\r\n", string(aliases))
			assert.Equal(t, map[string]string{"a.txt": "a"}, tree(t, filepath.Join(s.dest, "backup", "Monday", "D", "Data")))
		})
	}
}

// TestPercentInSourceName: an empty snapshot folder named empty%x is
// refused (wine's dir, given that path, listed the folder's own name, so the
// guard let it through and /MIR wiped the backup); full%x beside it is
// mirrored.
func TestPercentInSourceName(t *testing.T) {
	job := strings.Replace(mirrorJob, "  - path: 'D:\\Data'\n", "  - path: 'D:\\empty%x'\n  - path: 'D:\\full%x'\n", 1)
	require.NotEqual(t, mirrorJob, job)
	s := newScenario(t, job)
	require.NoError(t, os.MkdirAll(filepath.Join(s.vol, "empty%x"), 0o755))
	s.write("full%x/f.txt", "full")
	prev := filepath.Join(s.dest, "backup", "D", "empty%x")
	require.NoError(t, os.MkdirAll(prev, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(prev, "precious.txt"), []byte("last good copy"), 0o644))
	code, out, rep := s.run()
	assert.Equal(t, 10, code, out)
	assert.Contains(t, out, `source 1 of 2: snapshot folder S:\empty%x is missing or empty; not mirrored`)
	assert.Equal(t, map[string]string{"precious.txt": "last good copy"}, tree(t, prev), "the backup is untouched")
	argvs := s.argvs()
	require.Len(t, argvs, 1, "robocopy ran for full%x only")
	assert.Equal(t, `S:\full%x`, argvs[0][0])
	assert.Equal(t, map[string]string{"f.txt": "full"}, tree(t, filepath.Join(s.dest, "backup", "D", "full%x")))
	assert.NotEqual(t, "success", rep.Outcome)
}
