package runner

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// localDestJob is testJob with a destination on this system (so the set's
// folder, its story and its marker are written).
func localDestJob(t *testing.T, e *env, extra string) string {
	dest := filepath.Join(t.TempDir(), "nas")
	require.NoError(t, os.MkdirAll(dest, 0o755))
	j, err := job.Parse("job.yaml", []byte(testJob+extra))
	require.NoError(t, err)
	j.Destination = dest // a POSIX path: what the job file refuses, as the test doubles use it
	e.job = j
	return dest
}

// A good run writes its report into <set>\_vssmirror before the good
// marker; the report there names the story.
func TestRunWritesTheReportIntoTheStoryBeforeTheMarker(t *testing.T) {
	e := newEnv(t, "")
	dest := localDestJob(t, e, "")
	rep, err := Run(context.Background(), e.opts())
	require.NoError(t, err, e.console.String())
	data, err := os.ReadFile(filepath.Join(dest, job.StoryDir, "report.json"))
	require.NoError(t, err)
	var got report.Report
	require.NoError(t, json.Unmarshal(data, &got))
	assert.Equal(t, rep.RunID, got.RunID)
	assert.Equal(t, report.Success, got.Outcome)
	require.NotNil(t, rep.Story)
	assert.Equal(t, filepath.Join(dest, job.StoryDir), rep.Story.Folder)
	rfi, _ := os.Stat(filepath.Join(dest, job.StoryDir, "report.json"))
	mfi, err := os.Stat(filepath.Join(dest, state.MarkerName))
	require.NoError(t, err)
	assert.False(t, mfi.ModTime().Before(rfi.ModTime()), "the good marker is written last")
}

// A story folder that cannot be written fails the run: no good marker.
func TestRunFailsWhenTheStoryCannotBeWritten(t *testing.T) {
	e := newEnv(t, "")
	dest := localDestJob(t, e, "")
	require.NoError(t, os.WriteFile(filepath.Join(dest, job.StoryDir), []byte("a file in the way"), 0o644))
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.CopyFailed, rep.Outcome)
	assert.NoFileExists(t, filepath.Join(dest, state.MarkerName))
	assert.Contains(t, rep.Errors[len(rep.Errors)-1].Message, "story folder")
}

// keep_deleted_days prunes the deleted\<date> folders older than N days at
// the end of a good run, and only those.
func TestRunPrunesOldDeletedFolders(t *testing.T) {
	e := newEnv(t, "")
	dest := localDestJob(t, e, "robocopy:\n  keep_deleted_days: 7\n")
	now := time.Now()
	old, recent := now.AddDate(0, 0, -8).Format("2006-01-02"), now.AddDate(0, 0, -6).Format("2006-01-02")
	for _, d := range []string{old, recent, "not-a-date"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dest, job.StoryDir, "deleted", d, "D", "Shares"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dest, job.StoryDir, "deleted", d, "D", "Shares", "x.txt"), []byte("x"), 0o644))
	}
	rep, err := Run(context.Background(), e.opts())
	require.NoError(t, err, e.console.String())
	assert.Equal(t, []string{old}, rep.Story.Pruned)
	assert.NoDirExists(t, filepath.Join(dest, job.StoryDir, "deleted", old))
	assert.DirExists(t, filepath.Join(dest, job.StoryDir, "deleted", recent))
	assert.DirExists(t, filepath.Join(dest, job.StoryDir, "deleted", "not-a-date"))
}
