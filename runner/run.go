package runner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/dshgen/output"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/progress"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// Options configure Run and Cleanup.
type Options struct {
	Job         *job.Job
	ConfigPath  string   // for the commands printed in messages
	Diskshadow  string   // diskshadow executable; "" = VSSMIRROR_DISKSHADOW or System32
	StateDir    string   // lock and journal; "" = the platform default
	ScriptsDir  string   // replaces the job's scripts_dir (runs go to <dir>\runs\<id>)
	TemplateDir string   // template overrides, as for generate
	SkipChecks  []string // preflight checks to skip (SkippableChecks), noted in the report
	// Timeout bounds the whole run, cleanup excluded; 0 = the job's
	// timeout field (default 12h).
	Timeout time.Duration
	// CleanupTimeout bounds the diskshadow that deletes leftover shadows,
	// which runs even after the timeout or an interrupt; 0 = job.CleanupTimeout.
	CleanupTimeout time.Duration
	Console        io.Writer // live output; io.Discard for --quiet
	Progress       ProgressOptions
	// Retry waits before retrying when another snapshot is in progress
	// (VSS_E_SNAPSHOT_SET_IN_PROGRESS); nil = 30s, 1m, 2m, 4m, 8m.
	Retry []time.Duration
	Now   func() time.Time
	// ForceRelease lets Run delete a held two-phase snapshot of the job
	// (vssmirror snapshot start) whose deadline has not passed, instead
	// of refusing with the lock's outcome.
	ForceRelease bool
}

