//go:build !windows

package runner

// LogEvent is a no-op off Windows: there is no Windows Event Log.
func LogEvent(*Report) error { return nil }
