package runner

import (
	"fmt"
	"os"
	"strings"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/notify"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// AfterRunOptions say what to do once a run has ended.
type AfterRunOptions struct {
	StateDir string // where Run wrote the history; "" = DefaultStateDir()
	PromFile string // Prometheus text file; "" = none
	Getenv   func(string) string
}

// AfterRun sends the status mail when due, writes the metrics file (the
// last success read from the history Run appended to) and the Windows
// event. None of it can change the
// backup's outcome: failures come back as warnings (and mail failures are
// also noted in the report).
func AfterRun(rep *report.Report, j *job.Job, o AfterRunOptions) []error {
	if o.StateDir == "" {
		o.StateDir = DefaultStateDir()
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	var warnings []error
	if notify.ShouldMail(j.Notify.Email, rep.Outcome) {
		if err := notify.Mail(rep, j.Notify.Email, o.Getenv); err != nil {
			warnings = append(warnings, err)
			rep.Notes = append(rep.Notes, err.Error())
		} else {
			rep.Notes = append(rep.Notes, "status mail sent to "+strings.Join(j.Notify.Email.To, ", "))
		}
	}
	if o.PromFile != "" {
		history, _, err := state.ReadHistory(o.StateDir, rep.Job)
		if err == nil {
			err = notify.WriteProm(o.PromFile, rep, history)
		}
		if err != nil {
			warnings = append(warnings, fmt.Errorf("writing metrics: %w", err))
		}
	}
	if err := notify.LogEvent(rep); err != nil {
		warnings = append(warnings, fmt.Errorf("writing the event log: %w", err))
	}
	return warnings
}
