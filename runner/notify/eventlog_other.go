//go:build !windows

package notify

import "github.com/vssmirror/vssmirror/runner/report"

// LogEvent is a no-op off Windows: there is no Windows Event Log.
func LogEvent(*report.Report) error { return nil }
