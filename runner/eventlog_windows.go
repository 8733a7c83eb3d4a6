//go:build windows

package runner

import (
	"strings"

	"golang.org/x/sys/windows/svc/eventlog"
)

// eventSource is the Windows Event Log source vssmirror writes under.
const eventSource = "vssmirror"

// LogEvent writes one event per run to the Application log under source
// vssmirror: information for success, warning when files were not copied,
// error otherwise. Registering the source needs an elevated process; a
// failure is returned for the caller to note, never changing the outcome.
func LogEvent(rep *Report) error {
	// Registering fails harmlessly when the source already exists.
	eventlog.InstallAsEventCreate(eventSource, eventlog.Error|eventlog.Warning|eventlog.Info)
	l, err := eventlog.Open(eventSource)
	if err != nil {
		return err
	}
	defer l.Close()
	var b strings.Builder
	rep.WriteSummary(&b)
	msg := strings.TrimSpace(b.String())
	switch rep.Outcome {
	case OutcomeSuccess:
		return l.Info(1, msg)
	case OutcomeCopyPartial:
		return l.Warning(2, msg)
	default:
		return l.Error(3, msg)
	}
}
