package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/robocmd"
)

// The exit codes and outcome names are a contract of runbooks and
// monitoring: this table is written out, not computed.
func TestOutcomeContract(t *testing.T) {
	want := map[Outcome]int{
		"success": 0, "failed": 4, "copy_failed": 10, "snapshot_failed": 11, "preflight_failed": 12,
		"locked": 13, "cleanup_failed": 14, "timeout": 15, "interrupted": 16, "verify_failed": 17,
	}
	require.Len(t, Outcomes(), len(want))
	for o, code := range want {
		assert.True(t, o.Known(), o)
		assert.Equal(t, code, o.ExitCode(), o)
		assert.Equal(t, uint32(100+code), o.EventID(), o)
		assert.NotEqual(t, "unknown outcome", o.Meaning())
	}
	assert.Equal(t, Info, Success.Severity())
	assert.Equal(t, Warning, CopyFailed.Severity())
	assert.Equal(t, Error, CleanupFailed.Severity())
	assert.False(t, Outcome("exploded").Known())
	assert.Equal(t, 4, Outcome("exploded").ExitCode())
	assert.LessOrEqual(t, Outcome("exploded").EventID(), uint32(1000))
}

func TestSourceOutcomes(t *testing.T) {
	assert.Equal(t, SourceOutcome("partial"), SourceOutcomeOf(robocmd.Partial))
	assert.True(t, SourceOutcomeOf(robocmd.Success).Copied())
	assert.False(t, SourceGuarded.Copied())
	assert.False(t, SourceNotRun.Copied())
	b, err := json.Marshal(SourceResult{Outcome: SourceGuarded})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"outcome":"guarded"`)
}

func TestSummaryAndFiles(t *testing.T) {
	r := &Report{Job: "fs", RunID: "r1", Outcome: CopyFailed, ExitCode: 10,
		Sources: []SourceResult{{Path: `D:\a`, Dest: `\\n\b`, Outcome: SourceOutcomeOf(robocmd.Partial), Errors: []robocmd.LogError{{Path: `S:\a\x.db`, Code: 32, Message: "in use"}}}}}
	var full, short bytes.Buffer
	require.NoError(t, r.WriteSummary(&full))
	require.NoError(t, r.WriteSummaryOnly(&short))
	assert.Contains(t, full.String(), `not copied: S:\a\x.db (error 32: in use)`)
	assert.NotContains(t, short.String(), "not copied")
	assert.Contains(t, short.String(), "COPY_FAILED (exit 10)")
}
