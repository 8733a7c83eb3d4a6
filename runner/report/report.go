package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/dshgen/output"
	"github.com/vssmirror/vssmirror/internal/atomicfile"
	"github.com/vssmirror/vssmirror/robocmd"
)

// Outcome is how a run (or a cleanup) ended. It is the one owner of the
// run's exit code, its Windows event ID and the outcome names in reports,
// history, metrics and mail.
type Outcome string

// The outcomes, one per exit class.
const (
	Success         Outcome = "success"
	CopyFailed      Outcome = "copy_failed"     // the snapshot worked, some files or sources were not copied
	SnapshotFailed  Outcome = "snapshot_failed" // VSS error, writer not (fully) included, shadow not created or exposed
	PreflightFailed Outcome = "preflight_failed"
	Locked          Outcome = "locked"         // another run of this job holds the lock
	CleanupFailed   Outcome = "cleanup_failed" // shadows this job created are left on the server
	Timeout         Outcome = "timeout"
	Interrupted     Outcome = "interrupted"
	VerifyFailed    Outcome = "verify_failed" // the copy finished but verification failed (hooks.verify, eseutil, hashes): no end backup
	Failed          Outcome = "failed"        // vssmirror's own files could not be read or trusted (a tampered journal), or an internal error; nothing was run
)

// outcomeTable holds each outcome's exit code and Windows event ID, in
// the order of the exit codes. Event IDs are 100 + the exit code: the
// Application log source is registered with EventCreate.exe as its message
// file, which has descriptions for IDs 1 to 1000 only.
type outcomeRow struct {
	o        Outcome
	exit     int
	eventID  uint32
	severity Severity
	meaning  string
}

var outcomeTable = []outcomeRow{
	{Success, 0, 100, Info, "success"},
	{CopyFailed, 10, 110, Warning, "the snapshot worked but files or sources were not copied (the report names them)"},
	{SnapshotFailed, 11, 111, Error, "the snapshot failed (VSS error, writer or component not included, shadow not created or exposed)"},
	{PreflightFailed, 12, 112, Error, "a preflight check failed; nothing was snapshot"},
	{Locked, 13, 113, Error, "another run of this job holds the lock"},
	{CleanupFailed, 14, 114, Error, "shadow copies this job created are left on the server (the report lists them)"},
	{Timeout, 15, 115, Error, "timeout; diskshadow was stopped and its shadows deleted"},
	{Interrupted, 16, 116, Error, "interrupted (Ctrl+C, service stop); diskshadow was stopped and its shadows deleted"},
	{VerifyFailed, 17, 117, Error, "verification failed (hooks.verify, eseutil or sample hashes): end backup did not run, the shadows were deleted"},
	{Failed, ExitFailure, 104, Error, "a file could not be read or written (a missing job file too), a state file is tampered or corrupt (run and cleanup then run nothing), or an internal error"},
}

// Outcomes lists every outcome in the order of their exit codes.
func Outcomes() []Outcome {
	out := make([]Outcome, len(outcomeTable))
	for i, e := range outcomeTable {
		out[i] = e.o
	}
	return out
}

// ExitFailure is the generic failure exit code: the outcome Failed, and
// any outcome vssmirror does not know.
const ExitFailure = 4

// row is the outcome's row of the table; an unknown outcome (a history
// line written by a newer version, say) gets Failed's, with its meaning.
func (o Outcome) row() (outcomeRow, bool) {
	for _, e := range outcomeTable {
		if e.o == o {
			return e, true
		}
	}
	for _, e := range outcomeTable {
		if e.o == Failed {
			e.meaning = "unknown outcome"
			return e, false
		}
	}
	panic("report: Failed is missing from the outcome table")
}

// ExitCode is the process exit code of the outcome (ExitFailure when unknown).
func (o Outcome) ExitCode() int { r, _ := o.row(); return r.exit }

// EventID is the Windows Event Log event ID written for the outcome; an
// unknown outcome gets Failed's.
func (o Outcome) EventID() uint32 { r, _ := o.row(); return r.eventID }

// Severity is the type of an outcome's Windows event.
type Severity string

// Event severities.
const (
	Info    Severity = "information"
	Warning Severity = "warning"
	Error   Severity = "error"
)

// Severity is the type of the outcome's Windows event: information for
// success, a warning when files were not copied, an error otherwise.
func (o Outcome) Severity() Severity { r, _ := o.row(); return r.severity }

// Meaning is the outcome's one-line explanation, as in --help's EXIT STATUS.
func (o Outcome) Meaning() string { r, _ := o.row(); return r.meaning }

// Known reports whether o is one of the outcomes above.
func (o Outcome) Known() bool { _, ok := o.row(); return ok }

// SourceOutcome is what happened to one source: robocopy's class
// (success, partial, fatal) or one of the two outcomes robocopy never
// reports.
type SourceOutcome string

// Source outcomes besides robocopy's classes.
const (
	SourceNotRun  SourceOutcome = "not_run" // no robocopy log: the copy script never reached this source
	SourceGuarded SourceOutcome = "guarded" // the deletion guard refused to mirror it
)

