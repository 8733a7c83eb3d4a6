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

// TestSnapshotCommands: start prints each volume and its letter and exits
// 0, run then refuses with 13 (and --force-release goes on), status lists
// the hold, stop deletes it.
func TestSnapshotCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("VSSMIRROR_TEST_ROLE", "diskshadow")
	t.Setenv("FAKEDSH_STATE", filepath.Join(dir, "fake.json"))
	t.Setenv("FAKEDSH_FAIL", "")
	common := []string{"-c", "../../examples/domino/job.yaml", "--state-dir", filepath.Join(dir, "state")}
	runArgs := append([]string{"--diskshadow", os.Args[0], "--scripts-dir", filepath.Join(dir, "scripts"), "--quiet"}, common...)

	code, stdout, stderr := vssm(t, append([]string{"snapshot", "start", "--hold", "3h"}, runArgs...)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "D:\\ S:\n", stdout)

	code, stdout, stderr = vssm(t, append([]string{"snapshot", "status", "--json"}, common...)...)
	require.Equal(t, exitOK, code, stderr)
	var st struct {
		Job  string
		Held []struct {
			ExposedAs string `json:"exposed_as"`
			Expired   bool
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))
	assert.Equal(t, "domino", st.Job)
	require.Len(t, st.Held, 1)
	assert.Equal(t, "S:", st.Held[0].ExposedAs)

	code, _, stderr = vssm(t, append([]string{"run"}, runArgs...)...)
	assert.Equal(t, 13, code, stderr)
	assert.Contains(t, stderr, "vssmirror snapshot stop")

	// stop takes start's flags, --scripts-dir too, so that a runbook passes
	// the same ones to both (review A, L10); its run folder stays in the
	// private state folder, where the journal it trusts is.
	stopReport := filepath.Join(dir, "stop.json")
	code, _, stderr = vssm(t, append([]string{"snapshot", "stop", "--report", stopReport}, runArgs...)...)
	require.Equal(t, exitOK, code, stderr)
	data, err := os.ReadFile(stopReport)
	require.NoError(t, err)
	var stopped struct {
		RunDir string `json:"run_dir"`
	}
	require.NoError(t, json.Unmarshal(data, &stopped))
	assert.True(t, strings.HasPrefix(stopped.RunDir, filepath.Join(dir, "state")+string(filepath.Separator)), "stop's run folder %q is in the state folder", stopped.RunDir)
	code, stdout, _ = vssm(t, append([]string{"snapshot", "status"}, common...)...)
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "no snapshot is held")

	code, _, _ = vssm(t, "snapshot", "start")
	assert.Equal(t, exitUsage, code, "--config is required")
	code, help, _ := vssm(t, "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, help, "17  run: verification failed")
}
