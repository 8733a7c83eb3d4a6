package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"time"

	"github.com/vssmirror/vssmirror/internal/atomicfile"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// StatusSchema is the version of status.json's layout.
const StatusSchema = 1

// Run states in status.json.
const (
	StateRunning  = "running"
	StateFinished = "finished"
)

// Phases of a running run.
const (
	PhaseSnapshot = "snapshot" // diskshadow is creating the shadows; no source is copied yet
	PhaseCopy     = "copy"     // robocopy is copying a source
	PhaseCleanup  = "cleanup"  // the copy script ended: diskshadow finishes, shadows are deleted
	PhaseDone     = "done"     // the run ended
)

// Source states.
const (
	SourceWaiting = "waiting" // not started yet
	SourceListing = "listing" // the deletion guard's /L pass runs
	SourceCopying = "copying"
	SourceDone    = "done"    // robocopy wrote its summary
	SourceSkipped = "skipped" // never copied (refused, guarded, or the script stopped)
)

// Estimate is how much work a source's copy is expected to be.
type Estimate struct {
	// From is where it comes from: "list_pass" (this run's /L pass of the
	// deletion guard: exact) or "history" (the previous good run of this
	// job: what robocopy saw then).
	From string `json:"from"`
	// Measure is what progress is counted in: "bytes" (bytes copied, of
	// what the /L pass listed for copying) or "files_scanned" (files in
	// the folders robocopy went through, of the source's files).
	Measure string `json:"measure"`
	Total   int64  `json:"total"`
	Files   int64  `json:"files"`            // files to copy (list_pass) or in the source (history)
	Bytes   int64  `json:"bytes"`            // bytes to copy (list_pass) or in the source (history)
	RunID   string `json:"run_id,omitempty"` // the history run it comes from
}

// Measures of an Estimate.
const (
	MeasureBytes   = "bytes"
	MeasureScanned = "files_scanned"
)

// Estimate sources.
const (
	FromListPass = "list_pass"
	FromHistory  = "history"
)

// SourceStatus is one source's progress.
type SourceStatus struct {
	Index       int        `json:"index"`
	Path        string     `json:"path"`
	State       string     `json:"state"`
	FilesCopied int64      `json:"files_copied"`
	BytesCopied int64      `json:"bytes_copied"`
	FilesFailed int64      `json:"files_failed"`
	Extras      int64      `json:"extras"`
	Scanned     int64      `json:"files_scanned"`
	CurrentFile string     `json:"current_file,omitempty"`
	BytesPerSec int64      `json:"bytes_per_sec"`
	Estimate    *Estimate  `json:"estimate,omitempty"`
	Percent     *float64   `json:"percent,omitempty"`     // of the estimate; absent without one, or past it
	ETASeconds  *int64     `json:"eta_seconds,omitempty"` // absent when it cannot be told
	Started     *time.Time `json:"started,omitempty"`
	Finished    *time.Time `json:"finished,omitempty"`
}

// Status is what <job>.status.json in the state folder holds: the running
// run's progress, or the last run's end.
type Status struct {
	Schema       int            `json:"schema"`
	Job          string         `json:"job"`
	RunID        string         `json:"run_id"`
	Host         string         `json:"host"`
	PID          int            `json:"pid"`
	State        string         `json:"state"` // running, finished
	Phase        string         `json:"phase"` // snapshot, copy, cleanup, done
	Start        time.Time      `json:"start"`
	Updated      time.Time      `json:"updated"`
	Source       int            `json:"source"` // the source being copied (1-based); 0 none yet
	SourcesTotal int            `json:"sources_total"`
	Sources      []SourceStatus `json:"sources"`
	Outcome      report.Outcome `json:"outcome,omitempty"`
	ExitCode     *int           `json:"exit_code,omitempty"`
	End          *time.Time     `json:"end,omitempty"`
}

// StatusPath is the job's status file in stateDir.
func StatusPath(stateDir, jobName string) string {
	return filepath.Join(stateDir, jobName+".status.json")
}

// WriteStatus replaces the job's status file atomically: a reader sees
// the old one or the new one, never half of one.
func WriteStatus(stateDir string, st *Status) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(StatusPath(stateDir, st.Job), append(b, '\n'), 0o600)
}

// maxStatus bounds the status file read back: vssmirror writes a few KB.
const maxStatus = 1 << 20

// ErrBadStatus is returned for a status file vssmirror did not write.
var ErrBadStatus = errors.New("not a status file vssmirror writes")

