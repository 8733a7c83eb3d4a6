package runner

import (
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var pruneNow = time.Date(2026, 11, 22, 4, 34, 30, 0, time.UTC)

// mkRun makes a run folder started daysAgo days before pruneNow, with a
// file in it, and returns its name.
func mkRun(t *testing.T, dir string, daysAgo float64, suffix string) string {
	t.Helper()
	start := pruneNow.Add(-time.Duration(daysAgo * 24 * float64(time.Hour)))
	name := start.Format("20060102T150405Z") + "-" + suffix
	require.NoError(t, os.MkdirAll(filepath.Join(dir, name, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name, "sub", "fs-robocopy-1.log"), []byte("log"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name, "fs.dsh"), []byte("exit\r\n"), 0o644))
	return name
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func bases(paths []string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, filepath.Base(p))
	}
	sort.Strings(out)
	return out
}

func TestPruneNeedsBothLimitsExceeded(t *testing.T) {
	dir := t.TempDir()
	var runs []string // oldest first
	for i := 40; i >= 1; i-- {
		runs = append(runs, mkRun(t, dir, float64(i), "0000aa"))
	}
	current := mkRun(t, dir, 0, "c0ffee")

	// 41 runs: the newest 30 (current included) are kept by count; of the
	// other 11 (40 to 30 days old) all are older than 14 days.
	removed, err := Prune(filepath.Join(dir), "fs", 30, 14, pruneNow, current)
	require.NoError(t, err)
	assert.Equal(t, runs[:11], bases(removed))
	assert.Len(t, names(t, dir), 30)
	assert.Contains(t, names(t, dir), current)

	// Count exceeded but too young: with keep_days 60 nothing goes.
	removed, err = Prune(dir, "fs", 5, 60, pruneNow, current)
	require.NoError(t, err)
	assert.Empty(t, removed)

	// Old enough but within the count: nothing goes.
	removed, err = Prune(dir, "fs", 100, 0, pruneNow, current)
	require.NoError(t, err)
	assert.Empty(t, removed)

	// Exactly 14 days old is not older than 14 days.
	dir2 := t.TempDir()
	edge := mkRun(t, dir2, 14, "000001")
	old := mkRun(t, dir2, 14.01, "000002")
	removed, err = Prune(dir2, "fs", 0, 14, pruneNow, "")
	require.NoError(t, err)
	assert.Equal(t, []string{old}, bases(removed))
	assert.Equal(t, []string{edge}, names(t, dir2))
}

func TestPruneNeverRemovesCurrent(t *testing.T) {
	dir := t.TempDir()
	// The running run looks old (a clock that jumped), and the limits are 0.
	current := mkRun(t, dir, 100, "abcdef")
	other := mkRun(t, dir, 99, "abcdee")
	removed, err := Prune(dir, "fs", 0, 0, pruneNow, filepath.Join(dir, current))
	require.NoError(t, err)
	assert.Equal(t, []string{other}, bases(removed))
	assert.Equal(t, []string{current}, names(t, dir))
	// A run from the future (clock skew) is younger than any limit.
	future := mkRun(t, dir, -2, "fff000")
	removed, err = Prune(dir, "fs", 0, 0, pruneNow, current)
	require.NoError(t, err)
	assert.Empty(t, removed)
	assert.Equal(t, []string{current, future}, names(t, dir))
}

func TestPruneLeavesForeignEntries(t *testing.T) {
	dir := t.TempDir()
	mkRun(t, dir, 50, "aaaaaa")
	foreign := []string{
		"notes.txt",                   // a file
		"archive",                     // a folder not named like a run
		"20251001T000000Z-ABCDEF",     // upper-case hex: not a run ID vssmirror makes
		"20251001T000000Z-abcdef.bak", // a suffix
		"x20251001T000000Z-abcdef",    // a prefix
		"cleanup-20251001T000000Z-abcdef",
		"20251399T000000Z-abcdef", // not a date
	}
	for _, n := range foreign[2:] {
		require.NoError(t, os.Mkdir(filepath.Join(dir, n), 0o755))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "archive"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644))
	// A file named like a run ID: vssmirror only makes folders.
	fileRun := "20251001T000000Z-bbbbbb"
	require.NoError(t, os.WriteFile(filepath.Join(dir, fileRun), []byte("x"), 0o644))

	removed, err := Prune(dir, "fs", 0, 0, pruneNow, "")
	require.NoError(t, err)
	assert.Len(t, removed, 1)
	want := append(append([]string{}, foreign...), fileRun)
	sort.Strings(want)
	assert.Equal(t, want, names(t, dir))
}

