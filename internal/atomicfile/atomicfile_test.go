package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteFileReplaces(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "a.json")
	require.NoError(t, WriteFile(p, []byte("one"), 0o644))
	require.NoError(t, WriteFile(p, []byte("two"), 0o644))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "two", string(b))
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(p), ".*tmp*"))
	assert.Empty(t, left)
}

func TestCreateNewNeverReplaces(t *testing.T) {
	p := filepath.Join(t.TempDir(), "job.yaml")
	require.NoError(t, CreateNew(p, []byte("first"), 0o644))
	err := CreateNew(p, []byte("second"), 0o644)
	require.ErrorIs(t, err, os.ErrExist)
	b, _ := os.ReadFile(p)
	assert.Equal(t, "first", string(b))
}

func TestWriteAllRollsBackAFailedRename(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.dsh"), []byte("old a"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "c.dsh"), []byte("old c"), 0o644))
	calls := 0
	rename = func(from, to string) error {
		calls++
		if calls == 3 { // the third file's rename fails
			return errors.New("disk gone")
		}
		return os.Rename(from, to)
	}
	defer func() { rename = os.Rename }()
	err := WriteAll(dir, []File{{"a.dsh", []byte("new a")}, {"b.cmd", []byte("new b")}, {"c.dsh", []byte("new c")}}, 0o644)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disk gone")
	a, _ := os.ReadFile(filepath.Join(dir, "a.dsh"))
	c, _ := os.ReadFile(filepath.Join(dir, "c.dsh"))
	assert.Equal(t, "old a", string(a), "a replaced file is put back")
	assert.Equal(t, "old c", string(c))
	assert.NoFileExists(t, filepath.Join(dir, "b.cmd"), "a new file is removed again")
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 2, "no temporary or backup file is left")
}

func TestWriteAllRefusesADirectoryTargetBeforeWriting(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.dsh"), []byte("old a"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "b.cmd"), 0o755))
	err := WriteAll(dir, []File{{"a.dsh", []byte("new a")}, {"b.cmd", []byte("new b")}}, 0o644)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a regular file")
	a, _ := os.ReadFile(filepath.Join(dir, "a.dsh"))
	assert.Equal(t, "old a", string(a))
}

func TestWriteAllSuccess(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.dsh"), []byte("old"), 0o644))
	require.NoError(t, WriteAll(dir, []File{{"a.dsh", []byte("new a")}, {"b.cmd", []byte("new b")}}, 0o644))
	a, _ := os.ReadFile(filepath.Join(dir, "a.dsh"))
	assert.Equal(t, "new a", string(a))
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 2)
}

func TestCreateCommitAndAbort(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "sub", "m.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(target), 0o755))
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o644))

	p, err := Create(target, 0o644)
	require.NoError(t, err)
	_, err = p.Write([]byte("new"))
	require.NoError(t, err)
	got, _ := os.ReadFile(target)
	assert.Equal(t, "old", string(got), "the target keeps its content until Commit")
	require.NoError(t, p.Commit())
	p.Abort() // after Commit: nothing
	got, _ = os.ReadFile(target)
	assert.Equal(t, "new", string(got))

	p, err = Create(target, 0o644)
	require.NoError(t, err)
	p.Write([]byte("half"))
	p.Abort()
	got, _ = os.ReadFile(target)
	assert.Equal(t, "new", string(got), "an aborted write leaves the target alone")
	entries, _ := os.ReadDir(filepath.Dir(target))
	assert.Len(t, entries, 1, "no temporary file is left")
	assert.Error(t, p.Commit(), "Commit after Abort")
}
