package runner

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/report"
)

// twoPhaseEnv is the hook test job (pre and post hooks) with a clock the
// test moves.
func twoPhaseEnv(t *testing.T, fail string) (*env, *time.Time) {
	t.Helper()
	e := hookEnv(t, fail, "", "")
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	return e, &now
}

func (e *env) at(now *time.Time) Options {
	o := e.opts()
	o.Now = func() time.Time { return *now }
	return o
}

func TestSnapshotStartHoldsStopDeletesExactlyThose(t *testing.T) {
	e, now := twoPhaseEnv(t, "")
	e.foreign()
	rep, err := SnapshotStart(context.Background(), e.at(now), 2*time.Hour)
	require.NoError(t, err, e.console.String())
	assert.Equal(t, report.Success, rep.Outcome)
	require.NotNil(t, rep.HoldUntil)
	assert.Equal(t, now.Add(2*time.Hour), *rep.HoldUntil)
	require.Len(t, rep.Shadows, 2)
	assert.Equal(t, "S:", rep.Shadows[0].ExposedAs)
	assert.Len(t, e.shadows(), 3, "both shadows are kept, exposed, beside the foreign one")
	assert.NotContains(t, e.console.String(), "/fs.cmd", "nothing is copied")
	assert.Equal(t, map[string]int{"pre_snapshot": 1, "post_snapshot": 1}, e.hookRuns())
	assert.Empty(t, rep.Sources)
	for _, j := range e.journal() {
		require.NotNil(t, j.HoldUntil)
	}
	assert.Len(t, e.journal(), 2)
	assert.Contains(t, rep.Scripts[0], "fs-start.dsh")

	held, err := SnapshotStatus(e.at(now))
	require.NoError(t, err)
	require.Len(t, held, 2)
	assert.False(t, held[0].Expired)
	assert.Equal(t, "S:", held[0].ExposedAs)

	// A run refuses while the snapshot is held (the lock's exit code).
	*now = now.Add(time.Hour)
	rep, err = Run(context.Background(), e.at(now))
	require.ErrorIs(t, err, ErrHeld)
	assert.Equal(t, report.Locked, rep.Outcome)
	assert.Equal(t, 13, rep.ExitCode)
	assert.Len(t, e.shadows(), 3, "nothing was touched")

	// cleanup leaves a live hold alone.
	rep, err = Cleanup(context.Background(), e.at(now))
	require.NoError(t, err)
	assert.Contains(t, strings.Join(rep.Notes, "\n"), "held snapshot(s) left alone")
	assert.Len(t, e.shadows(), 3)

	rep, err = SnapshotStop(context.Background(), e.at(now))
	require.NoError(t, err, e.console.String())
	assert.Len(t, rep.Cleanup.Deleted, 2)
	left := e.shadows()
	require.Len(t, left, 1)
	assert.Equal(t, "{99999999-9999-9999-9999-999999999999}", left[0].ID, "stop deletes only the held shadows, by ID")
	assert.Empty(t, e.journal())
	held, err = SnapshotStatus(e.at(now))
	require.NoError(t, err)
	assert.Empty(t, held)
}

func TestHeldSnapshotExpiresAndForceRelease(t *testing.T) {
	e, now := twoPhaseEnv(t, "")
	_, err := SnapshotStart(context.Background(), e.at(now), time.Hour)
	require.NoError(t, err, e.console.String())

	// --force-release deletes a live hold before the run.
	o := e.at(now)
	o.ForceRelease = true
	rep, err := Run(context.Background(), o)
	require.NoError(t, err, e.console.String())
	assert.Equal(t, report.Success, rep.Outcome)
	assert.Len(t, rep.Cleanup.Deleted, 2)
	assert.Empty(t, e.shadows())

	// After the deadline a run deletes the expired hold itself.
	_, err = SnapshotStart(context.Background(), e.at(now), time.Hour)
	require.NoError(t, err)
	*now = now.Add(61 * time.Minute)
	held, err := SnapshotStatus(e.at(now))
	require.NoError(t, err)
	require.Len(t, held, 2)
	assert.True(t, held[0].Expired)
	rep, err = Run(context.Background(), e.at(now))
	require.NoError(t, err, e.console.String())
	assert.Len(t, rep.Cleanup.Deleted, 2, "the expired hold was deleted first")
	assert.Empty(t, e.shadows())

	// ... and so does cleanup.
	_, err = SnapshotStart(context.Background(), e.at(now), time.Hour)
	require.NoError(t, err)
	*now = now.Add(2 * time.Hour)
	rep, err = Cleanup(context.Background(), e.at(now))
	require.NoError(t, err)
	assert.Len(t, rep.Cleanup.Deleted, 2)
	assert.Empty(t, e.shadows())
	assert.Empty(t, e.journal())
}

func TestSnapshotStartFailureHoldsNothing(t *testing.T) {
	for _, fail := range []string{"crash:expose", "create:80042302"} {
		t.Run(fail, func(t *testing.T) {
			e, now := twoPhaseEnv(t, fail)
			rep, err := SnapshotStart(context.Background(), e.at(now), time.Hour)
			require.Error(t, err)
			assert.Equal(t, report.SnapshotFailed, rep.Outcome)
			assert.Nil(t, rep.HoldUntil)
			assert.Empty(t, e.shadows(), "what was created is deleted")
			assert.Empty(t, e.journal())
			assert.Equal(t, 1, e.hookRuns()["post_snapshot"], "the resume promise holds for start too")
			assert.Equal(t, report.HookByVssmirror, hookOf(rep, job.HookPost).RanBy)
		})
	}
}

func TestSnapshotStartRefusesFullBackupAndBadHold(t *testing.T) {
	e, now := twoPhaseEnv(t, "")
	_, err := SnapshotStart(context.Background(), e.at(now), time.Second)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--hold 1s is out of range")
	e = hookEnv(t, "", "", "  backup_type: full\n", "sets: weekday\n")
	rep, err := SnapshotStart(context.Background(), e.at(now), time.Hour)
	require.Error(t, err)
	assert.Equal(t, report.PreflightFailed, rep.Outcome)
	assert.Contains(t, err.Error(), "a two-phase snapshot is a copy snapshot")
	assert.Empty(t, e.shadows())
}

func TestSnapshotStartRefusesWhileHeld(t *testing.T) {
	e, now := twoPhaseEnv(t, "")
	_, err := SnapshotStart(context.Background(), e.at(now), time.Hour)
	require.NoError(t, err)
	o := e.at(now)
	o.ForceRelease = true // ignored: a held snapshot is ended by stop
	rep, err := SnapshotStart(context.Background(), o, time.Hour)
	require.ErrorIs(t, err, ErrHeld)
	assert.Equal(t, report.Locked, rep.Outcome)
	assert.NotContains(t, err.Error(), "--force-release")
	assert.Len(t, e.shadows(), 2, "the held snapshot is untouched")
}
