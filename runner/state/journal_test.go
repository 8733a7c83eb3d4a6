package state

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const id1 = "{11111111-2222-3333-4444-555555555555}"

func TestJournalRecordCompletesEntries(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir, "fs")
	require.NoError(t, err)
	require.NoError(t, j.Record(JournalEntry{ID: id1, RunID: "r"}))
	require.NoError(t, j.Record(JournalEntry{ID: id1, SetID: id1, Volume: `D:\`, Alias: "vssm_d", ExposedAs: "S:", RunID: "r"}))
	j2, err := OpenJournal(dir, "fs")
	require.NoError(t, err)
	require.Len(t, j2.Entries, 1)
	e := j2.Entries[0]
	assert.Equal(t, []string{id1, `D:\`, "vssm_d", "S:"}, []string{e.SetID, e.Volume, e.Alias, e.ExposedAs})
}

func TestJournalRefusesBadEntriesButKeepsGoodOnes(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir, "fs")
	require.NoError(t, err)
	err = j.Record(JournalEntry{ID: id1 + "\r\nexec C:\\evil.cmd", RunID: "r"}, JournalEntry{ID: id1, RunID: "r"})
	require.Error(t, err)
	assert.Equal(t, []string{id1}, j.IDs())
}

// A failed write keeps the entries in memory; the next write includes them.
func TestJournalKeepsEntriesWhenAWriteFails(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir, "fs")
	require.NoError(t, err)
	require.NoError(t, os.Mkdir(JournalPath(dir, "fs"), 0o700)) // the rename target is a folder: writes fail
	require.NoError(t, os.WriteFile(JournalPath(dir, "fs")+"/x", nil, 0o600))
	require.Error(t, j.Record(JournalEntry{ID: id1, RunID: "r"}))
	id2 := "{22222222-2222-3333-4444-555555555555}"
	require.Error(t, j.Record(JournalEntry{ID: id2, RunID: "r"}))
	assert.Equal(t, []string{id1, id2}, j.IDs(), "both kept in memory")
	require.NoError(t, os.RemoveAll(JournalPath(dir, "fs")))
	require.NoError(t, j.Record(JournalEntry{ID: id2, ExposedAs: "S:", RunID: "r"}))
	j2, err := OpenJournal(dir, "fs")
	require.NoError(t, err)
	assert.Equal(t, []string{id1, id2}, j2.IDs())
}
