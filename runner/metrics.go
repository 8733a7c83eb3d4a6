package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/job"
)

// HistoryEntry is one line of the job's JSON-lines run history.
type HistoryEntry struct {
	RunID         string    `json:"run_id"`
	Set           string    `json:"set,omitempty"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	Outcome       string    `json:"outcome"`
	ExitCode      int       `json:"exit_code"`
	BytesCopied   int64     `json:"bytes_copied"`
	FilesCopied   int64     `json:"files_copied"`
	FilesFailed   int64     `json:"files_failed"`
	ShadowsLeaked int       `json:"shadows_leaked"`
}

// outcomes lists every run outcome, for the one-hot outcome metric.
var outcomes = []string{OutcomeSuccess, OutcomeCopyPartial, OutcomeSnapshotFailed, OutcomePreflightFailed, OutcomeLocked, OutcomeCleanupFailed, OutcomeTimeout, OutcomeInterrupted}

func historyEntry(rep *Report) HistoryEntry {
	h := HistoryEntry{RunID: rep.RunID, Set: rep.Set, Start: rep.Start, End: rep.End, Outcome: rep.Outcome, ExitCode: rep.ExitCode, ShadowsLeaked: len(rep.Cleanup.Leaked)}
	for _, s := range rep.Sources {
		h.BytesCopied += s.Bytes.Copied
		h.FilesCopied += s.Files.Copied
		h.FilesFailed += s.Files.Failed
	}
	return h
}

// HistoryPath is the job's run history in stateDir.
func HistoryPath(stateDir, jobName string) string {
	return filepath.Join(stateDir, jobName+".history.jsonl")
}

// Record appends the run to the job's history in stateDir and, when
// promFile is set, rewrites that Prometheus text file (for
// windows_exporter's textfile collector) atomically.
func Record(rep *Report, stateDir, promFile string) error {
	h := historyEntry(rep)
	line, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return err
	}
	path := HistoryPath(stateDir, rep.Job)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("run history: %w", err)
	}
	_, werr := f.Write(append(line, '\n'))
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("run history %s: %w", path, err)
	}
	if promFile == "" {
		return nil
	}
	lastSuccess, err := lastSuccess(stateDir, rep.Job)
	if err != nil {
		return err
	}
	return writeFileSync(promFile, []byte(PromText(h, rep.Job, lastSuccess)))
}

// lastSuccess returns the end of the last successful run in the history.
func lastSuccess(stateDir, jobName string) (time.Time, error) {
	history, err := ReadHistory(stateDir, jobName)
	var last time.Time
	for _, h := range history {
		if h.Outcome == OutcomeSuccess && h.End.After(last) {
			last = h.End
		}
	}
	return last, err
}

// PromText renders the metrics of one run in the Prometheus text format.
func PromText(h HistoryEntry, jobName string, lastSuccess time.Time) string {
	var b strings.Builder
	label := fmt.Sprintf(`job=%q`, jobName)
	metric := func(name, help, typ string, value float64, extra string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
		fmt.Fprintf(&b, "%s{%s%s} %g\n", name, label, extra, value)
	}
	metric("vssmirror_last_run_timestamp_seconds", "End of the last run, Unix time.", "gauge", float64(h.End.Unix()), "")
	ls := 0.0
	if !lastSuccess.IsZero() {
		ls = float64(lastSuccess.Unix())
	}
	metric("vssmirror_last_success_timestamp_seconds", "End of the last fully successful run, Unix time (0: none).", "gauge", ls, "")
	metric("vssmirror_last_run_duration_seconds", "Duration of the last run.", "gauge", h.End.Sub(h.Start).Seconds(), "")
	metric("vssmirror_last_run_bytes_copied", "Bytes robocopy copied in the last run.", "gauge", float64(h.BytesCopied), "")
	metric("vssmirror_last_run_files_failed", "Files robocopy could not copy in the last run.", "gauge", float64(h.FilesFailed), "")
	metric("vssmirror_shadows_leaked", "Shadow copies the last run could not delete.", "gauge", float64(h.ShadowsLeaked), "")
	metric("vssmirror_last_run_exit_code", "Exit code of the last run.", "gauge", float64(h.ExitCode), "")
	fmt.Fprintf(&b, "# HELP vssmirror_last_run_outcome Outcome of the last run: 1 for the outcome it had.\n# TYPE vssmirror_last_run_outcome gauge\n")
	sorted := append([]string(nil), outcomes...)
	sort.Strings(sorted)
	for _, o := range sorted {
		v := 0
		if o == h.Outcome {
			v = 1
		}
		fmt.Fprintf(&b, "vssmirror_last_run_outcome{%s,outcome=%q} %d\n", label, o, v)
	}
	return b.String()
}

// AfterRunOptions say what to do once a run has ended.
type AfterRunOptions struct {
	StateDir string // run history; "" = DefaultStateDir()
	PromFile string // Prometheus text file; "" = none
	Getenv   func(string) string
}

// AfterRun sends the status mail when due, appends the run to the history,
// writes the metrics file and the Windows event. None of it can change the
// backup's outcome: failures come back as warnings (and mail failures are
// also noted in the report).
func AfterRun(rep *Report, j *job.Job, o AfterRunOptions) []error {
	if o.StateDir == "" {
		o.StateDir = DefaultStateDir()
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	var warnings []error
	if ShouldMail(j.Notify.Email, rep.Outcome) {
		if err := Mail(rep, j.Notify.Email, o.Getenv); err != nil {
			warnings = append(warnings, err)
			rep.Notes = append(rep.Notes, err.Error())
		} else {
			rep.Notes = append(rep.Notes, "status mail sent to "+strings.Join(j.Notify.Email.To, ", "))
		}
	}
	if err := Record(rep, o.StateDir, o.PromFile); err != nil {
		warnings = append(warnings, fmt.Errorf("recording metrics: %w", err))
	}
	if err := LogEvent(rep); err != nil {
		warnings = append(warnings, fmt.Errorf("writing the event log: %w", err))
	}
	return warnings
}
