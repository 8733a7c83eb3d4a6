package runner

import (
	"io"
	"path/filepath"
	"time"

	"github.com/vssmirror/vssmirror/runner/progress"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// ProgressOptions say how a run shows its progress while diskshadow and
// robocopy run (package progress). The status file is written in any case.
type ProgressOptions struct {
	Out   io.Writer     // where progress is shown; nil = nowhere (--quiet)
	Bar   bool          // Out is a terminal: a bar redrawn in place
	Every time.Duration // otherwise one line this often; 0 = 30s (--progress-every)
	// Poll and StatusEvery: how often the logs are read and the status
	// file is written; 0 = 1s and 5s (tests shorten them).
	Poll, StatusEvery time.Duration
}

// startProgress follows the sources' logs in the run folder while the
// snapshot and the copy run; while a bar is shown, the run's console
// output goes above it. Only a backup run (its end goes to the history)
// is followed: a held snapshot (snapshot start) copies nothing.
func (r *run) startProgress() {
	if !r.history || r.bundle == nil {
		return
	}
	plan := r.bundle.Plan
	var sources []progress.Source
	for i, s := range plan.Sources {
		src := progress.Source{Path: r.j.Sources[i].Path, Log: filepath.Join(r.rep.RunDir, s.LogName)}
		if plan.Guard != nil {
			src.GuardLog = filepath.Join(r.rep.RunDir, s.GuardLog)
		}
		sources = append(sources, src)
	}
	history, _, _ := state.ReadHistory(r.opts.StateDir, r.j.Name) // chooseSet noted a problem already
	p := r.opts.Progress
	r.tracker = progress.Start(progress.Options{Job: r.j.Name, RunID: r.rep.RunID, StateDir: r.opts.StateDir, Sources: sources, History: history,
		Out: p.Out, Bar: p.Bar, Every: p.Every, Poll: p.Poll, StatusEvery: p.StatusEvery, Start: r.rep.Start, Now: r.opts.Now})
	r.console = r.tracker.Console(r.console)
}

// copyEnded stops showing progress once diskshadow returned: what is
// printed next comes after the last frame of the bar.
func (r *run) copyEnded() {
	if r.tracker != nil {
		r.tracker.CopyEnded()
		r.console = r.opts.Console
	}
}

// finishProgress records the run's end in the status file.
func (r *run) finishProgress(rep *report.Report) {
	if r.tracker == nil {
		return
	}
	if err := r.tracker.Finish(rep); err != nil {
		r.note("status file %s: %v", progress.StatusPath(r.opts.StateDir, r.j.Name), err)
	}
}
