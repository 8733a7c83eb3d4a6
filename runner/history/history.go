package history

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/page"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// Options say which history to read and how much of it.
type Options struct {
	Job        string // the job's name
	StateDir   string // the folder of <job>.history.jsonl
	ScriptsDir string // the job's scripts_dir (run folders in <ScriptsDir>\runs); "" = no links
	Last       int    // only the newest Last runs; 0 = all
}

// Run is one run of the job.
type Run struct {
	RunID           string         `json:"run_id"`
	Set             string         `json:"set"`
	Start           time.Time      `json:"start"`
	End             time.Time      `json:"end"`
	Outcome         report.Outcome `json:"outcome"`
	ExitCode        int            `json:"exit_code"`
	DurationSeconds float64        `json:"duration_seconds"`
	BytesCopied     int64          `json:"bytes_copied"`
	FilesCopied     int64          `json:"files_copied"`
	FilesFailed     int64          `json:"files_failed"`
	ShadowsLeaked   int            `json:"shadows_leaked"`
	RunDir          string         `json:"run_dir,omitempty"` // the run folder, when it is there
	Report          string         `json:"report,omitempty"`  // its report, when it is there
}

// History is the runs of one job, oldest first.
type History struct {
	Schema  int    `json:"schema"`
	Job     string `json:"job"`
	File    string `json:"file"`
	Total   int    `json:"total"`         // runs in the file (Runs holds the newest --last of them)
	Skipped int    `json:"skipped_lines"` // lines vssmirror did not write, ignored
	// CutBytes is how much of the start of a file larger than
	// state.MaxHistorySize was not read (0: the whole file was read).
	CutBytes int64 `json:"cut_bytes,omitempty"`
	// LastSuccess is the end of the last successful run in the whole
	// file (nil: none), also when it is older than the runs shown.
	LastSuccess *time.Time `json:"last_success"`
	Runs        []Run      `json:"runs"`
}

// runIDRE is what a run ID may hold before it names a folder: one path
// element of letters, digits, '-' and '_' (Run makes 20261122T043430Z-abcdef).
var runIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// Read reads the job's history (none yet is not an error: no runs).
func Read(o Options) (*History, error) {
	entries, skipped, cut, err := state.ReadHistoryTail(o.StateDir, o.Job)
	h := &History{Schema: 1, Job: o.Job, File: state.HistoryPath(o.StateDir, o.Job), Skipped: skipped, CutBytes: cut, Runs: []Run{}}
	if err != nil {
		return nil, fmt.Errorf("reading the run history %s: %w", h.File, err)
	}
	for _, e := range entries {
		if !plausible(e) {
			h.Skipped++
			continue
		}
		h.Runs = append(h.Runs, RunOf(e))
	}
	h.Total = len(h.Runs)
	for _, r := range h.Runs {
		if r.Outcome == report.Success && (h.LastSuccess == nil || r.End.After(*h.LastSuccess)) {
			end := r.End
			h.LastSuccess = &end
		}
	}
	if o.Last > 0 && len(h.Runs) > o.Last {
		h.Runs = h.Runs[len(h.Runs)-o.Last:]
	}
	if o.ScriptsDir != "" {
		for i := range h.Runs {
			h.Runs[i].RunDir, h.Runs[i].Report = locate(o.ScriptsDir, h.Runs[i].RunID)
		}
	}
	return h, nil
}

// RunOf is a history line (or a report summed by state.EntryOf) as a
// run of the history.
func RunOf(e state.HistoryEntry) Run {
	return Run{RunID: e.RunID, Set: e.Set, Start: e.Start, End: e.End, Outcome: e.Outcome, ExitCode: e.ExitCode,
		DurationSeconds: e.End.Sub(e.Start).Seconds(), BytesCopied: e.BytesCopied, FilesCopied: e.FilesCopied,
		FilesFailed: e.FilesFailed, ShadowsLeaked: e.ShadowsLeaked}
}

// plausible checks what ReadHistory does not: a line that passes as an
// entry but could not have been written by a run.
func plausible(e state.HistoryEntry) bool {
	return runIDRE.MatchString(e.RunID) && job.ValidSetName(e.Set) && !e.Start.IsZero() && !e.End.Before(e.Start) &&
		e.BytesCopied >= 0 && e.FilesCopied >= 0 && e.FilesFailed >= 0 && e.ShadowsLeaked >= 0
}

// locate returns the run's folder and report when they are there.
func locate(scriptsDir, runID string) (dir, rep string) {
	dir = filepath.Join(scriptsDir, "runs", runID)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", ""
	}
	p := filepath.Join(dir, report.RunDirFile)
	if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
		return dir, p
	}
	return dir, ""
}

// Note says what was ignored, or "" when nothing was.
func (h *History) Note() string {
	var notes []string
	if h.CutBytes > 0 {
		notes = append(notes, fmt.Sprintf("%s is larger than %d MiB: only its newest %d MiB were read (%d bytes of the oldest runs left out)", h.File, state.MaxHistorySize>>20, state.MaxHistorySize>>20, h.CutBytes))
	}
	if h.Skipped > 0 {
		notes = append(notes, fmt.Sprintf("%d line(s) of %s were not written by vssmirror (bad JSON, an unknown outcome or impossible values) and were ignored", h.Skipped, h.File))
	}
	return strings.Join(notes, "; ")
}

// WriteTable writes the runs as a console table, oldest first, times in loc.
func (h *History) WriteTable(w io.Writer, loc *time.Location) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DATE\tSET\tOUTCOME\tDURATION\tBYTES COPIED\tFILES FAILED\tSHADOWS LEAKED\tRUN")
	for _, r := range h.Runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", r.Start.In(loc).Format(page.TimeLayout), orDash(r.Set), r.Outcome,
			page.Duration(r.DurationSeconds), report.HumanBytes(r.BytesCopied), r.FilesFailed, r.ShadowsLeaked, r.RunID)
	}
	if len(h.Runs) == 0 {
		fmt.Fprintf(tw, "(no runs in %s)\n", h.File)
	} else if len(h.Runs) < h.Total {
		fmt.Fprintf(tw, "(the newest %d of %d runs)\n", len(h.Runs), h.Total)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
