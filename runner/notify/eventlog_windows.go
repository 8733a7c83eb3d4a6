//go:build windows

package notify

import (
	"golang.org/x/sys/windows/svc/eventlog"

	"github.com/vssmirror/vssmirror/runner/report"
)

// eventSource is the Windows Event Log source vssmirror writes under.
const eventSource = "vssmirror"

// LogEvent writes one event per run to the Application log under source
// vssmirror, with the outcome's own event ID (report.Outcome.EventID):
// information for success, warning when files were not copied, error
// otherwise. The text is EventText: the summary first, cut to what one
// event holds. Registering the source needs an elevated process; a failure
// is returned for the caller to note, never changing the outcome.
func LogEvent(rep *report.Report) error {
	// Registering fails harmlessly when the source already exists.
	eventlog.InstallAsEventCreate(eventSource, eventlog.Error|eventlog.Warning|eventlog.Info)
	l, err := eventlog.Open(eventSource)
	if err != nil {
		return err
	}
	defer l.Close()
	msg := EventText(rep)
	id := rep.Outcome.EventID()
	switch rep.Outcome.Severity() {
	case report.Info:
		return l.Info(id, msg)
	case report.Warning:
		return l.Warning(id, msg)
	default:
		return l.Error(id, msg)
	}
}
