package notify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

func TestRecordHistoryAndProm(t *testing.T) {
	dir := t.TempDir()
	prom := filepath.Join(dir, "textfile", "vssmirror_fs.prom")
	start := time.Date(2026, 11, 21, 23, 30, 0, 0, time.UTC)
	ok := &report.Report{Job: "fs", RunID: "r1", Start: start, End: start.Add(90 * time.Second), Outcome: report.Success,
		Sources: []report.SourceResult{{Files: robocmd.Counts{Copied: 10}, Bytes: robocmd.Counts{Copied: 4096}}}}
	record := func(rep *report.Report) {
		require.NoError(t, state.AppendHistory(dir, rep))
		h, _, err := state.ReadHistory(dir, rep.Job)
		require.NoError(t, err)
		require.NoError(t, WriteProm(prom, rep, h))
	}
	record(ok)
	failed := &report.Report{Job: "fs", RunID: "r2", Start: start.Add(24 * time.Hour), End: start.Add(24*time.Hour + 30*time.Second), Outcome: report.CleanupFailed, ExitCode: 14,
		Sources: []report.SourceResult{{Files: robocmd.Counts{Copied: 1, Failed: 2}, Bytes: robocmd.Counts{Copied: 100}}},
		Cleanup: report.CleanupResult{Leaked: []string{"{a}"}}}
	record(failed)

	hist, err := os.ReadFile(state.HistoryPath(dir, "fs"))
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(hist), "\n"))

	f, err := os.Open(prom)
	require.NoError(t, err)
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(f)
	require.NoError(t, err, "the .prom file parses as Prometheus text format")
	get := func(name string) float64 {
		mf, ok := families[name]
		require.True(t, ok, name)
		require.Len(t, mf.Metric, 1)
		assert.Equal(t, "fs", mf.Metric[0].Label[0].GetValue())
		return mf.Metric[0].GetGauge().GetValue()
	}
	assert.Equal(t, float64(failed.End.Unix()), get("vssmirror_last_run_timestamp_seconds"))
	assert.Equal(t, float64(ok.End.Unix()), get("vssmirror_last_success_timestamp_seconds"), "from the history")
	assert.Equal(t, 30.0, get("vssmirror_last_run_duration_seconds"))
	assert.Equal(t, 100.0, get("vssmirror_last_run_bytes_copied"))
	assert.Equal(t, 2.0, get("vssmirror_last_run_files_failed"))
	assert.Equal(t, 1.0, get("vssmirror_shadows_leaked"))
	assert.Equal(t, 14.0, get("vssmirror_last_run_exit_code"))
	outcomes := families["vssmirror_last_run_outcome"]
	require.NotNil(t, outcomes)
	set := 0
	for _, m := range outcomes.Metric {
		if m.GetGauge().GetValue() == 1 {
			set++
			assert.Equal(t, "cleanup_failed", m.Label[1].GetValue())
		}
	}
	assert.Equal(t, 1, set)
	entries, _ := os.ReadDir(filepath.Dir(prom))
	assert.Len(t, entries, 1, "written atomically: no temporary file left")
}

// WriteCleanupProm keeps the last run's series and replaces only the
// leaked count; with no history the file holds the leaked count alone.
func TestWriteCleanupProm(t *testing.T) {
	dir := t.TempDir()
	prom := filepath.Join(dir, "vssmirror_fs.prom")
	start := time.Date(2026, 11, 21, 23, 30, 0, 0, time.UTC)
	failed := &report.Report{Job: "fs", RunID: "r2", Start: start, End: start.Add(30 * time.Second), Outcome: report.CleanupFailed, ExitCode: 14,
		Sources: []report.SourceResult{{Files: robocmd.Counts{Copied: 1, Failed: 2}, Bytes: robocmd.Counts{Copied: 100}}},
		Cleanup: report.CleanupResult{Leaked: []string{"{a}", "{b}"}}}
	require.NoError(t, state.AppendHistory(dir, failed))
	h, _, err := state.ReadHistory(dir, "fs")
	require.NoError(t, err)
	require.NoError(t, WriteProm(prom, failed, h))
	ran, err := os.ReadFile(prom)
	require.NoError(t, err)
	require.Contains(t, string(ran), `vssmirror_shadows_leaked{job="fs"} 2`)

	require.NoError(t, WriteCleanupProm(prom, "fs", 0, h))
	got, err := os.ReadFile(prom)
	require.NoError(t, err)
	assert.Equal(t, strings.Replace(string(ran), `vssmirror_shadows_leaked{job="fs"} 2`, `vssmirror_shadows_leaked{job="fs"} 0`, 1), string(got))

	require.NoError(t, WriteCleanupProm(prom, "fs", 1, nil))
	got, err = os.ReadFile(prom)
	require.NoError(t, err)
	assert.Equal(t, "# HELP vssmirror_shadows_leaked Shadow copies of this job left on the server: what the last run could not delete, or what cleanup --prom then left.\n# TYPE vssmirror_shadows_leaked gauge\nvssmirror_shadows_leaked{job=\"fs\"} 1\n", string(got))
}
