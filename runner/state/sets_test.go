package state

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/report"
)

func TestChooseSet(t *testing.T) {
	// 2026-11-23 is a Monday.
	mon := time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)
	assert.Equal(t, "", ChooseSet(job.Sets{Mode: job.SetsSingle}, nil, mon))
	for i, want := range []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Monday"} {
		assert.Equal(t, want, ChooseSet(job.Sets{Mode: job.SetsWeekday}, nil, mon.AddDate(0, 0, i)))
	}
	rot := job.Sets{Mode: job.SetsRotate, Count: 3}
	h := func(set string, outcome report.Outcome) HistoryEntry { return HistoryEntry{Set: set, Outcome: outcome} }
	assert.Equal(t, "set-01", ChooseSet(rot, nil, mon), "first run")
	assert.Equal(t, "set-02", ChooseSet(rot, []HistoryEntry{h("set-01", report.Success)}, mon))
	assert.Equal(t, "set-02", ChooseSet(rot, []HistoryEntry{h("set-01", report.Success), h("set-02", report.CopyFailed)}, mon), "a failed set is retried")
	assert.Equal(t, "set-01", ChooseSet(rot, []HistoryEntry{h("set-02", report.Success), h("set-03", report.Success)}, mon), "wraps around")
	assert.Equal(t, "set-01", ChooseSet(rot, []HistoryEntry{h("set-01", report.Timeout)}, mon), "no good run yet")
}

func TestMarkerWritten(t *testing.T) {
	dest := t.TempDir()
	rep := &report.Report{Job: "fs", RunID: "r1", Set: "Monday", Outcome: report.Success}
	require.NoError(t, WriteMarker(rep, dest))
	b, err := os.ReadFile(filepath.Join(dest, "Monday", MarkerName))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"run_id": "r1"`)
	if filepath.Separator == '/' {
		// A Windows destination is not a path here: refused, never written to an odd relative path.
		assert.Error(t, WriteMarker(rep, `\\nas01\backups\fs`))
	}
}

// Probing the lock (vssmirror sets) while a run starts never makes the run
// see the job as locked.
func TestRunningProbeNeverBlocksALock(t *testing.T) {
	dir := t.TempDir()
	l, err := Lock(dir, "fs")
	require.NoError(t, err)
	require.NoError(t, l.Unlock())
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				Running(dir, "fs")
			}
		}
	}()
	for i := 0; i < 50; i++ {
		l, err := Lock(dir, "fs")
		require.NoError(t, err, "attempt %d", i)
		assert.True(t, Running(dir, "fs"))
		require.NoError(t, l.Unlock())
	}
	close(stop)
	<-done
}

// While a run holds the lock, the set it recorded is "in progress", not the
// set of the last finished run.
func TestSetInProgressIsTheOneBeingWritten(t *testing.T) {
	dir := t.TempDir()
	j := &job.Job{Name: "fs", Destination: `\\nas\b`, Sets: job.Sets{Mode: job.SetsRotate, Count: 2}}
	rep := &report.Report{Job: "fs", RunID: "r1", Set: "set-01", Outcome: report.Success}
	require.NoError(t, AppendHistory(dir, rep))
	require.NoError(t, WriteCurrent(dir, "fs", "set-02"))
	sets, err := ListSets(j, dir, true)
	require.NoError(t, err)
	assert.Equal(t, SetInProgress, sets[1].State)
	assert.NotEqual(t, SetInProgress, sets[0].State)
	sets, err = ListSets(j, dir, false)
	require.NoError(t, err)
	assert.NotEqual(t, SetInProgress, sets[1].State, "no run holds the lock: nothing is in progress")
	require.NoError(t, os.WriteFile(currentPath(dir, "fs"), []byte("..\\evil\n"), 0o600))
	_, ok := ReadCurrent(dir, "fs")
	assert.False(t, ok, "not a set name")
	require.NoError(t, ClearCurrent(dir, "fs"))
	_, ok = ReadCurrent(dir, "fs")
	assert.False(t, ok)
}