// Error is returned by Run and Cleanup when the outcome is not success.
type Error struct {
	Outcome report.Outcome
	Err     error
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %v", e.Outcome, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

func (o *Options) defaults() {
	if o.Console == nil {
		o.Console = io.Discard
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.StateDir == "" {
		o.StateDir = DefaultStateDir()
	}
	if o.Timeout == 0 && o.Job != nil {
		o.Timeout = o.Job.Timeout.Std()
	}
	if o.CleanupTimeout == 0 {
		o.CleanupTimeout = job.CleanupTimeout
	}
	if o.Retry == nil {
		o.Retry = []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute}
	}
}

func newRunID(now time.Time) string {
	b := make([]byte, 3)
	rand.Read(b)
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// run is one run (or cleanup) of a job: its options, report and the state
// it holds while it goes through the steps of Run.
type run struct {
	opts    Options
	j       *job.Job
	rep     *report.Report
	exe     string // diskshadow
	lock    *flock.Flock
	journal *state.Journal
	runLog  *os.File
	console io.Writer
	bundle  *dshgen.Bundle
	// journalErr is the first failure to write the journal: the shadows
	// stay known in memory and are deleted, but the report says so.
	journalErr error
	history    bool // a run (not a cleanup): its end is appended to the history
	tracker    *progress.Tracker
	// releaseHolds: held two-phase snapshots are deleted too, deadline or
	// not (snapshot stop, run --force-release).
	releaseHolds bool
}

// failure ends a run early with an outcome.
type failure struct {
	outcome report.Outcome
	err     error
}

func fail(o report.Outcome, kind string, err error) *failure {
	return &failure{outcome: o, err: &kindError{kind: kind, err: err}}
}

// kindError is an error with the report kind it is filed under.
type kindError struct {
	kind string
	err  error
}

func (e *kindError) Error() string { return e.err.Error() }
func (e *kindError) Unwrap() error { return e.err }

func newRun(opts Options, prefix string) *run {
	opts.defaults()
	start := opts.Now()
	host, _ := os.Hostname()
	rep := &report.Report{Schema: 1, Job: opts.Job.Name, RunID: prefix + newRunID(start), Host: host, Start: start,
		Scripts: []string{}, Preflight: []report.Check{}, Shadows: []report.Shadow{}, Writers: []report.WriterResult{}, Errors: []report.RunError{},
		Sources: []report.SourceResult{}, Hooks: []report.HookResult{}, Notes: []string{}, Cleanup: report.CleanupResult{Deleted: []string{}, Leaked: []string{}, Shadows: []report.ShadowFate{}}}
	return &run{opts: opts, j: opts.Job, rep: rep, console: opts.Console, history: prefix == ""}
}

func (r *run) errorf(kind, format string, args ...any) {
	r.rep.Errors = append(r.rep.Errors, report.RunError{Kind: kind, Message: fmt.Sprintf(format, args...)})
}

func (r *run) note(format string, args ...any) {
	r.rep.Notes = append(r.rep.Notes, fmt.Sprintf(format, args...))
}

func (r *run) say(format string, args ...any) {
	fmt.Fprintf(r.console, "vssmirror: "+format+"\n", args...)
}

// finish completes the report (end, duration, outcome, exit code), lets go
// of what the run holds, and returns an *Error unless the outcome is
// success.
func (r *run) finish(outcome report.Outcome, err error) (*report.Report, error) {
	var ke *kindError
	if errors.As(err, &ke) {
		r.errorf(ke.kind, "%s", ke.err.Error())
	}
	rep := r.rep
	rep.End = r.opts.Now()
	rep.DurationSeconds = rep.End.Sub(rep.Start).Seconds()
	rep.Outcome, rep.ExitCode = outcome, outcome.ExitCode()
	r.finishProgress(rep)
	// The history decides the next run's set: it is written while this
	// run still holds the lock (a run that never got it appends too; its
	// outcome is never a success, so it steers nothing).
	if r.history {
		if err := state.AppendHistory(r.opts.StateDir, rep); err != nil {
			r.note("run history: %v", err)
			r.say("warning: %v", err)
		}
	}
	if r.runLog != nil {
		r.runLog.Close()
	}
	if r.lock != nil {
		if r.history {
			state.ClearCurrent(r.opts.StateDir, r.j.Name)
		}
		r.lock.Unlock()
	}
	if outcome == report.Success {
		return rep, nil
	}
	if err == nil && len(rep.Errors) > 0 {
		err = errors.New(rep.Errors[0].Message)
	}
	if err == nil {
		err = errors.New(string(outcome))
	}
	return rep, &Error{Outcome: outcome, Err: err}
}

// Run takes the job's snapshot with diskshadow, lets the rendered copy
// script mirror it, and makes sure every shadow it created is deleted
// afterwards, whatever happens. The report is returned in every case; err
// is an *Error unless the outcome is success.
//
// The steps, in order: check the options, preflight, take the lock and
// read the journal, create the run folder, delete what an earlier run
// left, choose the backup set, render the scripts; then snapshot and copy
// (diskshadow, retried while another snapshot is in progress), judge the
// outcome, delete the run's leftover shadows, mark the set good, and prune
// old run folders (retention).
func Run(ctx context.Context, opts Options) (*report.Report, error) {
	r := newRun(opts, "")
	for _, step := range []func() *failure{
		r.checkOptions, r.preflight, r.lockAndJournal, r.createRunDir, r.cleanupEarlierRun, r.chooseSet, r.render,
	} {
		if f := step(); f != nil {
			return r.finish(f.outcome, f.err)
		}
	}
	outcome := r.snapshotAndCopy(ctx)
	outcome = r.cleanupAfterRun(outcome)
	outcome = r.finishStory(outcome)
	outcome = r.markSet(outcome)
	outcome = r.pruneRuns(outcome)
	return r.finish(outcome, nil)
}

func (r *run) checkOptions() *failure {
	for _, sk := range r.opts.SkipChecks {
		if !slices.Contains(SkippableChecks, sk) {
			return fail(report.PreflightFailed, "preflight", fmt.Errorf("--skip-check %q: not a check that can be skipped (%s)", sk, strings.Join(SkippableChecks, ", ")))
		}
	}
	if r.opts.ScriptsDir != "" {
		if err := job.CheckScriptsDir(r.opts.ScriptsDir); err != nil {
			return fail(report.PreflightFailed, "preflight", fmt.Errorf("--scripts-dir: %w", err))
		}
	}
	return nil
}

func (r *run) preflight() *failure {
	checks, exe, err := preflight(r.j, r.opts, job.ExposeLetters(r.j))
	r.rep.Preflight = checks
	r.rep.Diskshadow.Path = exe
	r.exe = exe
	if err != nil {
		return fail(report.PreflightFailed, "preflight", err)
	}
	return nil
}

// lockAndJournal takes the job's lock and reads its journal.
func (r *run) lockAndJournal() *failure {
	lock, err := state.Lock(r.opts.StateDir, r.j.Name)
	if err != nil {
		if errors.Is(err, state.ErrLocked) {
			return fail(report.Locked, "lock", err)
		}
		return fail(report.PreflightFailed, "lock", err)
	}
	r.lock = lock
	journal, err := state.OpenJournal(r.opts.StateDir, r.j.Name)
	if err != nil {
		if errors.Is(err, state.ErrCorrupt) {
			return fail(report.Failed, "journal", err)
		}
		return fail(report.PreflightFailed, "journal", err)
	}
	r.journal = journal
	return nil
}

// scriptsDir is where this run's folders go.
func (r *run) scriptsDir() string {
	if r.opts.ScriptsDir != "" {
		return r.opts.ScriptsDir
	}
	return r.j.ScriptsDir
}

func (r *run) createRunDir() *failure {
	runs := filepath.Join(r.scriptsDir(), "runs")
	for _, d := range []string{r.scriptsDir(), runs} {
		if err := state.MkdirPrivate(d); err != nil {
			return fail(report.PreflightFailed, "run-folder", fmt.Errorf("creating %s: %w", d, err))
		}
	}
	r.rep.RunDir = filepath.Join(runs, r.rep.RunID)
	if err := state.MkdirPrivate(r.rep.RunDir); err != nil {
		return fail(report.PreflightFailed, "run-folder", fmt.Errorf("creating the run folder: %w", err))
	}
	f, err := os.Create(filepath.Join(r.rep.RunDir, "vssmirror-run.log"))
	if err != nil {
		return fail(report.PreflightFailed, "run-folder", fmt.Errorf("creating the run log: %w", err))
	}
	r.runLog = f
	return nil
}

// cleanupEarlierRun deletes the shadows a crashed earlier run left (they
// are in the journal) before making new ones.
func (r *run) cleanupEarlierRun() *failure {
	if f := r.refuseHeld(); f != nil {
		return f
	}
	if len(r.deletableIDs()) == 0 {
		return nil
	}
	msg := fmt.Sprintf("an earlier run left %d shadow(s) in the journal (%s): deleting them first", len(r.deletableIDs()), strings.Join(r.deletableIDs(), ", "))
	r.note("%s", msg)
	r.say("%s", msg)
	r.rep.Cleanup = r.deleteJournaled(r.rep.RunDir)
	if len(r.rep.Cleanup.Leaked) > 0 {
		return fail(report.CleanupFailed, "cleanup", errors.New("shadows of an earlier run could not be deleted; no new snapshot was taken"))
	}
	return nil
}

func (r *run) chooseSet() *failure {
	history, skipped, err := state.ReadHistory(r.opts.StateDir, r.j.Name)
	if err != nil {
		r.note("reading the run history: %v", err)
	}
	if skipped > 0 {
		r.note("the run history %s has %d line(s) vssmirror did not write; they were ignored", state.HistoryPath(r.opts.StateDir, r.j.Name), skipped)
	}
	r.rep.Set = state.ChooseSet(r.j.Sets, history, r.opts.Now())
	if r.rep.Set != "" {
		r.say("backup set %s (%s)", r.rep.Set, state.SetFolder(r.j.Destination, r.rep.Set))
	}
	// A set being rewritten is not good until this run succeeds.
	if err := state.RemoveMarker(r.j.Destination, r.rep.Set); err != nil {
		return fail(report.PreflightFailed, "set", err)
	}
	if err := state.WriteCurrent(r.opts.StateDir, r.j.Name, r.rep.Set); err != nil {
		r.note("recording the set in progress: %v", err)
	}
	return nil
}

func (r *run) render() *failure { return r.renderScripts(false) }

// renderScripts renders the job's scripts into the run folder: the run's
// (with this vssmirror.exe for the guard and hashes, the backup set, and
// the set story's step checked) or the two-phase pair.
func (r *run) renderScripts(twoPhase bool) *failure {
	o := dshgen.RenderOptions{TemplateDir: r.opts.TemplateDir, ScriptsDir: r.rep.RunDir, TwoPhase: twoPhase}
	if !twoPhase {
		o.GuardExe, _ = os.Executable()
		o.Set = r.rep.Set
	}
	bundle, err := dshgen.Render(r.j, o)
	if err == nil && !twoPhase {
		err = dshgen.CheckStoryStep(bundle)
	}
	if err == nil {
		err = bundle.Write(r.rep.RunDir)
	}
	if err != nil {
		return fail(report.PreflightFailed, "render", err)
	}
	r.bundle = bundle
	for _, f := range bundle.Files {
		r.rep.Scripts = append(r.rep.Scripts, filepath.Join(r.rep.RunDir, f.Name))
	}
	return nil
}

// childEnv is the environment of diskshadow and what it starts: the run
// folder set, and the status mail's password variable removed (no child
// needs it).
func (r *run) childEnv() []string {
	secret := r.j.Notify.Email.PasswordEnv
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if secret != "" && strings.EqualFold(name, secret) || scriptOwnsVar(name) {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "VSSMIRROR_RUN_DIR="+r.rep.RunDir)
}

// scriptOwnsVar reports whether an inherited variable would change what the
// scripts do: cmd.exe's dynamic variables (a variable named ERRORLEVEL
// hides the real errorlevel from %ERRORLEVEL%, so a failed robocopy would
// read as success), the copy script's own VSSM_ variables, the shadows'
// aliases and VSS_SHADOW_SET (diskshadow sets them), and the run folder.
func scriptOwnsVar(name string) bool {
	n := strings.ToUpper(name)
	switch n {
	case "ERRORLEVEL", "CD", "DATE", "TIME", "RANDOM", "CMDCMDLINE", "CMDEXTVERSION", "HIGHESTNUMANODENUMBER", "VSS_SHADOW_SET", "VSSMIRROR_RUN_DIR":
		return true
	}
	return strings.HasPrefix(n, "VSSM_") || strings.HasPrefix(n, "VSS_SHADOW_")
}

// snapshotAndCopy runs the job's diskshadow script (retrying while another
// snapshot set is in progress), journaling every shadow as it appears, and
// judges what happened.
func (r *run) snapshotAndCopy(ctx context.Context) report.Outcome {
	// The abort watch may stop diskshadow (stop) when it cannot write the
	// abort marker.
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	if r.opts.Timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(runCtx, r.opts.Timeout)
		defer cancel()
	}
	env := r.childEnv()
	r.startProgress()
	abort, aliases := r.newAbortWatch(), r.newAliasMerge()
	abort.cancel = stop
	hooks := r.newHookWatch(stop)
	hooks.start()
	var res *dsResult
	for attempt := 1; ; attempt++ {
		r.rep.Diskshadow.Attempts = attempt
		name := "diskshadow.log"
		if attempt > 1 {
			name = fmt.Sprintf("diskshadow-%d.log", attempt)
		}
		r.rep.Diskshadow.Log = filepath.Join(r.rep.RunDir, name)
		var err error
		res, err = runDiskshadow(runCtx, r.exe, r.rep.Scripts[0], r.rep.Diskshadow.Log, r.rep.RunDir, env, r.console, r.runLog, func(rd *output.Reader) {
			abort.check(rd.Output())
			aliases.whileExec(rd.Output())
			r.journalShadows(rd.Output())
		})
		if err != nil {
			r.errorf("diskshadow", "%v", err)
		}
		if attempt > len(r.opts.Retry) || res.Killed || len(res.Output.Shadows) > 0 || !inProgress(res.Output) {
			break
		}
		if r.preHookStarted() {
			r.note("not retried: the pre_snapshot hook ran, and a retry would run it again before the post_snapshot hook resumed the application")
			break
		}
		wait := r.opts.Retry[attempt-1]
		r.say("another snapshot is in progress (VSS_E_SNAPSHOT_SET_IN_PROGRESS); retrying in %s", wait)
		select {
		case <-runCtx.Done():
		case <-time.After(wait):
		}
		if runCtx.Err() != nil {
			res.Killed = true
			break
		}
	}
	timedOut := hooks.stop()
	r.copyEnded()
	aliases.merge(res.Output.Deleted)
	code := res.ExitCode
	r.rep.Diskshadow.ExitCode = &code
	outcome := evaluate(r.rep, res, r.bundle, r.j)
	switch {
	case abort.stopped:
		outcome = report.SnapshotFailed
	case errors.Is(runCtx.Err(), context.DeadlineExceeded) && ctx.Err() == nil:
		outcome = report.Timeout
		r.errorf("timeout", "the run did not finish within %s; diskshadow and everything it started were stopped", r.opts.Timeout)
	case ctx.Err() != nil:
		outcome = report.Interrupted
		r.errorf("interrupted", "the run was interrupted; diskshadow and everything it started were stopped")
	}
	// The script's own delete lines removed these.
	if len(res.Output.Deleted) > 0 {
		if err := r.journal.Remove(res.Output.Deleted...); err != nil {
			r.journalFailed(err)
		}
	}
	outcome = r.judgeHooks(outcome, timedOut, res.Output)
	r.keepResumePromise()
	return outcome
}

// journalShadows records every shadow seen so far (and where it is
// exposed). The journal keeps them in memory whatever the disk says.
func (r *run) journalShadows(out *output.Output) {
	var entries []state.JournalEntry
	for _, s := range out.Shadows {
		if !slices.ContainsFunc(out.Deleted, func(d string) bool { return strings.EqualFold(d, s.ID) }) {
			entries = append(entries, safeEntry(state.JournalEntry{ID: s.ID, SetID: s.SetID, Alias: s.Alias, Volume: s.Volume, ExposedAs: s.ExposedAs, RunID: r.rep.RunID, Recorded: r.opts.Now()}))
		}
	}
	if len(entries) == 0 {
		return
	}
	if err := r.journal.Record(entries...); err != nil {
		r.journalFailed(err)
	}
}

func (r *run) journalFailed(err error) {
	if r.journalErr == nil {
		r.journalErr = err
		r.errorf("journal", "writing the shadow journal failed (%v): the shadows are kept in memory and deleted; a crash now would leave them unknown to the next run", err)
		r.say("warning: %v", err)
	}
}

// cleanupAfterRun deletes the shadows of this run that are still there.
func (r *run) cleanupAfterRun(outcome report.Outcome) report.Outcome {
	if len(r.deletableIDs()) == 0 {
		return outcome
	}
	r.say("%d shadow(s) of this run are still there: deleting them", len(r.deletableIDs()))
	cr := r.deleteJournaled(r.rep.RunDir)
	r.rep.Cleanup.Attempted = true
	r.rep.Cleanup.Deleted = append(r.rep.Cleanup.Deleted, cr.Deleted...)
	r.rep.Cleanup.Shadows = append(r.rep.Cleanup.Shadows, cr.Shadows...)
	r.rep.Cleanup.Leaked, r.rep.Cleanup.Command = cr.Leaked, cr.Command
	if len(cr.Leaked) > 0 {
		r.errorf("cleanup", "%d shadow(s) could not be deleted: %s; run: %s", len(cr.Leaked), strings.Join(cr.Leaked, ", "), cr.Command)
		return report.CleanupFailed
	}
	return outcome
}

// markSet writes the set's good marker after a fully successful run; a
// marker failure is noted, the backup stays a success.
func (r *run) markSet(outcome report.Outcome) report.Outcome {
	if outcome != report.Success {
		return outcome
	}
	r.rep.Outcome, r.rep.ExitCode = outcome, outcome.ExitCode()
	if err := state.WriteMarker(r.rep, r.j.Destination); err != nil {
		r.note("set marker: %v", err)
	}
	return outcome
}

// inProgress reports whether the run failed only because another snapshot
// set was being created.
func inProgress(out *output.Output) bool {
	for _, f := range out.Failures {
		if f.Kind == output.FailVSS && f.Code == output.VSSSnapshotSetInProgress.Code() {
			return true
		}
	}
	return false
}