// SourceOutcomeOf is the source outcome for a robocopy class.
func SourceOutcomeOf(c robocmd.Class) SourceOutcome { return SourceOutcome(c.String()) }

// Copied reports whether the source was mirrored without a failure.
func (s SourceOutcome) Copied() bool { return s == SourceOutcomeOf(robocmd.Success) }

// Report is the JSON report of a run. Field names are stable; Schema
// changes when they do.
type Report struct {
	Schema          int            `json:"schema"`
	Job             string         `json:"job"`
	RunID           string         `json:"run_id"`
	Set             string         `json:"set"` // backup set written (empty for sets: single)
	Host            string         `json:"host"`
	Start           time.Time      `json:"start"`
	End             time.Time      `json:"end"`
	DurationSeconds float64        `json:"duration_seconds"`
	Outcome         Outcome        `json:"outcome"`
	ExitCode        int            `json:"exit_code"`
	RunDir          string         `json:"run_dir"`
	Scripts         []string       `json:"scripts"`
	Diskshadow      DiskshadowRun  `json:"diskshadow"`
	Preflight       []Check        `json:"preflight"`
	Shadows         []Shadow       `json:"shadows"`
	Writers         []WriterResult `json:"writers"`
	Errors          []RunError     `json:"errors"`
	Sources         []SourceResult `json:"sources"`
	Cleanup         CleanupResult  `json:"cleanup"`
	Hooks           []HookResult   `json:"hooks"`
	// QuiesceSeconds is the time from the end of the pre_snapshot hook to
	// the start of the post_snapshot hook: how long the application was
	// held (create and expose); absent without both hooks.
	QuiesceSeconds *float64      `json:"quiesce_seconds,omitempty"`
	Verification   *Verification `json:"verification,omitempty"`
	// HoldUntil is the deadline of a snapshot `vssmirror snapshot start`
	// left held.
	HoldUntil *time.Time `json:"hold_until,omitempty"`
	Story     *Story     `json:"story,omitempty"` // the set's _vssmirror folder (story.go)
	Notes     []string   `json:"notes"`
}

// Check is one preflight check.
type Check struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Skipped bool   `json:"skipped,omitempty"`
	Message string `json:"message"`
}

// DiskshadowRun describes the diskshadow invocations of a run.
type DiskshadowRun struct {
	Path     string `json:"path"`
	ExitCode *int   `json:"exit_code"`
	Attempts int    `json:"attempts"`
	Log      string `json:"log"`
}

// Shadow is a shadow copy the run created.
type Shadow struct {
	ID        string `json:"id"`
	SetID     string `json:"set_id"`
	Alias     string `json:"alias"`
	Volume    string `json:"volume"`
	Device    string `json:"device"`
	ExposedAs string `json:"exposed_as"`
}

// WriterResult is a writer diskshadow included or excluded.
type WriterResult = output.WriterStatus

