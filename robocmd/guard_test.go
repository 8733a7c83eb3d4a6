package robocmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeletionGuard(t *testing.T) {
	job := func(total, extras int64) *LogJob {
		return &LogJob{Summary: true, Files: Counts{Total: total, Extras: extras}}
	}
	tests := []struct {
		name              string
		j                 *LogJob
		percent, maxFiles int
		ok                bool
		msg               string
	}{
		{"nothing deleted", job(100, 0), 20, 0, true, "delete 0 of 100 files"},
		{"within percent", job(90, 10), 20, 0, true, "(10.0%)"},
		{"at the percent", job(80, 20), 20, 0, true, "(20.0%)"},
		{"above percent", job(20, 80), 20, 0, false, "refusing to mirror"},
		{"empty source", job(0, 500), 20, 0, false, "500 of 500 files (100.0%)"},
		{"above file limit", job(10000, 200), 20, 100, false, "raise guard.max_delete_files"},
		{"no summary", &LogJob{}, 20, 0, false, "did not finish"},
		{"nil", nil, 20, 0, false, "did not finish"},
	}
	for _, tt := range tests {
		v := DeletionGuard(tt.j, tt.percent, tt.maxFiles)
		assert.Equal(t, tt.ok, v.OK, tt.name)
		assert.True(t, strings.Contains(v.Message, tt.msg), "%s: %s", tt.name, v.Message)
	}
}

// A /L log that cannot be read, or is not a robocopy log, is refused.
func TestJudgeListLogRefusesWhatItCannotRead(t *testing.T) {
	dir := t.TempDir()
	v := JudgeListLog(filepath.Join(dir, "missing.log"), 20, 0)
	assert.False(t, v.OK)
	assert.Contains(t, v.Message, "cannot be read")
	bad := filepath.Join(dir, "bad.log")
	require.NoError(t, os.WriteFile(bad, []byte("not a log\n"), 0o600))
	assert.False(t, JudgeListLog(bad, 20, 0).OK)
}