// TestPruneNeverFollowsLinks: a link inside a run folder is removed, its
// target is not; a link named like a run ID is not a run folder and stays.
func TestPruneNeverFollowsLinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need a privilege on Windows")
	}
	dir := t.TempDir()
	outside := t.TempDir()
	precious := filepath.Join(outside, "data", "precious.txt")
	require.NoError(t, os.MkdirAll(filepath.Dir(precious), 0o755))
	require.NoError(t, os.WriteFile(precious, []byte("keep me"), 0o644))

	run := mkRun(t, dir, 30, "aaaaaa")
	require.NoError(t, os.Symlink(filepath.Join(outside, "data"), filepath.Join(dir, run, "link-to-dir")))
	require.NoError(t, os.Symlink(precious, filepath.Join(dir, run, "sub", "link-to-file")))
	linkRun := "20250101T000000Z-cccccc"
	require.NoError(t, os.Symlink(filepath.Join(outside, "data"), filepath.Join(dir, linkRun)))

	removed, err := Prune(dir, "fs", 0, 0, pruneNow, "")
	require.NoError(t, err)
	assert.Equal(t, []string{run}, bases(removed))
	assert.Equal(t, []string{linkRun}, names(t, dir))
	b, err := os.ReadFile(precious)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(b))

	// runsDir itself being a link is fine: it is what the caller named.
	outerLink := filepath.Join(t.TempDir(), "runs")
	require.NoError(t, os.Symlink(dir, outerLink))
	mkRun(t, dir, 30, "dddddd")
	removed, err = Prune(outerLink, "fs", 0, 0, pruneNow, "")
	require.NoError(t, err)
	assert.Len(t, removed, 1)
	_, err = os.Stat(precious)
	assert.NoError(t, err)
}

func TestPruneMissingDir(t *testing.T) {
	removed, err := Prune(filepath.Join(t.TempDir(), "runs"), "fs", 30, 14, pruneNow, "")
	assert.NoError(t, err)
	assert.Empty(t, removed)
	f := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(f, nil, 0o644))
	_, err = Prune(f, "fs", 30, 14, pruneNow, "")
	assert.Error(t, err)
}

func TestPruneLogs(t *testing.T) {
	dir := t.TempDir()
	touch := func(name string, daysAgo int) {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte("x"), 0o644))
		mt := pruneNow.Add(-time.Duration(daysAgo) * 24 * time.Hour)
		require.NoError(t, os.Chtimes(p, mt, mt))
	}
	// The current sources' logs, written by the last run.
	touch("fs-robocopy-1.log", 1)
	touch("fs-guard-1.log", 1)
	touch("fs-source-1.lst", 1)
	// Logs of sources since removed from the job.
	touch("fs-robocopy-2.log", 40)
	touch("FS-source-2.lst", 40)
	touch("fs-guard-12.log", 41)
	// Not ours: another job, other names, an old file of ours that is not a log.
	touch("other-robocopy-1.log", 90)
	touch("fs-robocopy-1.log.txt", 90)
	touch("fs-robocopy-x.log", 90)
	touch("fs.dsh", 90)
	touch("readme.txt", 90)
	require.NoError(t, os.Mkdir(filepath.Join(dir, "fs-robocopy-3.log"), 0o755))
	if runtime.GOOS != "windows" {
		require.NoError(t, os.Symlink(filepath.Join(dir, "readme.txt"), filepath.Join(dir, "fs-robocopy-4.log")))
	}

	removed, err := PruneLogs(dir, "fs", 3, 14, pruneNow)
	require.NoError(t, err)
	assert.Equal(t, []string{"FS-source-2.lst", "fs-guard-12.log", "fs-robocopy-2.log"}, bases(removed))
	left := names(t, dir)
	for _, n := range []string{"fs-robocopy-1.log", "fs-guard-1.log", "fs-source-1.lst", "other-robocopy-1.log", "fs-robocopy-1.log.txt", "fs-robocopy-x.log", "fs.dsh", "readme.txt", "fs-robocopy-3.log"} {
		assert.Contains(t, left, n)
	}
	if runtime.GOOS != "windows" {
		assert.Contains(t, left, "fs-robocopy-4.log")
	}

	// Both limits: the count keeps the newest 5 even when old.
	removed, err = PruneLogs(dir, "other", 5, 0, pruneNow)
	require.NoError(t, err)
	assert.Empty(t, removed)
	removed, err = PruneLogs(dir, "other", 0, 0, pruneNow)
	require.NoError(t, err)
	assert.Equal(t, []string{"other-robocopy-1.log"}, bases(removed))

	removed, err = PruneLogs(filepath.Join(dir, "missing"), "fs", 0, 0, pruneNow)
	assert.NoError(t, err)
	assert.Empty(t, removed)
}

// A scripts folder shared by two jobs: each prunes only its own runs.
func TestPruneLeavesOtherJobsRuns(t *testing.T) {
	dir := t.TempDir()
	mine := mkRun(t, dir, 40, "0000aa")
	other := mkRun(t, dir, 40, "0000bb")
	require.NoError(t, os.Remove(filepath.Join(dir, other, "fs.dsh")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, other, "other.dsh"), nil, 0o644))
	removed, err := Prune(dir, "fs", 0, 0, pruneNow, "")
	require.NoError(t, err)
	assert.Equal(t, []string{mine}, bases(removed))
	assert.DirExists(t, filepath.Join(dir, other))
}
