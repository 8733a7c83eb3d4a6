package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/internal/fakedsh"
)

// TestMain lets the test binary play diskshadow for `vssmirror run`.
func TestMain(m *testing.M) {
	if os.Getenv("VSSMIRROR_TEST_ROLE") == "diskshadow" {
		os.Exit(fakedsh.Main(os.Args[1:], os.Stdout, os.Getenv))
	}
	os.Exit(m.Run())
}

func TestRunCommandExitCodes(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("VSSMIRROR_TEST_ROLE", "diskshadow")
	t.Setenv("FAKEDSH_STATE", filepath.Join(dir, "fake.json"))
	args := []string{"run", "-c", "../../examples/fileserver/job.yaml", "--diskshadow", os.Args[0],
		"--state-dir", filepath.Join(dir, "state"), "--scripts-dir", filepath.Join(dir, "scripts"), "--quiet"}

	t.Setenv("FAKEDSH_FAIL", "")
	reportFile := filepath.Join(dir, "report.json")
	promFile := filepath.Join(dir, "vssmirror.prom")
	code, stdout, stderr := vssm(t, append(args, "--json", "--report", reportFile, "--prom", promFile)...)
	require.Equal(t, exitOK, code, stderr)
	var rep struct {
		Schema   int
		Outcome  string
		ExitCode int `json:"exit_code"`
		Shadows  []struct {
			ExposedAs string `json:"exposed_as"`
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, 1, rep.Schema)
	assert.Equal(t, "success", rep.Outcome)
	assert.Equal(t, "Z:", rep.Shadows[0].ExposedAs)
	assert.FileExists(t, reportFile)
	prom, err := os.ReadFile(promFile)
	require.NoError(t, err)
	assert.Contains(t, string(prom), `vssmirror_last_run_outcome{job="fileserver",outcome="success"} 1`)
	assert.FileExists(t, filepath.Join(dir, "state", "fileserver.history.jsonl"))
	assert.Contains(t, stderr, "SUCCESS (exit 0)")

	t.Setenv("FAKEDSH_FAIL", "exec:8")
	code, _, stderr = vssm(t, args...)
	assert.Equal(t, 10, code, stderr)
	assert.Contains(t, stderr, `not copied: S:\Shares\locked.db`)

	t.Setenv("FAKEDSH_FAIL", "create:8004231F")
	code, _, _ = vssm(t, args...)
	assert.Equal(t, 11, code)

	t.Setenv("FAKEDSH_FAIL", "exec:8,delete")
	code, _, stderr = vssm(t, append(args, "--prom", promFile)...)
	assert.Equal(t, 14, code)
	assert.Contains(t, stderr, "vssmirror cleanup --config")
	prom, err = os.ReadFile(promFile)
	require.NoError(t, err)
	assert.Contains(t, string(prom), `vssmirror_shadows_leaked{job="fileserver"} 1`)
	ranProm := string(prom)

	// cleanup --prom clears the leaked count (the VssmirrorShadowsLeaked
	// alert) and keeps every other series of the last run (review B).
	t.Setenv("FAKEDSH_FAIL", "")
	cleanup := []string{"cleanup", "-c", "../../examples/fileserver/job.yaml", "--diskshadow", os.Args[0], "--state-dir", filepath.Join(dir, "state"), "--quiet"}
	code, _, stderr = vssm(t, append(cleanup, "--prom", promFile)...)
	assert.Equal(t, exitOK, code, stderr)
	st, err := fakedsh.LoadState(filepath.Join(dir, "fake.json"))
	require.NoError(t, err)
	assert.Empty(t, st.Shadows)
	prom, err = os.ReadFile(promFile)
	require.NoError(t, err)
	assert.Equal(t, strings.Replace(ranProm, `vssmirror_shadows_leaked{job="fileserver"} 1`, `vssmirror_shadows_leaked{job="fileserver"} 0`, 1), string(prom))
	assert.Contains(t, string(prom), `vssmirror_last_run_outcome{job="fileserver",outcome="cleanup_failed"} 1`)

	code, _, _ = vssm(t, "run", "-c", "../../examples/fileserver/job.yaml", "--diskshadow", filepath.Join(dir, "missing.exe"), "--state-dir", filepath.Join(dir, "state"), "--quiet")
	assert.Equal(t, 12, code)
}

// A report that cannot be written makes the exit 4, and the summary agrees.
func TestReportNotWritableSummaryAgrees(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("VSSMIRROR_TEST_ROLE", "diskshadow")
	t.Setenv("FAKEDSH_STATE", filepath.Join(dir, "fake.json"))
	t.Setenv("FAKEDSH_FAIL", "")
	require.NoError(t, os.Mkdir(filepath.Join(dir, "report.json"), 0o700)) // a folder where the report goes
	code, _, stderr := vssm(t, "run", "-c", "../../examples/fileserver/job.yaml", "--diskshadow", os.Args[0],
		"--state-dir", filepath.Join(dir, "state"), "--scripts-dir", filepath.Join(dir, "scripts"), "--quiet", "--report", filepath.Join(dir, "report.json"))
	assert.Equal(t, exitFailure, code, stderr)
	assert.Contains(t, stderr, "(exit 4)")
	assert.NotContains(t, stderr, "(exit 0)")
}

func TestReportFolderMustExist(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := vssm(t, "run", "-c", "../../examples/fileserver/job.yaml", "--diskshadow", os.Args[0],
		"--state-dir", filepath.Join(dir, "state"), "--quiet", "--report", filepath.Join(dir, "no", "such", "report.json"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "does not exist")
	assert.NoDirExists(t, filepath.Join(dir, "state"), "nothing ran")
}

// A negative --progress-every is refused before anything runs (0 keeps the
// default of 30 seconds).
func TestProgressEveryMustNotBeNegative(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := vssm(t, "run", "-c", "../../examples/fileserver/job.yaml", "--diskshadow", os.Args[0],
		"--state-dir", filepath.Join(dir, "state"), "--progress-every", "-5s")
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, "--progress-every -5s")
	assert.NoDirExists(t, filepath.Join(dir, "state"), "nothing ran")
}
