package hashcheck

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

func TestCompare(t *testing.T) {
	files := map[string]string{"a.txt": "a", "sub/b.db": "bbbb", "sub/c.log": "c", "d": ""}
	tests := []struct {
		name     string
		dest     map[string]string
		mismatch []string
		missing  []string
	}{
		{"identical", files, []string{}, []string{}},
		{"a lost write", map[string]string{"a.txt": "a", "sub/b.db": "bbbX", "sub/c.log": "c", "d": ""}, []string{filepath.FromSlash("sub/b.db")}, []string{}},
		{"a missing file", map[string]string{"a.txt": "a", "sub/b.db": "bbbb", "d": ""}, []string{}, []string{filepath.FromSlash("sub/c.log")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Compare(Options{Snapshot: tree(t, files), Dest: tree(t, tt.dest), Sample: 10})
			require.NoError(t, err)
			assert.Equal(t, 4, res.Compared, "a sample larger than the folder takes every file")
			assert.Equal(t, tt.mismatch, res.Mismatched)
			assert.Equal(t, tt.missing, res.Missing)
			assert.Equal(t, len(tt.mismatch)+len(tt.missing) == 0, res.OK)
		})
	}
}

func TestSampleSizeAndMismatchFound(t *testing.T) {
	files := map[string]string{}
	for i := range 50 {
		files[filepath.Join("d", string(rune('a'+i%26))+string(rune('a'+i/26)))] = "x"
	}
	snap := tree(t, files)
	dest := tree(t, files)
	bad := filepath.Join(dest, "d", "aa")
	require.NoError(t, os.WriteFile(bad, []byte("y"), 0o644))
	rng := rand.New(rand.NewPCG(1, 2))
	found := 0
	for range 100 {
		res, err := Compare(Options{Snapshot: snap, Dest: dest, Sample: 5, Rand: rng})
		require.NoError(t, err)
		assert.Equal(t, 5, res.Compared, "exactly the sample size")
		found += len(res.Mismatched)
	}
	// Each run picks the damaged file with probability 5/50: over 100
	// seeded runs it is found about 10 times, never in every run.
	assert.Greater(t, found, 0)
	assert.Less(t, found, 100)
}

func TestUnreadableSnapshotIsAnError(t *testing.T) {
	_, err := Compare(Options{Snapshot: filepath.Join(t.TempDir(), "missing"), Dest: t.TempDir(), Sample: 3})
	require.Error(t, err)
}

