package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/restore"
	"github.com/vssmirror/vssmirror/runner/verify"
)

// Exit codes of vssmirror besides the run outcomes, whose codes (10-16,
// and 4 for a tampered state file) are owned by report.Outcome. This table
// and exitStatusHelp are the contract documented in --help and the README.
const (
	exitOK        = 0 // success
	exitLintWarn  = 1 // lint --strict: warnings only
	exitUsage     = 2 // bad command line or invalid job file
	exitLintError = 3 // lint found errors
	exitFailure   = report.ExitFailure
	exitDamaged   = 18 // verify: the set does not match its manifest (or has none)
)

// exitStatusHelp is the EXIT STATUS section of --help.
func exitStatusHelp() string {
	var b strings.Builder
	b.WriteString("EXIT STATUS:\n")
	fmt.Fprintf(&b, "   0   success (run: event ID %d)\n", report.Success.EventID())
	fmt.Fprintf(&b, "   %d   lint --strict found warnings (and no errors); guard: the deletion guard refused (exit %d)\n", exitLintWarn, robocmd.GuardRefusedExit)
	fmt.Fprintf(&b, "   %d   usage error (unknown command or flag), or the job file is invalid (every problem is listed); restore: refused (unsafe or impossible target, set or path); verify: a --set the job does not have\n", exitUsage)
	fmt.Fprintf(&b, "   %d   lint found errors\n", exitLintError)
	fmt.Fprintf(&b, "   %d   %s (run: event ID %d)\n", exitFailure, report.Failed.Meaning(), report.Failed.EventID())
	for _, o := range report.Outcomes() {
		if o.ExitCode() >= 10 {
			fmt.Fprintf(&b, "   %d  run: %s (event ID %d)\n", o.ExitCode(), o.Meaning(), o.EventID())
		}
	}
	fmt.Fprintf(&b, "   %d  restore: robocopy did not copy everything (see the restore's log); run: also when the set's story (_vssmirror) could not be written\n", report.CopyFailed.ExitCode())
	fmt.Fprintf(&b, "   %d  verify: the backup set does not match its manifest (missing, extra, size, time or hash), or its manifest is missing or not valid\n", exitDamaged)
	return strings.TrimRight(b.String(), "\n")
}

// usageError is a problem with the command line itself.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitError carries an explicit exit code out of an action (lint uses it).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// exitCode maps an error returned by the app to the process exit code and
// prints it. It is the only place that decides exit codes.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "vssmirror:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "vssmirror:", err)
	var re *runner.Error
	if errors.As(err, &re) {
		return re.Outcome.ExitCode()
	}
	var ue *usageError
	switch {
	case errors.As(err, &ue), errors.Is(err, job.ErrInvalid), errors.Is(err, restore.ErrRefused), errors.Is(err, verify.ErrBadSet):
		return exitUsage
	default:
		return exitFailure
	}
}
