package runner

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/report"
)

// SNAPSHOT_SET_IN_PROGRESS after a good pre hook: a retry would run the
// whole .dsh again, quiescing the application a second time while it is
// still down (a second `net stop` fails, and the promise was then never
// kept). The run is not retried; the runner resumes the application once.
func TestNoRetryAfterThePreHookRan(t *testing.T) {
	e := hookEnv(t, "create:80042316:2", "", "")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.SnapshotFailed, rep.Outcome)
	assert.Equal(t, 1, rep.Diskshadow.Attempts)
	assert.Equal(t, map[string]int{"pre_snapshot": 1, "post_snapshot": 1}, e.hookRuns())
	assert.Equal(t, report.HookByVssmirror, hookOf(rep, job.HookPost).RanBy)
	assert.Contains(t, strings.Join(rep.Notes, "\n"), "not retried")
}

// A .cmd hook runs with call: a script that ends with `exit 0` (no /b)
// ends the wrapper itself, before it records the exit code and before
// the built-in checks after it; diskshadow goes on. The run must not be a
// success (review A, seen under wine: end backup ran, eseutil never did).
func TestHookThatEndsTheWrapperFailsTheRun(t *testing.T) {
	e := hookEnv(t, "", "verify:exit=0", "")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.VerifyFailed, rep.Outcome)
	h := hookOf(rep, job.HookVerify)
	assert.True(t, h.Ran)
	assert.Nil(t, h.ExitCode)
	var msgs []string
	for _, x := range rep.Errors {
		msgs = append(msgs, x.Message)
	}
	assert.Contains(t, strings.Join(msgs, "\n"), "exit /b")
}