// ReadStatus reads the job's status file; (nil, nil) when there is none.
// The file is input: one that is too large, is not JSON of this schema,
// names another job, or holds a state, phase, source state or current
// source vssmirror does not write is refused with ErrBadStatus.
func ReadStatus(stateDir, jobName string) (*Status, error) {
	path := StatusPath(stateDir, jobName)
	f, _, err := state.OpenRegular(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxStatus+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > maxStatus {
		return nil, fmt.Errorf("%s: %w (larger than %d bytes)", path, ErrBadStatus, maxStatus)
	}
	var st Status
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrBadStatus, err)
	}
	switch {
	case st.Schema != StatusSchema:
		return nil, fmt.Errorf("%s: %w (schema %d, not %d)", path, ErrBadStatus, st.Schema, StatusSchema)
	case st.Job != jobName:
		return nil, fmt.Errorf("%s: %w (it names job %q)", path, ErrBadStatus, st.Job)
	case st.State != StateRunning && st.State != StateFinished:
		return nil, fmt.Errorf("%s: %w (state %q)", path, ErrBadStatus, st.State)
	case st.Outcome != "" && !st.Outcome.Known():
		return nil, fmt.Errorf("%s: %w (outcome %q)", path, ErrBadStatus, st.Outcome)
	case !slices.Contains([]string{PhaseSnapshot, PhaseCopy, PhaseCleanup, PhaseDone}, st.Phase):
		return nil, fmt.Errorf("%s: %w (phase %q)", path, ErrBadStatus, st.Phase)
	case st.Source < 0 || st.Source > len(st.Sources):
		return nil, fmt.Errorf("%s: %w (source %d of %d)", path, ErrBadStatus, st.Source, len(st.Sources))
	}
	for _, s := range st.Sources {
		if !slices.Contains([]string{SourceWaiting, SourceListing, SourceCopying, SourceDone, SourceSkipped}, s.State) {
			return nil, fmt.Errorf("%s: %w (source state %q)", path, ErrBadStatus, s.State)
		}
	}
	return &st, nil
}

// View is what `vssmirror status` shows.
type View struct {
	Job     string `json:"job"`
	Running bool   `json:"running"` // a run of the job holds its lock now
	// Status is the running run's progress; when none runs, the last
	// run's final status (if it wrote one).
	Status *Status `json:"status"`
	// LastRun is the last run in the history (when none runs, its
	// outcome is the job's state).
	LastRun *state.HistoryEntry `json:"last_run"`
	Notes   []string            `json:"notes"`
}

// Look tells whether a run of the job is running and how far it is, or
// how the last run ended. It only reads: the lock is probed the way
// `vssmirror sets` does (a starting run waits for it).
func Look(stateDir, jobName string) (*View, error) {
	v := &View{Job: jobName, Running: state.Running(stateDir, jobName), Notes: []string{}}
	history, skipped, err := state.ReadHistory(stateDir, jobName)
	if err != nil {
		return nil, fmt.Errorf("reading the run history: %w", err)
	}
	if skipped > 0 {
		v.Notes = append(v.Notes, fmt.Sprintf("the run history %s has %d line(s) vssmirror did not write; they were ignored", state.HistoryPath(stateDir, jobName), skipped))
	}
	if len(history) > 0 {
		last := history[len(history)-1]
		v.LastRun = &last
	}
	st, err := ReadStatus(stateDir, jobName)
	if err != nil {
		v.Notes = append(v.Notes, err.Error())
		st = nil
	}
	switch {
	case st == nil && v.Running:
		v.Notes = append(v.Notes, "a run holds the lock but has not written its status yet (it is starting)")
	case st == nil:
	case st.State == StateRunning && !v.Running:
		if v.LastRun == nil || v.LastRun.RunID != st.RunID {
			v.Notes = append(v.Notes, fmt.Sprintf("run %s wrote its status last at %s but is no longer running and did not finish (stopped, killed or a reboot); run `vssmirror cleanup` if it left shadows", st.RunID, st.Updated.Format(time.RFC3339)))
		}
		v.Status = st
	case st.State == StateFinished && !v.Running && v.LastRun != nil && v.LastRun.RunID != st.RunID:
		// An older run's: the last run ended before it got to the copy.
	case st.State == StateFinished && v.Running:
		v.Notes = append(v.Notes, "a run holds the lock but has not written its status yet (it is starting); the status shown is the last run's")
		v.Status = st
	default:
		v.Status = st
	}
	if len(history) == 0 && v.Status == nil && !v.Running {
		v.Notes = append(v.Notes, "no run of this job is recorded in "+stateDir)
	}
	return v, nil
}
