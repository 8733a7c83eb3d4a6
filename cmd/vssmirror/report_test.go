package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReportJSONSchema(t *testing.T) {
	code, stdout, stderr := vssm(t, "report", "--json", "--exit-code", "9", "../../testdata/robocopy/02_ru_cp866_mt32_error5_retries_retry_limit_extra.log")
	require.Equal(t, 0, code, stderr)
	var rep struct {
		Schema int `json:"schema"`
		Jobs   []map[string]json.RawMessage
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, 1, rep.Schema)
	require.Len(t, rep.Jobs, 1)
	for _, k := range []string{"source", "dest", "options", "started", "ended", "dirs", "files", "bytes", "errors", "errors_total", "outcome"} {
		assert.Contains(t, rep.Jobs[0], k)
	}
	var files map[string]int64
	require.NoError(t, json.Unmarshal(rep.Jobs[0]["files"], &files))
	assert.Equal(t, map[string]int64{"total": 180, "copied": 22, "skipped": 157, "mismatch": 0, "failed": 1, "extras": 4}, files)
	var errs []map[string]any
	require.NoError(t, json.Unmarshal(rep.Jobs[0]["errors"], &errs))
	require.Len(t, errs, 1)
	for _, k := range []string{"time", "code", "action", "path", "message"} {
		assert.Contains(t, errs[0], k)
	}
	assert.Equal(t, `"partial"`, string(rep.Jobs[0]["outcome"]))
}

func TestReportHumanAndDiskshadow(t *testing.T) {
	code, stdout, _ := vssm(t, "report", "../../testdata/robocopy/05_en_tee_error53_retries_retry_limit_exceeded.log", "../../testdata/diskshadow/com_call_InitializeForBackup_failed.log")
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, "outcome: FATAL")
	assert.Contains(t, stdout, `Accessing Destination Directory  \\falcon\rwg$\`)
	assert.Contains(t, stdout, "The network path was not found. (3 attempt(s), gave up after retries)")
	assert.Contains(t, stdout, `FAILED (com) at line 8 after "add volume c: alias temp"`)

	code, _, stderr := vssm(t, "report", "../../examples/fileserver/job.yaml")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "not a robocopy log")
}
