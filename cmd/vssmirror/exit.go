package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner"
)

// Exit codes of vssmirror. This table is the contract documented in --help
// and in the README; codes 10-19 are reserved for `vssmirror run`.
const (
	exitOK        = 0 // success
	exitLintWarn  = 1 // lint --strict: warnings only
	exitUsage     = 2 // bad command line or invalid job file
	exitLintError = 3 // lint found errors
	exitFailure   = 4 // could not read or write a file, or an internal error
	// Outcomes of run and cleanup.
	exitCopyFailed     = 10
	exitSnapshotFailed = 11
	exitPreflight      = 12
	exitLocked         = 13
	exitShadowsLeaked  = 14
	exitTimeout        = 15
	exitInterrupted    = 16
)

const exitStatusHelp = `EXIT STATUS:
   0   success
   1   lint --strict found warnings (and no errors)
   2   usage error, or the job file is invalid (every problem is listed)
   3   lint found errors
   4   a file could not be read or written, or an internal error
   10  run: the snapshot worked but files or sources were not copied
   11  run: the snapshot failed (VSS error, writer not included, shadow not created or exposed)
   12  run: a preflight check failed; nothing was snapshot
   13  run: another run of this job holds the lock
   14  run/cleanup: shadow copies this job created are left on the server (the report says which)
   15  run: timeout; diskshadow was stopped and its shadows deleted
   16  run: interrupted; diskshadow was stopped and its shadows deleted`

// runExitCode maps a run outcome to its exit code.
func runExitCode(outcome string) int {
	switch outcome {
	case runner.OutcomeSuccess:
		return exitOK
	case runner.OutcomeCopyPartial:
		return exitCopyFailed
	case runner.OutcomeSnapshotFailed:
		return exitSnapshotFailed
	case runner.OutcomePreflightFailed:
		return exitPreflight
	case runner.OutcomeLocked:
		return exitLocked
	case runner.OutcomeCleanupFailed:
		return exitShadowsLeaked
	case runner.OutcomeTimeout:
		return exitTimeout
	case runner.OutcomeInterrupted:
		return exitInterrupted
	}
	return exitFailure
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
		return runExitCode(re.Outcome)
	}
	var ue *usageError
	switch {
	case errors.As(err, &ue), errors.Is(err, job.ErrInvalid):
		return exitUsage
	default:
		return exitFailure
	}
}
