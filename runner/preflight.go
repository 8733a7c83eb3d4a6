package runner

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/report"
)

// PreflightError is returned when a check fails; nothing was snapshot.
type PreflightError struct {
	Check report.Check
}

func (e *PreflightError) Error() string {
	return fmt.Sprintf("preflight %s: %s", e.Check.Name, e.Check.Message)
}

// resolveDiskshadow finds the diskshadow executable: --diskshadow or
// VSSMIRROR_DISKSHADOW, else diskshadow.exe in System32 on Windows.
func resolveDiskshadow(given string) report.Check {
	c := report.Check{Name: "diskshadow"}
	if given == "" {
		given = os.Getenv("VSSMIRROR_DISKSHADOW")
	}
	if given == "" {
		if runtime.GOOS != "windows" {
			c.Message = "vssmirror run needs Windows Server: diskshadow.exe exists only there (give --diskshadow PATH to run a test double)"
			return c
		}
		given = defaultDiskshadow()
		if _, err := os.Stat(given); err != nil {
			c.Message = fmt.Sprintf("%s not found: diskshadow ships with Windows Server only, not with client Windows", given)
			return c
		}
	}
	p, err := exec.LookPath(given)
	if err != nil {
		c.Message = fmt.Sprintf("diskshadow %q not found or not executable: %v", given, err)
		return c
	}
	abs, _ := filepath.Abs(p)
	c.OK, c.Message = true, abs
	return c
}

// windowsChecks are the preflight checks that run only on Windows.
var windowsChecks = []string{"windows-server", "elevated", "expose-letters-free", "sources-exist", "destination-writable", "hooks-exist", "eseutil"}

// SkippableChecks are the preflight checks --skip-check may name.
var SkippableChecks = append([]string{"folders-private"}, windowsChecks...)

// preflight runs the checks that need no lock, in order, and returns them
// all; the first failure is also returned as a *PreflightError.
func preflight(j *job.Job, opts Options, letters []string) ([]report.Check, string, error) {
	var checks []report.Check
	skip := opts.SkipChecks
	ds := resolveDiskshadow(opts.Diskshadow)
	checks = append(checks, ds)
	if !ds.OK {
		return checks, "", &PreflightError{ds}
	}
	add := func(c report.Check) error {
		for _, sk := range skip {
			if sk == c.Name {
				c = report.Check{Name: c.Name, Skipped: true, Message: "skipped by --skip-check (would have said: " + c.Message + ")"}
			}
		}
		checks = append(checks, c)
		if !c.OK && !c.Skipped {
			return &PreflightError{c}
		}
		return nil
	}
	arch := report.Check{Name: "64-bit", OK: runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64", Message: runtime.GOARCH}
	if !arch.OK {
		arch.Message = "this vssmirror is a " + runtime.GOARCH + " build; VSS under WOW64 is unsupported: use the amd64 or arm64 build"
	}
	if err := add(arch); err != nil {
		return checks, ds.Message, err
	}
	if err := add(foldersPrivate(opts)); err != nil {
		return checks, ds.Message, err
	}
	if !platformChecks {
		skip := "skipped: not Windows (running a diskshadow test double)"
		for _, n := range windowsChecks {
			checks = append(checks, report.Check{Name: n, Skipped: true, Message: skip})
		}
		return checks, ds.Message, nil
	}
	srv, err := isServer()
	if err := add(boolCheck("windows-server", srv, err, "Windows Server", "this is client Windows: diskshadow and this kind of backup need Windows Server")); err != nil {
		return checks, ds.Message, err
	}
	el, err := isElevated()
	if err := add(boolCheck("elevated", el, err, "elevated", "not elevated: run vssmirror from an elevated prompt or a scheduled task with highest privileges, as Administrator or Backup Operator")); err != nil {
		return checks, ds.Message, err
	}
	used, err := usedLetters()
	c := report.Check{Name: "expose-letters-free", Message: fmt.Sprint(err)}
	if err == nil {
		c = lettersFree(letters, used, journaledLetters(opts.StateDir, j.Name))
	}
	if err := add(c); err != nil {
		return checks, ds.Message, err
	}
	c = report.Check{Name: "sources-exist", OK: true, Message: "all sources exist"}
	for _, s := range j.Sources {
		if fi, err := os.Stat(s.Path); err != nil || !fi.IsDir() {
			c = report.Check{Name: "sources-exist", Message: fmt.Sprintf("source %s is missing or not a folder", s.Path)}
			break
		}
	}
	if err := add(c); err != nil {
		return checks, ds.Message, err
	}
	if err := add(destinationWritable(j.Destination)); err != nil {
		return checks, ds.Message, err
	}
	for _, c := range []report.Check{hooksExist(j), eseutilExists(j)} {
		if err := add(c); err != nil {
			return checks, ds.Message, err
		}
	}
	return checks, ds.Message, nil
}

func boolCheck(name string, ok bool, err error, okMsg, failMsg string) report.Check {
	if err != nil {
		return report.Check{Name: name, Message: err.Error()}
	}
	if ok {
		return report.Check{Name: name, OK: true, Message: okMsg}
	}
	return report.Check{Name: name, Message: failMsg}
}

// destinationWritable creates the destination if needed and writes and
// removes a probe file in it.
func destinationWritable(dest string) report.Check {
	c := report.Check{Name: "destination-writable"}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		c.Message = fmt.Sprintf("destination %s is not reachable: %v", dest, err)
		return c
	}
	f, err := os.CreateTemp(dest, ".vssmirror-probe-*")
	if err != nil {
		c.Message = fmt.Sprintf("destination %s is not writable: %v", dest, err)
		return c
	}
	name := f.Name()
	errs := errors.Join(f.Close(), os.Remove(name))
	if errs != nil {
		c.Message = fmt.Sprintf("destination %s: %v", dest, errs)
		return c
	}
	c.OK, c.Message = true, dest+" is writable"
	return c
}
