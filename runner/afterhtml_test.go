package runner

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// After a run its report is left in the run folder and the history page
// is rewritten; a page that cannot be written is a warning, and the
// report and outcome stay as they were.
func TestAfterRunLeavesTheReportAndThePage(t *testing.T) {
	j, err := job.Load("../examples/fileserver/job.yaml")
	require.NoError(t, err)
	dir := t.TempDir()
	stateDir, scripts := filepath.Join(dir, "state"), filepath.Join(dir, "scripts")
	start := time.Date(2026, 11, 21, 23, 30, 0, 0, time.UTC)
	rep := &report.Report{Schema: 1, Job: j.Name, RunID: "20261121T233000Z-abcdef", Host: "SRV1", Start: start, End: start.Add(time.Hour),
		Outcome: report.CopyFailed, ExitCode: report.CopyFailed.ExitCode(), RunDir: filepath.Join(scripts, "runs", "20261121T233000Z-abcdef")}
	require.NoError(t, os.MkdirAll(rep.RunDir, 0o700))
	require.NoError(t, state.AppendHistory(stateDir, rep))

	page := filepath.Join(dir, "history.html")
	warnings := AfterRun(rep, j, AfterRunOptions{StateDir: stateDir, HTMLFile: page, ScriptsDir: scripts, Getenv: func(string) string { return "" }})
	assert.Empty(t, warnings)
	data, err := os.ReadFile(filepath.Join(rep.RunDir, report.RunDirFile))
	require.NoError(t, err)
	var back report.Report
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, rep.RunID, back.RunID)
	html, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.Contains(t, string(html), `<a href="scripts/runs/20261121T233000Z-abcdef/vssmirror-report.json">20261121T233000Z-abcdef</a>`)

	warnings = AfterRun(rep, j, AfterRunOptions{StateDir: stateDir, HTMLFile: filepath.Join(page, "history.html") /* under a file: cannot be written */, ScriptsDir: scripts, Getenv: func(string) string { return "" }})
	require.Len(t, warnings, 1)
	assert.ErrorContains(t, warnings[0], "writing the history page")
	assert.Equal(t, report.CopyFailed, rep.Outcome)
}
