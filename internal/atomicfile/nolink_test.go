package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noLinks plays a file system without hard links (FAT, exFAT, an SMB share)
// for the rest of the test.
func noLinks(t *testing.T) {
	t.Helper()
	link = func(oldname, newname string) error {
		return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: syscall.EPERM}
	}
	t.Cleanup(func() { link = os.Link })
}

func TestCreateNewWithoutHardLinks(t *testing.T) {
	noLinks(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "job.yaml")
	require.NoError(t, CreateNew(p, []byte("first"), 0o600))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "first", string(b))
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the mode asked for, whatever the umask")
	}

	err = CreateNew(p, []byte("second"), 0o644)
	require.ErrorIs(t, err, os.ErrExist)
	b, _ = os.ReadFile(p)
	assert.Equal(t, "first", string(b), "an existing file is never replaced")
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary file is left")
}

func TestCreateNewWithoutHardLinksNeverReplacesAFileThatAppears(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "job.yaml")
	// The file appears between the check and the write, on a file system
	// without hard links.
	link = func(oldname, newname string) error {
		require.NoError(t, os.WriteFile(p, []byte("theirs"), 0o644))
		return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: syscall.EPERM}
	}
	t.Cleanup(func() { link = os.Link })
	err := CreateNew(p, []byte("ours"), 0o644)
	require.ErrorIs(t, err, os.ErrExist)
	b, _ := os.ReadFile(p)
	assert.Equal(t, "theirs", string(b))
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary file is left")
}

func TestCreateNewLinkSeesAFileThatAppears(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "job.yaml")
	link = func(oldname, newname string) error {
		require.NoError(t, os.WriteFile(p, []byte("theirs"), 0o644))
		return os.Link(oldname, newname)
	}
	t.Cleanup(func() { link = os.Link })
	err := CreateNew(p, []byte("ours"), 0o644)
	require.ErrorIs(t, err, os.ErrExist)
	b, _ := os.ReadFile(p)
	assert.Equal(t, "theirs", string(b))
}

func TestWriteAllWithoutHardLinks(t *testing.T) {
	noLinks(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.dsh"), []byte("old a"), 0o644))
	require.NoError(t, WriteAll(dir, []File{{"a.dsh", []byte("new a")}, {"b.cmd", []byte("new b")}}, 0o644))
	a, _ := os.ReadFile(filepath.Join(dir, "a.dsh"))
	assert.Equal(t, "new a", string(a))
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 2, "no temporary or backup file is left")
}

func TestWriteAllWithoutHardLinksRollsBackAFailedRename(t *testing.T) {
	noLinks(t)
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
	t.Cleanup(func() { rename = os.Rename })
	err := WriteAll(dir, []File{{"a.dsh", []byte("new a")}, {"b.cmd", []byte("new b")}, {"c.dsh", []byte("new c")}}, 0o644)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disk gone")
	assert.Contains(t, err.Error(), "the folder was left as it was")
	a, _ := os.ReadFile(filepath.Join(dir, "a.dsh"))
	c, _ := os.ReadFile(filepath.Join(dir, "c.dsh"))
	assert.Equal(t, "old a", string(a), "a replaced file is put back from its copy")
	assert.Equal(t, "old c", string(c))
	assert.NoFileExists(t, filepath.Join(dir, "b.cmd"), "a new file is removed again")
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 2, "no temporary or backup file is left")
}

func TestWriteAllReportsAFailedRestore(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.dsh"), []byte("old a"), 0o644))
	backup := filepath.Join(dir, "a.dsh.vssmirror-old")
	rename = func(from, to string) error {
		switch {
		case from == backup:
			return errors.New("restore refused")
		case filepath.Base(to) == "b.cmd":
			return errors.New("disk gone")
		}
		return os.Rename(from, to)
	}
	t.Cleanup(func() { rename = os.Rename })
	err := WriteAll(dir, []File{{"a.dsh", []byte("new a")}, {"b.cmd", []byte("new b")}}, 0o644)
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "disk gone")
	assert.Contains(t, msg, "restore refused")
	assert.Contains(t, msg, backup, "the error says where the previous version is")
	assert.NotContains(t, msg, "left as it was")
	kept, rerr := os.ReadFile(backup)
	require.NoError(t, rerr, "the only copy of the previous version is not removed")
	assert.Equal(t, "old a", string(kept))
}
