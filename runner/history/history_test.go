package history_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/runner/fleet/fleettest"
	"github.com/vssmirror/vssmirror/runner/history"
	"github.com/vssmirror/vssmirror/runner/page"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

func entry(id string, start time.Time, o report.Outcome) state.HistoryEntry {
	return state.HistoryEntry{RunID: id, Set: "set1", Start: start, End: start.Add(90 * time.Minute), Outcome: o, ExitCode: o.ExitCode(),
		BytesCopied: 3 << 30, FilesCopied: 1200, FilesFailed: 2}
}

func writeLines(t *testing.T, path string, lines ...any) {
	t.Helper()
	var b bytes.Buffer
	for _, l := range lines {
		if s, ok := l.(string); ok {
			b.WriteString(s + "\n")
			continue
		}
		data, err := json.Marshal(l)
		require.NoError(t, err)
		b.Write(append(data, '\n'))
	}
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o600))
}

// Lines a run could not have written are skipped and counted; the rest
// are read, linked to their run folder and report when those are there.
func TestReadChecksEveryLine(t *testing.T) {
	dir := t.TempDir()
	stateDir, scripts := filepath.Join(dir, "state"), filepath.Join(dir, "scripts")
	t0 := time.Date(2026, 11, 1, 23, 30, 0, 0, time.UTC)
	bad := func(mut func(*state.HistoryEntry)) state.HistoryEntry {
		e := entry("20261101T233000Z-0000ff", t0, report.Success)
		mut(&e)
		return e
	}
	writeLines(t, state.HistoryPath(stateDir, "files"),
		entry("20261101T233000Z-000001", t0, report.Success),
		"not json at all",
		`{"run_id":"x","outcome":"splendid"}`,
		bad(func(e *state.HistoryEntry) { e.RunID = `..\..\Windows` }),
		bad(func(e *state.HistoryEntry) { e.RunID = "" }),
		bad(func(e *state.HistoryEntry) { e.End = e.Start.Add(-time.Second) }),
		bad(func(e *state.HistoryEntry) { e.BytesCopied = -1 }),
		bad(func(e *state.HistoryEntry) { e.Start = time.Time{} }),
		bad(func(e *state.HistoryEntry) { e.Set = "\x1b]0;owned\a\x1b[2J" }), // a terminal escape for the console table
		entry("20261102T233000Z-000002", t0.Add(24*time.Hour), report.CopyFailed),
		entry("20261103T233000Z-000003", t0.Add(48*time.Hour), report.SnapshotFailed),
	)
	// run 2 has its folder and report, run 3 only its folder
	require.NoError(t, os.MkdirAll(filepath.Join(scripts, "runs", "20261102T233000Z-000002"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(scripts, "runs", "20261102T233000Z-000002", report.RunDirFile), []byte("{}"), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(scripts, "runs", "20261103T233000Z-000003"), 0o700))

	h, err := history.Read(history.Options{Job: "files", StateDir: stateDir, ScriptsDir: scripts})
	require.NoError(t, err)
	assert.Equal(t, 8, h.Skipped)
	assert.Contains(t, h.Note(), "8 line(s) of ")
	require.Len(t, h.Runs, 3)
	assert.Equal(t, 3, h.Total)
	assert.Equal(t, 5400.0, h.Runs[0].DurationSeconds)
	assert.Empty(t, h.Runs[0].RunDir)
	assert.Equal(t, filepath.Join(scripts, "runs", "20261102T233000Z-000002", report.RunDirFile), h.Runs[1].Report)
	assert.Equal(t, filepath.Join(scripts, "runs", "20261103T233000Z-000003"), h.Runs[2].RunDir)
	assert.Empty(t, h.Runs[2].Report)
	require.NotNil(t, h.LastSuccess)
	assert.Equal(t, t0.Add(90*time.Minute), *h.LastSuccess)

	last, err := history.Read(history.Options{Job: "files", StateDir: stateDir, Last: 1})
	require.NoError(t, err)
	require.Len(t, last.Runs, 1)
	assert.Equal(t, report.SnapshotFailed, last.Runs[0].Outcome)
	assert.Equal(t, 3, last.Total)
	require.NotNil(t, last.LastSuccess, "the last success is found beyond --last")

	var table bytes.Buffer
	require.NoError(t, last.WriteTable(&table, time.UTC))
	assert.Equal(t, "DATE              SET   OUTCOME          DURATION  BYTES COPIED  FILES FAILED  SHADOWS LEAKED  RUN\n"+
		"2026-11-03 23:30  set1  snapshot_failed  1h30m     3.0 GiB       2             0               20261103T233000Z-000003\n"+
		"(the newest 1 of 3 runs)\n", table.String())
}

func TestNoHistoryYet(t *testing.T) {
	dir := t.TempDir()
	h, err := history.Read(history.Options{Job: "files", StateDir: dir})
	require.NoError(t, err)
	assert.Empty(t, h.Runs)
	var table bytes.Buffer
	require.NoError(t, h.WriteTable(&table, time.UTC))
	assert.Contains(t, table.String(), "(no runs in ")
	pageFile := filepath.Join(dir, "h.html")
	require.NoError(t, h.WritePage(history.PageOptions{File: pageFile, Host: "SRV1", Now: fleettest.Now}))
	html, err := os.ReadFile(pageFile)
	require.NoError(t, err)
	assert.Contains(t, string(html), "This job has no runs in its history yet.")
	assert.Equal(t, 3, strings.Count(string(html), "no runs yet"), "three empty charts")
}

func TestPage(t *testing.T) {
	dir := t.TempDir()
	stateDir := filepath.Join(dir, "state")
	require.NoError(t, fleettest.WriteHistory(stateDir, "files", 30, fleettest.Now.Add(-time.Hour), 1))
	h, err := history.Read(history.Options{Job: "files", StateDir: stateDir})
	require.NoError(t, err)
	p := h.Page(history.PageOptions{File: filepath.Join(dir, "h.html"), Host: "SRV1", Now: fleettest.Now, Location: time.UTC})
	require.Len(t, p.Rows, 30)
	assert.Equal(t, h.Runs[29].RunID, p.Rows[0].RunID, "newest first")
	require.Len(t, p.Charts, 3)
	for _, c := range p.Charts {
		assert.Len(t, c.Points, 30, c.ID)
	}
	var failed int
	for i, r := range p.Rows {
		run := h.Runs[29-i]
		assert.Equal(t, string(run.Outcome), r.Outcome)
		if run.Outcome != report.Success {
			failed++
			assert.NotEqual(t, "ok", string(r.Status), "failures are highlighted")
		}
	}
	assert.Positive(t, failed)
	assert.Equal(t, "30", p.Summary[0].Value)
	assert.Equal(t, "last success", p.Summary[2].Label)
	assert.Equal(t, page.OK, p.Summary[2].Status)
	stale := h.Page(history.PageOptions{File: "h.html", Host: "SRV1", Now: fleettest.Now.Add(30 * 24 * time.Hour), Location: time.UTC})
	assert.Equal(t, page.Stale, stale.Summary[2].Status, "no success for more than 26 hours")
	assert.Equal(t, "runs not successful", p.Summary[3].Label)
	assert.Equal(t, strconv.Itoa(failed), p.Summary[3].Value)
}

// Of a history file larger than state.MaxHistorySize only the tail is
// read, and the note and cut_bytes say so (review B).
func TestReadNamesAnOversizedFile(t *testing.T) {
	dir := t.TempDir()
	path := state.HistoryPath(dir, "fs")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(state.MaxHistorySize)) // sparse
	_, err = f.WriteAt([]byte("\n"), state.MaxHistorySize)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	start := time.Date(2026, 11, 21, 23, 30, 0, 0, time.UTC)
	require.NoError(t, state.AppendHistory(dir, &report.Report{Job: "fs", RunID: "20261121T233000Z-abcdef", Start: start, End: start.Add(time.Minute), Outcome: report.Success}))
	h, err := history.Read(history.Options{Job: "fs", StateDir: dir})
	require.NoError(t, err)
	require.Len(t, h.Runs, 1)
	assert.Positive(t, h.CutBytes)
	assert.Contains(t, h.Note(), path+" is larger than 64 MiB: only its newest 64 MiB were read")
	b, err := json.Marshal(h)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"cut_bytes":`)
}
