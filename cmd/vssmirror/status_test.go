package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// `run --json` keeps standard output for the report: progress goes to
// standard error (here not a terminal: plain lines, the copy's end last
// before the summary); --quiet shows none. `status` then shows the last
// run's outcome, as text and as JSON, and takes --state-dir like run.
func TestRunProgressAndStatus(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("VSSMIRROR_TEST_ROLE", "diskshadow")
	t.Setenv("FAKEDSH_STATE", filepath.Join(dir, "fake.json"))
	t.Setenv("FAKEDSH_FAIL", "")
	stateDir := filepath.Join(dir, "state")
	job := "../../examples/fileserver/job.yaml"

	code, stdout, stderr := vssm(t, "status", "-c", job, "--state-dir", stateDir)
	assert.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "job fileserver: not running\nnote: no run of this job is recorded in "+stateDir+"\n", stdout)

	code, stdout, stderr = vssm(t, "run", "-c", job, "--diskshadow", os.Args[0], "--state-dir", stateDir,
		"--scripts-dir", filepath.Join(dir, "scripts"), "--json", "--progress-every", "1ms")
	require.Equal(t, exitOK, code, stderr)
	var rep struct {
		RunID string `json:"run_id"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep), "standard output is the report alone")
	end := strings.Index(stderr, "vssmirror: progress: copy ended: ")
	require.GreaterOrEqual(t, end, 0, stderr)
	assert.Less(t, end, strings.Index(stderr, "SUCCESS (exit 0)"), "the summary comes after the progress")

	code, _, stderr = vssm(t, "run", "-c", job, "--diskshadow", os.Args[0], "--state-dir", stateDir,
		"--scripts-dir", filepath.Join(dir, "scripts"), "--quiet", "--progress-every", "1ms")
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stderr, "progress:")

	code, stdout, stderr = vssm(t, "status", "-c", job, "--state-dir", stateDir)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "job fileserver: not running\nlast run ")
	assert.Contains(t, stdout, ": success (exit 0)")

	code, stdout, stderr = vssm(t, "status", "-c", job, "--state-dir", stateDir, "--json")
	assert.Equal(t, exitOK, code, stderr)
	var v struct {
		Job     string
		Running bool
		Status  struct {
			State   string
			Outcome string
			Sources []struct{ Path, State string }
		}
		LastRun struct {
			Outcome string
		} `json:"last_run"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &v))
	assert.Equal(t, "fileserver", v.Job)
	assert.False(t, v.Running)
	assert.Equal(t, "finished", v.Status.State)
	assert.Equal(t, "success", v.Status.Outcome)
	assert.Equal(t, "success", v.LastRun.Outcome)
	require.NotEmpty(t, v.Status.Sources)
	assert.Equal(t, "done", v.Status.Sources[0].State)

	code, _, stderr = vssm(t, "status", "--state-dir", stateDir)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "status needs --config")
}
