// Package runner runs a job's diskshadow script and reports what happened:
// reading diskshadow and robocopy logs into one report (ReadLogs), and, for
// `vssmirror run`, preflight, the lock, the shadow journal and cleanup.
package runner
