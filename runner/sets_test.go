package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/job"
)

func TestChooseSet(t *testing.T) {
	// 2026-11-23 is a Monday.
	mon := time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)
	assert.Equal(t, "", ChooseSet(job.Sets{Mode: job.SetsSingle}, nil, mon))
	for i, want := range []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Monday"} {
		assert.Equal(t, want, ChooseSet(job.Sets{Mode: job.SetsWeekday}, nil, mon.AddDate(0, 0, i)))
	}
	rot := job.Sets{Mode: job.SetsRotate, Count: 3}
	h := func(set, outcome string) HistoryEntry { return HistoryEntry{Set: set, Outcome: outcome} }
	assert.Equal(t, "set-01", ChooseSet(rot, nil, mon), "first run")
	assert.Equal(t, "set-02", ChooseSet(rot, []HistoryEntry{h("set-01", OutcomeSuccess)}, mon))
	assert.Equal(t, "set-02", ChooseSet(rot, []HistoryEntry{h("set-01", OutcomeSuccess), h("set-02", OutcomeCopyPartial)}, mon), "a failed set is retried")
	assert.Equal(t, "set-01", ChooseSet(rot, []HistoryEntry{h("set-02", OutcomeSuccess), h("set-03", OutcomeSuccess)}, mon), "wraps around")
	assert.Equal(t, "set-01", ChooseSet(rot, []HistoryEntry{h("set-01", OutcomeTimeout)}, mon), "no good run yet")
}

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
	require.NoError(t, Record(rep, e.stateDir, ""))
	assert.Contains(t, rep.Sources[0].Dest, `\backups\fs\set-01\D\Shares`)

	t.Setenv("FAKEDSH_FAIL", "exec:8")
	rep, err = Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, "set-02", rep.Set)
	require.NoError(t, Record(rep, e.stateDir, ""))

	t.Setenv("FAKEDSH_FAIL", "")
	rep, err = Run(context.Background(), e.opts())
	require.NoError(t, err)
	assert.Equal(t, "set-02", rep.Set, "the failed set is written again; set-01 stays the good copy")
	require.NoError(t, Record(rep, e.stateDir, ""))

	sets, err := ListSets(j, e.stateDir)
	require.NoError(t, err)
	require.Len(t, sets, 3)
	require.NotNil(t, sets[0].LastGood)
	require.NotNil(t, sets[1].LastGood)
	assert.Nil(t, sets[2].LastGood)
	assert.True(t, strings.HasSuffix(sets[2].Folder, `\set-03`))
}

func TestMarkerWritten(t *testing.T) {
	dest := t.TempDir()
	rep := &Report{Job: "fs", RunID: "r1", Set: "Monday", Outcome: OutcomeSuccess}
	require.NoError(t, writeMarker(rep, dest))
	b, err := os.ReadFile(filepath.Join(dest, "Monday", MarkerName))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"run_id": "r1"`)
	if filepath.Separator == '/' {
		// A Windows destination is not a path here: refused, never written to an odd relative path.
		assert.Error(t, writeMarker(rep, `\\nas01\backups\fs`))
	}
}
