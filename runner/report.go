package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/robocmd"
)

// Outcomes of a run, one per exit class (see cmd/vssmirror's exit table).
const (
	OutcomeSuccess         = "success"
	OutcomeCopyPartial     = "copy_failed"     // the snapshot worked, some files or sources were not copied
	OutcomeSnapshotFailed  = "snapshot_failed" // VSS error, writer not included, shadow not created or exposed
	OutcomePreflightFailed = "preflight_failed"
	OutcomeLocked          = "locked"         // another run of this job holds the lock
	OutcomeCleanupFailed   = "cleanup_failed" // shadows this job created are left on the server
	OutcomeTimeout         = "timeout"
	OutcomeInterrupted     = "interrupted"
)

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
	Outcome         string         `json:"outcome"`
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
	Notes           []string       `json:"notes"`
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
type WriterResult = dshgen.WriterStatus

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
	Outcome     string             `json:"outcome"` // success, partial, fatal, not_run, guarded (the deletion guard refused it)
	Files       robocmd.Counts     `json:"files"`
	Bytes       robocmd.Counts     `json:"bytes"`
	Deleted     robocmd.Deletions  `json:"deleted"`
	Errors      []robocmd.LogError `json:"errors"`
	ErrorsTotal int                `json:"errors_total"`
	Notes       []string           `json:"notes,omitempty"`
}

// CleanupResult says whether the run's shadows are gone.
type CleanupResult struct {
	Attempted bool     `json:"attempted"`
	Deleted   []string `json:"deleted"`
	Leaked    []string `json:"leaked"`
	Command   string   `json:"command,omitempty"` // what to run by hand when shadows leaked
}

// WriteReport writes the JSON report to path atomically.
func WriteReport(path string, rep *Report) error {
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return writeFileSync(path, append(data, '\n'))
}

// WriteSummary writes the short human summary printed at the end of a run.
func (r *Report) WriteSummary(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\nvssmirror %s run %s: %s (exit %d) in %s\n", r.Job, r.RunID, strings.ToUpper(r.Outcome), r.ExitCode, time.Duration(r.DurationSeconds*float64(time.Second)).Round(time.Second))
	for _, s := range r.Shadows {
		fmt.Fprintf(&b, "  shadow %s of %s exposed as %s\n", s.ID, orDash(s.Volume), orDash(s.ExposedAs))
	}
	for _, s := range r.Sources {
		fmt.Fprintf(&b, "  %s -> %s: %s, %d files / %s copied, %d deleted, %d failed\n", s.Path, s.Dest, s.Outcome, s.Files.Copied, HumanBytes(s.Bytes.Copied), s.Deleted.Files, s.Files.Failed)
		for _, e := range s.Errors {
			fmt.Fprintf(&b, "    not copied: %s (error %d: %s)\n", e.Path, e.Code, orDash(e.Message))
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
