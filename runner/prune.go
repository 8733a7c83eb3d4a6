package runner

import (
	"path/filepath"

	"github.com/vssmirror/vssmirror/runner/report"
)

// pruneRuns applies the job's retention at the end of a run: old run
// folders under <scripts_dir>\runs (never this run's) and stale logs in
// <scripts_dir>\logs (written when the scripts ran without the runner).
// Pruning never changes the outcome; what it removed or failed to remove
// is noted in the report.
func (r *run) pruneRuns(outcome report.Outcome) report.Outcome {
	ret := r.j.Retention
	now := r.opts.Now()
	removed, err := Prune(filepath.Join(r.scriptsDir(), "runs"), r.j.Name, ret.KeepRuns, ret.KeepDays, now, r.rep.RunID)
	if err != nil {
		r.note("retention: %v", err)
	}
	logs, err := PruneLogs(filepath.Join(r.scriptsDir(), "logs"), r.j.Name, ret.KeepRuns, ret.KeepDays, now)
	if err != nil {
		r.note("retention: %v", err)
	}
	if n := len(removed) + len(logs); n > 0 {
		r.note("retention (keep %d runs and %d days): removed %d old run folder(s) and %d old log(s)", ret.KeepRuns, ret.KeepDays, len(removed), len(logs))
	}
	return outcome
}
