//go:build unix

package state

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nobody is a uid that is neither root nor the account running the tests.
const nobody = 65534

// needRoot skips a test that chowns to another account.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another account needs root")
	}
}

// TestCheckPrivateModes: a folder or a file that others may write is
// refused, naming the path, its mode and the chmod to run; read and execute
// bits, and group write (umask 002 accounts), are fine.
func TestCheckPrivateModes(t *testing.T) {
	for _, tc := range []struct {
		dir  bool
		mode os.FileMode
		ok   bool
	}{
		{true, 0o700, true},
		{true, 0o755, true},
		{true, 0o775, true},
		{true, 0o757, false},
		{true, 0o1777, false},
		{false, 0o600, true},
		{false, 0o644, true},
		{false, 0o755, true},
		{false, 0o664, true},
		{false, 0o646, false},
		{false, 0o666, false},
	} {
		t.Run(strconv.FormatBool(tc.dir)+"-"+tc.mode.String(), func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x")
			if tc.dir {
				require.NoError(t, os.Mkdir(p, 0o700))
			} else {
				require.NoError(t, os.WriteFile(p, nil, 0o600))
			}
			require.NoError(t, os.Chmod(p, tc.mode))
			err := CheckPrivate(p)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), p+" is writable by others (mode ")
			assert.Contains(t, err.Error(), "chmod o-w \""+p+"\"")
		})
	}
}

// TestCheckPrivateOwner: a folder or file owned by another account is
// refused even with mode 0700 (its owner can chmod it at any time); one
// owned by root passes.
func TestCheckPrivateOwner(t *testing.T) {
	needRoot(t)
	base := t.TempDir()
	dir := filepath.Join(base, "state")
	require.NoError(t, os.Mkdir(dir, 0o700))
	file := filepath.Join(base, "job.yaml")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	for _, p := range []string{dir, file} {
		require.NoError(t, CheckPrivate(p), "owned by root")
		require.NoError(t, os.Chown(p, nobody, nobody))
		err := CheckPrivate(p)
		require.Error(t, err, "owned by uid %d", nobody)
		assert.Contains(t, err.Error(), p+" is owned by uid 65534")
		assert.Contains(t, err.Error(), "neither root nor the account running vssmirror (uid 0")
		assert.Contains(t, err.Error(), "chown root \""+p+"\"")
		assert.NotContains(t, err.Error(), "writable by others", "only the owner is wrong")
	}
	// Both wrong: both are said.
	require.NoError(t, os.Chmod(file, 0o666))
	err := CheckPrivate(file)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is owned by uid 65534")
	assert.Contains(t, err.Error(), "is writable by others (mode -rw-rw-rw-)")
	// Back to root: passes again.
	require.NoError(t, os.Chown(dir, 0, 0))
	assert.NoError(t, CheckPrivate(dir))
}

// TestCheckPrivateLink: a link is judged by what it points to.
func TestCheckPrivateLink(t *testing.T) {
	base := t.TempDir()
	target := filepath.Join(base, "target")
	require.NoError(t, os.WriteFile(target, nil, 0o600))
	require.NoError(t, os.Chmod(target, 0o666))
	link := filepath.Join(base, "link")
	require.NoError(t, os.Symlink(target, link))
	assert.ErrorContains(t, CheckPrivate(link), "writable by others")
}

// TestCheckPrivateMissingUnix: what does not exist passes, also below a
// file (ENOTDIR).
func TestCheckPrivateMissingUnix(t *testing.T) {
	base := t.TempDir()
	assert.NoError(t, CheckPrivate(filepath.Join(base, "not", "yet")))
	file := filepath.Join(base, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	assert.NoError(t, CheckPrivate(filepath.Join(file, "below")))
}

// TestMkdirPrivateEveryLevel: every folder MkdirPrivate creates is 0700,
// whatever the umask; the existing parent is left as it is.
func TestMkdirPrivateEveryLevel(t *testing.T) {
	base := t.TempDir()
	require.NoError(t, os.Chmod(base, 0o755))
	old := syscall.Umask(0o277) // would take the owner's write and execute bits
	defer syscall.Umask(old)
	dir := filepath.Join(base, "a", "b", "c")
	require.NoError(t, MkdirPrivate(dir))
	for _, d := range []string{filepath.Join(base, "a"), filepath.Join(base, "a", "b"), dir} {
		fi, err := os.Stat(d)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), d)
		assert.NoError(t, CheckPrivate(d))
	}
	fi, err := os.Stat(base)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm(), "the existing parent is untouched")
	require.NoError(t, MkdirPrivate(dir), "an existing folder is fine")
}

// TestMkdirPrivateRace: a folder that appears between the look and the
// creation is judged, not trusted.
func TestMkdirPrivateRace(t *testing.T) {
	base := t.TempDir()
	open := filepath.Join(base, "open")
	require.NoError(t, os.Mkdir(open, 0o700))
	require.NoError(t, os.Chmod(open, 0o777))
	below := filepath.Join(open, "state")
	err := mkdirEach([]string{below, open}) // as if both were missing when looked at
	require.Error(t, err)
	assert.Contains(t, err.Error(), open+" is writable by others")
	assert.NoDirExists(t, below, "nothing is created in it")

	private := filepath.Join(base, "private")
	require.NoError(t, os.Mkdir(private, 0o700))
	require.NoError(t, mkdirEach([]string{filepath.Join(private, "state"), private}), "another run created it first")
	assert.DirExists(t, filepath.Join(private, "state"))
}

// TestLockCreatesPrivateFolders: the lock's state folder and its parents
// are private.
func TestLockCreatesPrivateFolders(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "programdata", "vssmirror", "state")
	l, err := Lock(dir, "fs")
	require.NoError(t, err)
	defer l.Unlock()
	for _, d := range []string{dir, filepath.Dir(dir), filepath.Dir(filepath.Dir(dir))} {
		assert.NoError(t, CheckPrivate(d))
		fi, err := os.Stat(d)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), d)
	}
	assert.NoError(t, CheckPrivate(filepath.Join(dir, "fs.lock")), "the lock file is private too")
}
