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

// Runs with --html keep the page current; history reads the same runs
// back as a table, JSON and the page, each run linked to its report.
func TestRunHTMLAndHistory(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("VSSMIRROR_TEST_ROLE", "diskshadow")
	t.Setenv("FAKEDSH_STATE", filepath.Join(dir, "fake.json"))
	stateDir, scriptsDir, pageFile := filepath.Join(dir, "state"), filepath.Join(dir, "scripts"), filepath.Join(dir, "history.html")
	args := []string{"run", "-c", "../../examples/fileserver/job.yaml", "--diskshadow", os.Args[0],
		"--state-dir", stateDir, "--scripts-dir", scriptsDir, "--quiet", "--html", pageFile}

	t.Setenv("FAKEDSH_FAIL", "")
	code, _, stderr := vssm(t, args...)
	require.Equal(t, exitOK, code, stderr)
	html, err := os.ReadFile(pageFile)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(html), "<tr class="), "one run after the first run")

	t.Setenv("FAKEDSH_FAIL", "create:8004231F")
	code, _, stderr = vssm(t, args...)
	require.Equal(t, 11, code, stderr)
	assert.NotContains(t, stderr, "warning:")
	html, err = os.ReadFile(pageFile)
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(html), "<tr class="), "the page was refreshed")
	assert.Contains(t, string(html), `<tr class="failed">`)
	assert.Equal(t, 2, strings.Count(string(html), `/vssmirror-report.json">`), "each run links to the report in its run folder")

	// the console table, oldest first
	hist := []string{"history", "-c", "../../examples/fileserver/job.yaml", "--state-dir", stateDir, "--scripts-dir", scriptsDir}
	code, stdout, stderr := vssm(t, hist...)
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 3, stdout)
	assert.Regexp(t, `^DATE\s+SET\s+OUTCOME\s+DURATION\s+BYTES COPIED\s+FILES FAILED\s+SHADOWS LEAKED\s+RUN$`, lines[0])
	assert.Contains(t, lines[1], "success")
	assert.Contains(t, lines[2], "snapshot_failed")

	// JSON, with the report found in the run folder
	code, stdout, stderr = vssm(t, append(hist, "--json", "--last", "1")...)
	require.Equal(t, exitOK, code, stderr)
	var h struct {
		Total int
		Runs  []struct {
			Outcome string
			Report  string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &h))
	assert.Equal(t, 2, h.Total)
	require.Len(t, h.Runs, 1)
	assert.Equal(t, "snapshot_failed", h.Runs[0].Outcome)
	assert.FileExists(t, h.Runs[0].Report)

	// a foreign line is ignored and noted
	f, err := os.OpenFile(filepath.Join(stateDir, "fileserver.history.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"run_id":"../../evil","start":"2026-01-01T00:00:00Z","end":"2026-01-01T00:00:01Z","outcome":"success"}` + "\nnot json\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	out2 := filepath.Join(dir, "page2.html")
	code, stdout, stderr = vssm(t, append(hist, "--html", out2)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "2 line(s) of")
	assert.NotContains(t, stdout, "evil")
	assert.FileExists(t, out2)

	code, _, stderr = vssm(t, append(hist, "--last", "-1")...)
	assert.Equal(t, exitUsage, code, stderr)
}

func TestRunHTMLFolderMustExist(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := vssm(t, "run", "-c", "../../examples/fileserver/job.yaml", "--diskshadow", os.Args[0],
		"--state-dir", filepath.Join(dir, "state"), "--quiet", "--html", filepath.Join(dir, "no", "page.html"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--html")
	assert.NoDirExists(t, filepath.Join(dir, "state"), "nothing ran")
}

// history --html and fleet --html refuse a missing folder as run --html
// does, instead of creating it (review B).
func TestHistoryAndFleetHTMLFolderMustExist(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such")
	code, _, stderr := vssm(t, "history", "-c", "../../examples/fileserver/job.yaml", "--state-dir", dir, "--html", filepath.Join(missing, "h.html"))
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, "--html")
	assert.Contains(t, stderr, "does not exist; create it first")
	assert.NoDirExists(t, filepath.Join(dir, "no"))

	code, _, stderr = vssm(t, "fleet", "--reports", dir, "--html", filepath.Join(missing, "f.html"))
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, "does not exist; create it first")
	assert.NoDirExists(t, filepath.Join(dir, "no"))
}
