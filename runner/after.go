package runner

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/history"
	"github.com/vssmirror/vssmirror/runner/notify"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// AfterRunOptions say what to do once a run has ended.
type AfterRunOptions struct {
	StateDir string // where Run wrote the history; "" = DefaultStateDir()
	PromFile string // Prometheus text file; "" = none
	// HTMLFile is the job's history page, rewritten after the run
	// (history.Refresh); "" = none. Its run links need ScriptsDir, the
	// folder the run's folder is in ("" = the job's scripts_dir).
	HTMLFile   string
	ScriptsDir string
	Getenv     func(string) string
}

// AfterRun sends the status mail when due, writes the metrics file (the
// last success read from the history Run appended to) and the Windows
// event, leaves the report in the run folder (report.RunDirFile) and
// rewrites the history page when asked. None of it can change the
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
	// The report stays beside the scripts and logs it describes, for the
	// history page to link to.
	if rep.RunDir != "" {
		if err := report.WriteFile(filepath.Join(rep.RunDir, report.RunDirFile), rep); err != nil {
			warnings = append(warnings, fmt.Errorf("writing the report into the run folder: %w", err))
		}
	}
	if o.HTMLFile != "" {
		err := history.Refresh(history.Options{Job: rep.Job, StateDir: o.StateDir, ScriptsDir: cmp.Or(o.ScriptsDir, j.ScriptsDir)},
			history.PageOptions{File: o.HTMLFile, Host: rep.Host, Now: rep.End})
		if err != nil {
			warnings = append(warnings, err)
		}
	}
	return warnings
}

// AfterCleanup rewrites the metrics file (o.PromFile) after vssmirror
// cleanup or snapshot stop (notify.WriteCleanupProm): the last run's
// series stay, and vssmirror_shadows_leaked becomes the number of shadows
// still left, so the leaked-shadows alert clears once cleanup deleted
// them. A cleanup that never reached the journal (preflight failed, the
// job locked) knows nothing new and leaves the file as it is. Failures
// come back as warnings.
func AfterCleanup(rep *report.Report, o AfterRunOptions) []error {
	if o.PromFile == "" {
		return nil
	}
	if rep.Outcome != report.Success && rep.Outcome != report.CleanupFailed {
		return []error{fmt.Errorf("metrics file %s left as it was: the cleanup ended %s before it read the journal", o.PromFile, rep.Outcome)}
	}
	if o.StateDir == "" {
		o.StateDir = DefaultStateDir()
	}
	history, _, err := state.ReadHistory(o.StateDir, rep.Job)
	if err == nil {
		err = notify.WriteCleanupProm(o.PromFile, rep.Job, len(rep.Cleanup.Leaked), history)
	}
	if err != nil {
		return []error{fmt.Errorf("writing metrics: %w", err)}
	}
	return nil
}