// RunError is one thing that went wrong.
type RunError struct {
	Kind    string `json:"kind"` // vss, com, exec, metadata, usage, writer, expose, create, preflight, timeout, interrupted, diskshadow, cleanup, copy
	Code    string `json:"code,omitempty"`
	Name    string `json:"name,omitempty"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
}

// SourceResult is what robocopy did for one source, read from its log.
type SourceResult struct {
	Path        string             `json:"path"`
	Dest        string             `json:"dest"`
	Log         string             `json:"log"`
	Outcome     SourceOutcome      `json:"outcome"` // success, partial, fatal, not_run, guarded
	Files       robocmd.Counts     `json:"files"`
	Bytes       robocmd.Counts     `json:"bytes"`
	Deleted     robocmd.Deletions  `json:"deleted"`
	Errors      []robocmd.LogError `json:"errors"`
	ErrorsTotal int                `json:"errors_total"`
	Notes       []string           `json:"notes,omitempty"`
}

// HookResult is what one hook did.
type HookResult struct {
	Kind            string   `json:"kind"`    // pre_snapshot, post_snapshot, verify
	Command         []string `json:"command"` // the program and its arguments
	Ran             bool     `json:"ran"`     // the wrapper started the command
	RanBy           string   `json:"ran_by,omitempty"`
	ExitCode        *int     `json:"exit_code"` // nil when it did not end (killed, timeout) or did not run
	DurationSeconds float64  `json:"duration_seconds"`
	TimedOut        bool     `json:"timed_out,omitempty"`
	Output          []string `json:"output"` // the last lines of its output
	Message         string   `json:"message,omitempty"`
}

// Who ran a hook.
const (
	HookByDiskshadow = "diskshadow" // the .dsh's exec, as planned
	HookByVssmirror  = "vssmirror"  // the runner, keeping the resume promise
)

// Verification is the result of the job's verify section.
type Verification struct {
	On        string        `json:"on"` // snapshot or copy
	Databases []DBCheck     `json:"databases"`
	Hashes    []HashCompare `json:"hashes"`
	OK        bool          `json:"ok"`
}

// DBCheck is one eseutil check.
type DBCheck struct {
	Path     string `json:"path"`
	Check    string `json:"check"` // checksum (/k on a .edb) or logs (/ml on a log base name)
	OK       bool   `json:"ok"`
	ExitCode int    `json:"exit_code"`
}

// HashCompare is one source's sample-hash comparison.
type HashCompare struct {
	Source     string   `json:"source"`
	Compared   int      `json:"compared"`
	Mismatched []string `json:"mismatched"`
	Missing    []string `json:"missing"`
	OK         bool     `json:"ok"`
	Message    string   `json:"message,omitempty"`
}

// Fates of a shadow the cleanup tried to delete.
const (
	FateDeleted  = "deleted"   // gone after the delete (the listing no longer shows it)
	FateNotFound = "not_found" // already gone (deleted by hand, or a reboot)
	FateLeft     = "left"      // still there, or its fate could not be told
)

// ShadowFate is what the cleanup did to one journaled shadow.
type ShadowFate struct {
	ID      string `json:"id"`
	Fate    string `json:"fate"`
	Message string `json:"message,omitempty"`
}

// CleanupResult says whether the run's shadows are gone.
type CleanupResult struct {
	Attempted bool         `json:"attempted"`
	Deleted   []string     `json:"deleted"`
	Leaked    []string     `json:"leaked"`
	Shadows   []ShadowFate `json:"shadows"`           // each journaled shadow's fate
	Command   string       `json:"command,omitempty"` // what to run by hand when shadows leaked
}

// The run IDs of reports that are not of a backup run start with one of
// these; a backup run's ID is its start time and a random suffix.
const (
	CleanupIDPrefix      = "cleanup-"       // vssmirror cleanup
	SnapshotIDPrefix     = "snapshot-"      // vssmirror snapshot start
	SnapshotStopIDPrefix = "snapshot-stop-" // vssmirror snapshot stop (deletes like a cleanup)
)

// RunDirFile is the name of the report in its run folder, where
// runner.AfterRun leaves it for the history page to link to.
const RunDirFile = "vssmirror-report.json"

// WriteFile writes the JSON report to path atomically.
func WriteFile(path string, rep *Report) error {
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(data, '\n'), 0o644)
}

// WriteSummary writes the short human summary printed at the end of a
// run, with every file that was not copied under its source.
func (r *Report) WriteSummary(w io.Writer) error { return r.writeSummary(w, true) }

// WriteSummaryOnly writes the summary without the per-file lines (the
// Event Log puts them after it, cut to fit).
func (r *Report) WriteSummaryOnly(w io.Writer) error { return r.writeSummary(w, false) }

func (r *Report) writeSummary(w io.Writer, files bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\nvssmirror %s run %s: %s (exit %d) in %s\n", r.Job, r.RunID, strings.ToUpper(string(r.Outcome)), r.ExitCode, time.Duration(r.DurationSeconds*float64(time.Second)).Round(time.Second))
	for _, s := range r.Shadows {
		fmt.Fprintf(&b, "  shadow %s of %s exposed as %s\n", s.ID, orDash(s.Volume), orDash(s.ExposedAs))
	}
	for _, s := range r.Sources {
		fmt.Fprintf(&b, "  %s -> %s: %s, %d files / %s copied, %d deleted, %d failed\n", s.Path, s.Dest, s.Outcome, s.Files.Copied, HumanBytes(s.Bytes.Copied), s.Deleted.Files, s.Files.Failed)
		if !files {
			continue
		}
		for _, e := range s.Errors {
			fmt.Fprintf(&b, "    not copied: %s (error %d: %s)\n", e.Path, e.Code, orDash(e.Message))
		}
	}
	for _, h := range r.Hooks {
		code := "-"
		if h.ExitCode != nil {
			code = fmt.Sprint(*h.ExitCode)
		}
		if h.Ran {
			fmt.Fprintf(&b, "  hook %s (%s): exit %s in %.1fs\n", h.Kind, orDash(h.RanBy), code, h.DurationSeconds)
		}
	}
	if r.QuiesceSeconds != nil {
		fmt.Fprintf(&b, "  application quiesced for %.1fs (pre_snapshot end to post_snapshot start)\n", *r.QuiesceSeconds)
	}
	if v := r.Verification; v != nil {
		for _, d := range v.Databases {
			if !d.OK {
				fmt.Fprintf(&b, "  verify failed: eseutil %s exit %d: %s\n", d.Check, d.ExitCode, d.Path)
			}
		}
		for _, h := range v.Hashes {
			if !h.OK {
				fmt.Fprintf(&b, "  verify failed: %s: %d mismatched, %d missing of %d compared %s\n", h.Source, len(h.Mismatched), len(h.Missing), h.Compared, h.Message)
			}
		}
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "  error (%s): %s\n", e.Kind, e.Message)
	}
	if len(r.Cleanup.Leaked) > 0 {
		fmt.Fprintf(&b, "  SHADOWS LEFT ON THE SERVER: %s\n  remove them with: %s\n", strings.Join(r.Cleanup.Leaked, ", "), r.Cleanup.Command)
	} else if r.Cleanup.Attempted {
		fmt.Fprintf(&b, "  cleanup deleted %d shadow(s); none left\n", len(r.Cleanup.Deleted))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
