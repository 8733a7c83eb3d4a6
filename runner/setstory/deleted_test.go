package setstory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keepFixture is newFixture with keep_deleted_days and a /L /FP log
// listing an extra file and an extra folder of the set.
func keepFixture(t *testing.T) (*fixture, string, string) {
	f := newFixture(t, false)
	f.sp.KeepDeleted = 7
	put(t, f.plan, string(f.sp.JSON()))
	dest := f.sp.Sources[0].Dest
	put(t, filepath.Join(dest, "gone.txt"), "deleted at the source")
	put(t, filepath.Join(dest, "old", "x.txt"), "in a deleted folder")
	log := filepath.Join(f.runDir, "fs-guard-1.log")
	put(t, log, "   Source : S\\\r\n\t    New File  \t\t 5\t"+f.snap+"/new.txt\r\n"+
		"\t  *EXTRA File \t\t 21\t"+dest+"/gone.txt\r\n\t*EXTRA Dir   -1\t"+dest+"/old/\r\n\t  *EXTRA File \t\t 1\t"+dest+"/old/x.txt\r\n"+
		"\t  *EXTRA File \t\t 1\t"+dest+"/vanished.txt\r\n"+listSummary)
	return f, dest, log
}

// listSummary ends a /L pass's log that finished.
const listSummary = "------------------------------------------------------------------------------\r\n\r\n" +
	"               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n" +
	"    Dirs :         1         0         1         0         0         1\r\n" +
	"   Files :         1         1         0         0         0         3\r\n" +
	"   Bytes :         5         5         0         0         0        23\r\n"

func TestKeepDeleted(t *testing.T) {
	f, dest, log := keepFixture(t)
	var out strings.Builder
	res, err := KeepDeleted(f.plan, 1, log, f.runDir, time.Now(), &out)
	require.NoError(t, err)
	day := RunDate(f.runDir, time.Now())
	assert.Equal(t, time.Date(2026, 11, 20, 22, 30, 0, 0, time.UTC).Local().Format("2006-01-02"), day, "the run ID's date")
	kept := filepath.Join(f.setRoot, "_vssmirror", "deleted", day, "D_Shares")
	assert.FileExists(t, filepath.Join(kept, "gone.txt"))
	assert.FileExists(t, filepath.Join(kept, "old", "x.txt"))
	assert.NoFileExists(t, filepath.Join(dest, "gone.txt"))
	assert.NoDirExists(t, filepath.Join(dest, "old"))
	assert.Equal(t, 1, res.Files)
	assert.Equal(t, 1, res.Dirs)
	assert.Contains(t, out.String(), "kept 1 files and 1 folders")

	// The same day again: the name is taken, the new one gets ~2.
	put(t, filepath.Join(dest, "gone.txt"), "deleted again")
	_, err = KeepDeleted(f.plan, 1, log, f.runDir, time.Now(), &out)
	require.NoError(t, err)
	got, _ := os.ReadFile(filepath.Join(kept, "gone.txt~2"))
	assert.Equal(t, "deleted again", string(got))
}

// A move that fails fails the source (the copy script then does not
// mirror it): here the deleted folder cannot be created.
func TestKeepDeletedFailureIsAnError(t *testing.T) {
	f, _, log := keepFixture(t)
	require.NoError(t, os.MkdirAll(filepath.Join(f.setRoot, "_vssmirror"), 0o755))
	put(t, filepath.Join(f.setRoot, "_vssmirror", "deleted"), "a file in the way")
	_, err := KeepDeleted(f.plan, 1, log, f.runDir, time.Now(), &strings.Builder{})
	require.Error(t, err)
	_, err = KeepDeleted(f.plan, 9, log, f.runDir, time.Now(), &strings.Builder{})
	assert.ErrorContains(t, err, "no source 9")
}

// The /L log is input: a line naming a path under the destination that
// climbs out of it ('..') or names a stream (':') must not move a file
// from outside the set (review A). The source is then not mirrored.
func TestKeepDeletedRefusesPathsLeavingTheSet(t *testing.T) {
	for _, rel := range []string{"/../../../victim.txt", "/sub/../../../../victim.txt", "/./../../../victim.txt"} {
		t.Run(rel, func(t *testing.T) {
			f, dest, log := keepFixture(t)
			victim := filepath.Join(f.root, "victim.txt")
			put(t, victim, "not the set's")
			put(t, log, "   Source : S\\\r\n\t  *EXTRA File \t\t 13\t"+dest+rel+"\r\n"+listSummary)
			_, err := KeepDeleted(f.plan, 1, log, f.runDir, time.Now(), &strings.Builder{})
			assert.ErrorContains(t, err, "not a path under the set")
			assert.FileExists(t, victim, "a file outside the set was moved")
		})
	}
}

// A /L pass that did not finish (no summary: robocopy failed, the log was
// cut) does not say what /MIR would delete: nothing is kept and the
// source is refused, as the deletion guard refuses it (review A).
func TestKeepDeletedRefusesAnUnfinishedListing(t *testing.T) {
	f, dest, log := keepFixture(t)
	put(t, log, "\t  *EXTRA File \t\t 21\t"+dest+"/gone.txt\r\n")
	_, err := KeepDeleted(f.plan, 1, log, f.runDir, time.Now(), &strings.Builder{})
	assert.ErrorContains(t, err, "did not finish")
	assert.FileExists(t, filepath.Join(dest, "gone.txt"), "nothing moved")
}

// A link planted under _vssmirror\deleted (a junction on Windows) is not
// followed: the elevated process must not drop files where it points.
func TestKeepDeletedDoesNotFollowLinks(t *testing.T) {
	f, dest, log := keepFixture(t)
	day := RunDate(f.runDir, time.Now())
	elsewhere := t.TempDir()
	deleted := filepath.Join(f.setRoot, "_vssmirror", "deleted")
	require.NoError(t, os.MkdirAll(deleted, 0o755))
	require.NoError(t, os.Symlink(elsewhere, filepath.Join(deleted, day)))
	var out strings.Builder
	_, err := KeepDeleted(f.plan, 1, log, f.runDir, time.Now(), &out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "link or junction")
	entries, _ := os.ReadDir(elsewhere)
	assert.Empty(t, entries, "nothing moved through the link")
	assert.FileExists(t, filepath.Join(dest, "gone.txt"), "the file stays where it was")
}
