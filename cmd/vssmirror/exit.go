package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/vssmirror/vssmirror/job"
)

// Exit codes of vssmirror. This table is the contract documented in --help
// and in the README; codes 10-19 are reserved for `vssmirror run`.
const (
	exitOK          = 0 // success
	exitLintWarn    = 1 // lint --strict: warnings only
	exitUsage       = 2 // bad command line or invalid job file
	exitLintError   = 3 // lint found errors
	exitFailure     = 4 // could not read or write a file, or an internal error
	exitInterrupted = 130
)

const exitStatusHelp = `EXIT STATUS:
   0   success
   1   lint --strict found warnings (and no errors)
   2   usage error, or the job file is invalid (every problem is listed)
   3   lint found errors
   4   a file could not be read or written, or an internal error
   10-19  reserved for the outcomes of "vssmirror run"`

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
	var ue *usageError
	switch {
	case errors.As(err, &ue), errors.Is(err, job.ErrInvalid):
		return exitUsage
	default:
		return exitFailure
	}
}