// TestCopiedFilesAlwaysCompared: the files robocopy reported as copied
// (read from its log, last job only, extras left out, at most max) are
// compared even with no random sample.
func TestCopiedFilesAlwaysCompared(t *testing.T) {
	files := map[string]string{"a.txt": "a", "sub/b.db": "bbbb", "c.log": "c"}
	snap := tree(t, files)
	dest := tree(t, map[string]string{"a.txt": "a", "sub/b.db": "bbbX", "c.log": "c"})
	job := func(lines string) string {
		return "-------------------------------------------------------------------------------\r\n   ROBOCOPY     ::     Robust File Copy for Windows\r\n" +
			"-------------------------------------------------------------------------------\r\n\r\n   Source : S:\\Data\\\r\n     Dest : E:\\b\\\r\n\r\n" +
			"------------------------------------------------------------------------------\r\n\r\n" + lines +
			"\r\n------------------------------------------------------------------------------\r\n\r\n" +
			"               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n" +
			"   Files :         1         1         0         0         0         0\r\n"
	}
	log := filepath.Join(t.TempDir(), "r.log")
	older := job("\t                   1\tS:\\Data\\\r\n\t    New File  \t\t       1\tc.log\r\n")
	last := job("\t                   1\tS:\\Data\\\r\n\t    Newer     \t\t       1\ta.txt\r\n\t  New Dir          1\tS:\\Data\\sub\\\r\n\t    New File  \t\t       4\tb.db\r\n\t    *EXTRA File \t\t       5\tgone.txt\r\n")
	require.NoError(t, os.WriteFile(log, []byte(older+last), 0o644))
	copied, err := CopiedFromLog(log, `S:\Data`, 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"a.txt", filepath.FromSlash("sub/b.db")}, copied, "the last job's copies, no extras")
	capped, err := CopiedFromLog(log, `S:\Data\`, 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"a.txt"}, capped)
	res, err := Compare(Options{Snapshot: snap, Dest: dest, Sample: 0, Copied: copied})
	require.NoError(t, err)
	assert.Equal(t, 2, res.Compared)
	assert.Equal(t, []string{filepath.FromSlash("sub/b.db")}, res.Mismatched)
}

// A copy log is input: a path that climbs out of the source folder is not
// one robocopy wrote, and is refused rather than hashed (review A).
func TestCopiedFromLogRefusesPathsLeavingTheFolder(t *testing.T) {
	log := filepath.Join(t.TempDir(), "r.log")
	body := "-------------------------------------------------------------------------------\r\n   ROBOCOPY     ::     Robust File Copy for Windows\r\n" +
		"-------------------------------------------------------------------------------\r\n\r\n   Source : S:\\Data\\\r\n     Dest : E:\\b\\\r\n\r\n" +
		"------------------------------------------------------------------------------\r\n\r\n" +
		"\t                   1\tS:\\Data\\..\\..\\Windows\\\r\n\t    New File  \t\t       1\tnotepad.exe\r\n" +
		"\r\n------------------------------------------------------------------------------\r\n\r\n" +
		"               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n" +
		"   Files :         1         1         0         0         0         0\r\n"
	require.NoError(t, os.WriteFile(log, []byte(body), 0o644))
	_, err := CopiedFromLog(log, `S:\Data`, 10)
	assert.ErrorContains(t, err, "not a path under")
}

// BenchmarkCompare: one pass over a folder of 10,000 files sampling 20
// (the walk dominates; memory stays bounded by the sample).
func BenchmarkCompare(b *testing.B) {
	dir := b.TempDir()
	for i := range 10000 {
		p := filepath.Join(dir, fmt.Sprintf("d%02d", i%100), fmt.Sprintf("f%05d.dat", i))
		if i < 100 {
			require.NoError(b, os.MkdirAll(filepath.Dir(p), 0o755))
		}
		require.NoError(b, os.WriteFile(p, []byte("0123456789abcdef"), 0o644))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := Compare(Options{Snapshot: dir, Dest: dir, Sample: 20})
		if err != nil || res.Compared != 20 {
			b.Fatal(err, res.Compared)
		}
	}
}

// Check: the result is written and summed up; a differing copy is
// ErrDiffers, an unreadable snapshot an error recorded in the result.
func TestCheck(t *testing.T) {
	snap := tree(t, map[string]string{"a.txt": "a", "b.txt": "b"})
	dest := tree(t, map[string]string{"a.txt": "a", "b.txt": "B"})
	result := filepath.Join(t.TempDir(), "hashes.json")
	var out strings.Builder
	res, err := Check(Options{Snapshot: snap, Dest: dest, Sample: 10}, "", 0, result, &out)
	require.ErrorIs(t, err, ErrDiffers)
	assert.Equal(t, []string{"b.txt"}, res.Mismatched)
	assert.Contains(t, out.String(), "2 compared, 1 differ, 0 missing")
	assert.Contains(t, out.String(), "not equal: b.txt")
	assert.FileExists(t, result)

	same := tree(t, map[string]string{"a.txt": "a", "b.txt": "b"})
	_, err = Check(Options{Snapshot: snap, Dest: same, Sample: 10}, "", 0, "", &out)
	assert.NoError(t, err)

	res, err = Check(Options{Snapshot: filepath.Join(snap, "none"), Dest: same, Sample: 10}, "", 0, "", &out)
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrDiffers)
	assert.Equal(t, err.Error(), res.Message)
}
