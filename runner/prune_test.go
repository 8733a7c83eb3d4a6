package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A run prunes run folders beyond the job's retention, never its own and
// never what vssmirror did not create.
func TestRunPrunesOldRunFolders(t *testing.T) {
	e := newEnv(t, "")
	e.job.Retention.KeepRuns, e.job.Retention.KeepDays = 2, 1
	runs := filepath.Join(e.scripts, "runs")
	old := time.Now().AddDate(0, 0, -30).UTC()
	var olds []string
	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("%s-00000%d", old.Add(time.Duration(i)*time.Hour).Format("20060102T150405Z"), i)
		require.NoError(t, os.MkdirAll(filepath.Join(runs, name), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(runs, name, "fs.dsh"), nil, 0o600))
		olds = append(olds, name)
	}
	require.NoError(t, os.MkdirAll(filepath.Join(runs, "keep-me"), 0o700))
	rep, err := Run(context.Background(), e.opts())
	require.NoError(t, err, e.console.String())
	assert.DirExists(t, rep.RunDir, "the running run is kept")
	assert.DirExists(t, filepath.Join(runs, "keep-me"), "not a run folder: left alone")
	assert.DirExists(t, filepath.Join(runs, olds[2]), "the newest old run is within keep_runs (2, this run included)")
	assert.NoDirExists(t, filepath.Join(runs, olds[0]))
	assert.NoDirExists(t, filepath.Join(runs, olds[1]))
	assert.Contains(t, fmt.Sprint(rep.Notes), "removed 2 old run folder(s)")
}
