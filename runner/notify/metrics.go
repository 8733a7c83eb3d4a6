package notify

import (
	"bytes"
	"sort"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/protobuf/proto"

	"github.com/vssmirror/vssmirror/internal/atomicfile"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// MetricNames lists every metric family PromText (and so WriteProm)
// writes, in the order it writes them: the names alerting rules and
// dashboards can rely on. A test checks that PromText writes exactly these.
var MetricNames = []string{
	"vssmirror_last_run_timestamp_seconds",
	"vssmirror_last_success_timestamp_seconds",
	"vssmirror_last_run_duration_seconds",
	"vssmirror_last_run_bytes_copied",
	"vssmirror_last_run_files_failed",
	"vssmirror_shadows_leaked",
	"vssmirror_last_run_exit_code",
	"vssmirror_last_run_outcome",
}

// PromText renders the metrics of one run in the Prometheus text format,
// with the Prometheus project's own encoder (expfmt).
func PromText(h state.HistoryEntry, jobName string, lastSuccess time.Time) ([]byte, error) {
	return encode(families(h, jobName, lastSuccess))
}

// leakedFamily is the index of vssmirror_shadows_leaked in MetricNames.
const leakedFamily = 5

func families(h state.HistoryEntry, jobName string, lastSuccess time.Time) []*dto.MetricFamily {
	jobLabel := &dto.LabelPair{Name: proto.String("job"), Value: proto.String(jobName)}
	gauge := func(name, help string, value float64) *dto.MetricFamily {
		return &dto.MetricFamily{Name: proto.String(name), Help: proto.String(help), Type: dto.MetricType_GAUGE.Enum(),
			Metric: []*dto.Metric{{Label: []*dto.LabelPair{jobLabel}, Gauge: &dto.Gauge{Value: proto.Float64(value)}}}}
	}
	ls := 0.0
	if !lastSuccess.IsZero() {
		ls = float64(lastSuccess.Unix())
	}
	families := []*dto.MetricFamily{
		gauge(MetricNames[0], "End of the last run, Unix time.", float64(h.End.Unix())),
		gauge(MetricNames[1], "End of the last fully successful run, Unix time (0: none).", ls),
		// Wall clock (Round(0)), as the history stores it: cleanup --prom
		// rebuilds the same figure from the history.
		gauge(MetricNames[2], "Duration of the last run.", h.End.Round(0).Sub(h.Start.Round(0)).Seconds()),
		gauge(MetricNames[3], "Bytes robocopy copied in the last run.", float64(h.BytesCopied)),
		gauge(MetricNames[4], "Files robocopy could not copy in the last run.", float64(h.FilesFailed)),
		gauge(MetricNames[5], "Shadow copies of this job left on the server: what the last run could not delete, or what cleanup --prom then left.", float64(h.ShadowsLeaked)),
		gauge(MetricNames[6], "Exit code of the last run.", float64(h.ExitCode)),
	}
	outcome := &dto.MetricFamily{Name: proto.String(MetricNames[7]), Help: proto.String("Outcome of the last run: 1 for the outcome it had."), Type: dto.MetricType_GAUGE.Enum()}
	names := report.Outcomes()
	sort.Slice(names, func(a, b int) bool { return names[a] < names[b] })
	for _, o := range names {
		v := 0.0
		if o == h.Outcome {
			v = 1
		}
		outcome.Metric = append(outcome.Metric, &dto.Metric{
			Label: []*dto.LabelPair{jobLabel, {Name: proto.String("outcome"), Value: proto.String(string(o))}},
			Gauge: &dto.Gauge{Value: proto.Float64(v)}})
	}
	return append(families, outcome)
}

func encode(families []*dto.MetricFamily) ([]byte, error) {
	var b bytes.Buffer
	for _, mf := range families {
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// WriteProm rewrites promFile atomically with the metrics of the run, the
// last success taken from the job's history.
func WriteProm(promFile string, rep *report.Report, history []state.HistoryEntry) error {
	text, err := PromText(state.EntryOf(rep), rep.Job, state.LastSuccess(history))
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(promFile, text, 0o644)
}

// WriteCleanupProm rewrites promFile after vssmirror cleanup (or snapshot
// stop) so that an alert on vssmirror_shadows_leaked clears: every series
// is the last run's, rebuilt from the job's history exactly as WriteProm
// wrote it, except vssmirror_shadows_leaked, which becomes leaked, the
// shadows cleanup could not delete. With no run in the history there is no
// last run to keep, and the file holds vssmirror_shadows_leaked alone.
func WriteCleanupProm(promFile, jobName string, leaked int, history []state.HistoryEntry) error {
	var fams []*dto.MetricFamily
	if len(history) == 0 {
		fams = families(state.HistoryEntry{ShadowsLeaked: leaked}, jobName, time.Time{})[leakedFamily : leakedFamily+1]
	} else {
		last := history[len(history)-1]
		last.ShadowsLeaked = leaked
		fams = families(last, jobName, state.LastSuccess(history))
	}
	text, err := encode(fams)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(promFile, text, 0o644)
}
