package notify

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// TestMetricNamesAreWhatPromTextWrites keeps MetricNames true: every
// family PromText writes is listed, and every listed name is written, for
// a successful run and a failed one.
func TestMetricNamesAreWhatPromTextWrites(t *testing.T) {
	start := time.Date(2026, 11, 21, 23, 30, 0, 0, time.UTC)
	for _, h := range []state.HistoryEntry{
		{Start: start, End: start.Add(time.Minute), Outcome: report.Success},
		{Start: start, End: start.Add(time.Minute), Outcome: report.CleanupFailed, ExitCode: report.CleanupFailed.ExitCode(), ShadowsLeaked: 1},
	} {
		for _, lastSuccess := range []time.Time{{}, start} {
			text, err := PromText(h, "fs", lastSuccess)
			require.NoError(t, err)
			parser := expfmt.NewTextParser(model.UTF8Validation)
			families, err := parser.TextToMetricFamilies(bytes.NewReader(text))
			require.NoError(t, err)
			var written []string
			for name := range families {
				written = append(written, name)
				assert.Contains(t, MetricNames, name, "PromText writes a family MetricNames does not list")
			}
			for _, name := range MetricNames {
				assert.Contains(t, written, name, "MetricNames lists a family PromText does not write")
			}
			assert.Len(t, written, len(MetricNames))
			assert.False(t, hasDuplicates(MetricNames), "MetricNames lists a name twice")
		}
	}
}

func hasDuplicates(names []string) bool {
	s := slices.Clone(names)
	slices.Sort(s)
	return len(slices.Compact(s)) != len(names)
}
