//go:build unix

package state

import (
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/runner/report"
)

// A named pipe where the history should be is refused, not opened (an
// open for reading would wait for a writer forever) (review B).
func TestReadHistoryRefusesANamedPipe(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, syscall.Mkfifo(HistoryPath(dir, "fs"), 0o600))
	_, _, err := ReadHistory(dir, "fs")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a regular file")
}

// Of a history larger than MaxHistorySize only the tail is read: the
// newest runs are there, the cut is said (review B).
func TestReadHistoryReadsTheTailOfAHugeFile(t *testing.T) {
	dir := t.TempDir()
	path := HistoryPath(dir, "fs")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(MaxHistorySize+(1<<20))) // sparse: no disk used
	_, err = f.WriteAt([]byte("\n"), MaxHistorySize+(1<<20))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	start := time.Date(2026, 11, 21, 23, 30, 0, 0, time.UTC)
	for i, id := range []string{"r1", "r2"} {
		require.NoError(t, AppendHistory(dir, &report.Report{Job: "fs", RunID: id, Start: start.Add(time.Duration(i) * time.Hour), End: start.Add(time.Duration(i)*time.Hour + time.Minute), Outcome: report.Success}))
	}
	fi, err := os.Stat(path)
	require.NoError(t, err)
	entries, _, cut, err := ReadHistoryTail(dir, "fs")
	require.NoError(t, err)
	assert.Equal(t, fi.Size()-MaxHistorySize, cut)
	require.Len(t, entries, 2)
	assert.Equal(t, "r2", entries[1].RunID)
}

// The journal is refused as corrupt, not opened, when it is a named pipe.
func TestOpenJournalRefusesANamedPipe(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, syscall.Mkfifo(JournalPath(dir, "fs"), 0o600))
	_, err := OpenJournal(dir, "fs")
	require.ErrorIs(t, err, ErrCorrupt)
	assert.Contains(t, err.Error(), "a named pipe")
}
