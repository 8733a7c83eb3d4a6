package runner

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/state"
)

func TestSetsDecode(t *testing.T) {
	for in, want := range map[string]job.Sets{
		"sets: weekday\n":       {Mode: job.SetsWeekday},
		"sets: single\n":        {Mode: job.SetsSingle},
		"sets: {rotate: 7}\n":   {Mode: job.SetsRotate, Count: 7},
		"sets:\n  rotate: 16\n": {Mode: job.SetsRotate, Count: 16},
		"":                      {Mode: job.SetsSingle},
	} {
		j, err := job.Parse("job.yaml", []byte(testJob+in))
		require.NoError(t, err, in)
		assert.Equal(t, want, j.Sets, in)
	}
	for _, bad := range []string{"sets: daily\n", "sets: {rotate: 1}\n", "sets: {rotate: many}\n", "sets: {keep: 3}\n"} {
		_, err := job.Parse("job.yaml", []byte(testJob+bad))
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "sets: ", bad)
	}
	assert.Equal(t, []string{"set-01", "set-02", "set-03"}, job.Sets{Mode: job.SetsRotate, Count: 3}.Names())
}

func TestRunRotatesSetsAndRetriesAFailedOne(t *testing.T) {
	e := newEnv(t, "")
	j, err := job.Parse("job.yaml", []byte(testJob+"sets: {rotate: 3}\n"))
	require.NoError(t, err)
	e.job = j
	rep, err := Run(context.Background(), e.opts())
	require.NoError(t, err)
	assert.Equal(t, "set-01", rep.Set)
	assert.Contains(t, rep.Sources[0].Dest, `\backups\fs\set-01\D\Shares`)

	t.Setenv("FAKEDSH_FAIL", "exec:8")
	rep, err = Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, "set-02", rep.Set)

	t.Setenv("FAKEDSH_FAIL", "")
	rep, err = Run(context.Background(), e.opts())
	require.NoError(t, err)
	assert.Equal(t, "set-02", rep.Set, "the failed set is written again; set-01 stays the good copy")

	sets, err := state.ListSets(j, e.stateDir, false)
	require.NoError(t, err)
	require.Len(t, sets, 3)
	require.NotNil(t, sets[0].LastGood)
	require.NotNil(t, sets[1].LastGood)
	assert.Nil(t, sets[2].LastGood)
	assert.True(t, strings.HasSuffix(sets[2].Folder, `\set-03`))
}
