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
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
)

// Options configure Run and Cleanup.
type Options struct {
	Job         *job.Job
	ConfigPath  string        // for the commands printed in messages
	Diskshadow  string        // diskshadow executable; "" = VSSMIRROR_DISKSHADOW or System32
	StateDir    string        // lock and journal; "" = the platform default
	ScriptsDir  string        // replaces the job's scripts_dir (runs go to <dir>\runs\<id>)
	TemplateDir string        // template overrides, as for generate
	SkipChecks  []string      // preflight checks to skip (SkippableChecks), noted in the report
	Timeout     time.Duration // whole run, cleanup excluded; 0 = none
	Console     io.Writer     // live output; io.Discard for --quiet
	// ExitCode maps an outcome to the process exit code written in the
	// report; the command line passes its one mapping function in.
	ExitCode func(outcome string) int
	// Retry waits before retrying when another snapshot is in progress
	// (VSS_E_SNAPSHOT_SET_IN_PROGRESS); nil = 30s, 1m, 2m, 4m, 8m.
	Retry []time.Duration
	Now   func() time.Time
}

// Error is returned by Run and Cleanup when the outcome is not success.
type Error struct {
	Outcome string
	Err     error
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %v", e.Outcome, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// newReport starts the report of a run (or, with prefix "cleanup-", of a
// cleanup) and returns the function that completes it: end time,
// duration, outcome, exit code, and an *Error unless the outcome is success.
func newReport(opts Options, prefix string) (*Report, func(outcome string, err error) (*Report, error)) {
	start := opts.Now()
	host, _ := os.Hostname()
	rep := &Report{Schema: 1, Job: opts.Job.Name, RunID: prefix + newRunID(start), Host: host, Start: start,
		Scripts: []string{}, Preflight: []Check{}, Shadows: []Shadow{}, Writers: []WriterResult{}, Errors: []RunError{}, Sources: []SourceResult{}, Notes: []string{},
		Cleanup: CleanupResult{Deleted: []string{}, Leaked: []string{}}}
	return rep, func(outcome string, err error) (*Report, error) {
		rep.End = opts.Now()
		rep.DurationSeconds = rep.End.Sub(rep.Start).Seconds()
		rep.Outcome, rep.ExitCode = outcome, opts.ExitCode(outcome)
		if outcome == OutcomeSuccess {
			return rep, nil
		}
		if err == nil {
			err = errors.New(outcome)
		}
		return rep, &Error{Outcome: outcome, Err: err}
	}
}

// lockAndJournal takes the job's lock and reads its journal; on failure it
// returns the outcome to report.
func lockAndJournal(opts Options) (*flock.Flock, *Journal, string, error) {
	lock, err := lockJob(opts.StateDir, opts.Job.Name)
	if err != nil {
		if errors.Is(err, ErrLocked) {
			return nil, nil, OutcomeLocked, err
		}
		return nil, nil, OutcomePreflightFailed, err
	}
	journal, err := OpenJournal(opts.StateDir, opts.Job.Name)
	if err != nil {
		lock.Unlock()
		return nil, nil, OutcomePreflightFailed, err
	}
	return lock, journal, "", nil
}

// cleanupTimeout bounds the cleanup diskshadow run, which runs even after
// the run's own timeout or an interrupt.
const cleanupTimeout = 10 * time.Minute

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
	if o.Retry == nil {
		o.Retry = []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute}
	}
	if o.ExitCode == nil {
		o.ExitCode = func(outcome string) int {
			if outcome == OutcomeSuccess {
				return 0
			}
			return 1
		}
	}
}

func newRunID(now time.Time) string {
	b := make([]byte, 3)
	rand.Read(b)
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// Run takes the job's snapshot with diskshadow, lets the rendered copy
// script mirror it, and makes sure every shadow it created is deleted
// afterwards, whatever happens. The report is returned in every case; err
// is an *Error unless the outcome is success.
func Run(ctx context.Context, opts Options) (*Report, error) {
	opts.defaults()
	j := opts.Job
	rep, finish := newReport(opts, "")

	letters := job.ExposeLetters(j)
	for _, sk := range opts.SkipChecks {
		if !slices.Contains(SkippableChecks, sk) {
			err := fmt.Errorf("--skip-check %q: not a check that can be skipped (%s)", sk, strings.Join(SkippableChecks, ", "))
			rep.Errors = append(rep.Errors, RunError{Kind: "preflight", Message: err.Error()})
			return finish(OutcomePreflightFailed, err)
		}
	}
	checks, exe, err := preflight(j, opts.Diskshadow, letters, opts.SkipChecks)
	rep.Preflight = checks
	rep.Diskshadow.Path = exe
	if err != nil {
		rep.Errors = append(rep.Errors, RunError{Kind: "preflight", Message: err.Error()})
		return finish(OutcomePreflightFailed, err)
	}
	lock, journal, outcome, err := lockAndJournal(opts)
	if err != nil {
		rep.Errors = append(rep.Errors, RunError{Kind: "lock", Message: err.Error()})
		return finish(outcome, err)
	}
	defer lock.Unlock()

	scriptsDir := opts.ScriptsDir
	if scriptsDir == "" {
		scriptsDir = j.ScriptsDir
	}
	rep.RunDir = filepath.Join(scriptsDir, "runs", rep.RunID)
	if err := os.MkdirAll(rep.RunDir, 0o755); err != nil {
		return finish(OutcomePreflightFailed, fmt.Errorf("creating the run folder: %w", err))
	}
	runLog, err := os.Create(filepath.Join(rep.RunDir, "vssmirror-run.log"))
	if err != nil {
		return finish(OutcomePreflightFailed, fmt.Errorf("creating the run log: %w", err))
	}
	defer runLog.Close()
	console := io.MultiWriter(opts.Console)

	// A crash of an earlier run left shadows: remove them before making new ones.
	if len(journal.Entries) > 0 {
		msg := fmt.Sprintf("an earlier run left %d shadow(s) in the journal (%s): deleting them first", len(journal.Entries), strings.Join(journal.IDs(), ", "))
		rep.Notes = append(rep.Notes, msg)
		fmt.Fprintln(console, "vssmirror:", msg)
		res := cleanupShadows(exe, rep.RunDir, journal, console, runLog, opts)
		rep.Cleanup = res
		if len(res.Leaked) > 0 {
			rep.Errors = append(rep.Errors, RunError{Kind: "cleanup", Message: "shadows of an earlier run could not be deleted; no new snapshot was taken"})
			return finish(OutcomeCleanupFailed, errors.New("shadows of an earlier run are left"))
		}
	}

	history, err := ReadHistory(opts.StateDir, j.Name)
	if err != nil {
		rep.Notes = append(rep.Notes, "reading the run history: "+err.Error())
	}
	rep.Set = ChooseSet(j.Sets, history, opts.Now())
	if rep.Set != "" {
		fmt.Fprintf(console, "vssmirror: backup set %s (%s)\n", rep.Set, setFolder(j.Destination, rep.Set))
	}
	self, _ := os.Executable()
	bundle, err := dshgen.Render(j, dshgen.RenderOptions{TemplateDir: opts.TemplateDir, ScriptsDir: rep.RunDir, GuardExe: self, Set: rep.Set})
	if err == nil {
		err = bundle.Write(rep.RunDir)
	}
	if err != nil {
		rep.Errors = append(rep.Errors, RunError{Kind: "render", Message: err.Error()})
		return finish(OutcomePreflightFailed, err)
	}
	for _, f := range bundle.Files {
		rep.Scripts = append(rep.Scripts, filepath.Join(rep.RunDir, f.Name))
	}

	runCtx := ctx
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	env := append(os.Environ(), "VSSMIRROR_RUN_DIR="+rep.RunDir)
	var res *dsResult
	for attempt := 1; ; attempt++ {
		rep.Diskshadow.Attempts = attempt
		name := "diskshadow.log"
		if attempt > 1 {
			name = fmt.Sprintf("diskshadow-%d.log", attempt)
		}
		rep.Diskshadow.Log = filepath.Join(rep.RunDir, name)
		var runErr error
		res, runErr = runDiskshadow(runCtx, exe, rep.Scripts[0], rep.Diskshadow.Log, rep.RunDir, env, console, runLog, func(r *dshgen.OutputReader) error {
			return journalShadows(journal, r.Output(), rep.RunID, opts.Now())
		})
		if runErr != nil {
			rep.Errors = append(rep.Errors, RunError{Kind: "diskshadow", Message: runErr.Error()})
		}
		if attempt > len(opts.Retry) || res.Killed || len(res.Output.Shadows) > 0 || !inProgress(res.Output) {
			break
		}
		wait := opts.Retry[attempt-1]
		fmt.Fprintf(console, "vssmirror: another snapshot is in progress (VSS_E_SNAPSHOT_SET_IN_PROGRESS); retrying in %s\n", wait)
		select {
		case <-runCtx.Done():
		case <-time.After(wait):
		}
		if runCtx.Err() != nil {
			res.Killed = true
			break
		}
	}
	code := res.ExitCode
	rep.Diskshadow.ExitCode = &code
	outcome = evaluate(rep, res, bundle.Plan, j)
	switch {
	case errors.Is(runCtx.Err(), context.DeadlineExceeded) && ctx.Err() == nil:
		outcome = OutcomeTimeout
		rep.Errors = append(rep.Errors, RunError{Kind: "timeout", Message: fmt.Sprintf("the run did not finish within %s; diskshadow and everything it started were stopped", opts.Timeout)})
	case ctx.Err() != nil:
		outcome = OutcomeInterrupted
		rep.Errors = append(rep.Errors, RunError{Kind: "interrupted", Message: "the run was interrupted; diskshadow and everything it started were stopped"})
	}

	// The script's own delete lines removed these.
	if len(res.Output.Deleted) > 0 {
		if err := journal.Remove(res.Output.Deleted...); err != nil {
			rep.Notes = append(rep.Notes, err.Error())
		}
	}
	if len(journal.Entries) > 0 {
		fmt.Fprintf(console, "vssmirror: %d shadow(s) of this run are still there: deleting them\n", len(journal.Entries))
		cr := cleanupShadows(exe, rep.RunDir, journal, console, runLog, opts)
		rep.Cleanup.Attempted = true
		rep.Cleanup.Deleted = append(rep.Cleanup.Deleted, cr.Deleted...)
		rep.Cleanup.Leaked, rep.Cleanup.Command = cr.Leaked, cr.Command
		if len(cr.Leaked) > 0 {
			rep.Errors = append(rep.Errors, RunError{Kind: "cleanup", Message: fmt.Sprintf("%d shadow(s) could not be deleted: %s; run: %s", len(cr.Leaked), strings.Join(cr.Leaked, ", "), cr.Command)})
			outcome = OutcomeCleanupFailed
		}
	}
	if outcome == OutcomeSuccess {
		// The set is good only now; a marker failure is noted, the backup stays a success.
		rep.Outcome, rep.ExitCode = outcome, opts.ExitCode(outcome)
		if err := writeMarker(rep, j.Destination); err != nil {
			rep.Notes = append(rep.Notes, "set marker: "+err.Error())
		}
	}
	var runErr error
	if len(rep.Errors) > 0 {
		runErr = errors.New(rep.Errors[0].Message)
	}
	return finish(outcome, runErr)
}

// inProgress reports whether the run failed only because another snapshot
// set was being created.
func inProgress(out *dshgen.Output) bool {
	for _, f := range out.Failures {
		if f.Kind == dshgen.FailVSS && f.Code == fmt.Sprintf("%08X", uint32(dshgen.VSSSnapshotSetInProgress)) {
			return true
		}
	}
	return false
}

// journalShadows records every shadow seen so far (and where it is exposed).
func journalShadows(j *Journal, out *dshgen.Output, runID string, now time.Time) error {
	var entries []JournalEntry
	for _, s := range out.Shadows {
		deleted := false
		for _, d := range out.Deleted {
			if strings.EqualFold(d, s.ID) {
				deleted = true
			}
		}
		if !deleted {
			entries = append(entries, JournalEntry{ID: s.ID, SetID: s.SetID, Alias: s.Alias, Volume: s.Volume, ExposedAs: s.ExposedAs, RunID: runID, Recorded: now})
		}
	}
	if len(entries) == 0 {
		return nil
	}
	return j.Record(entries...)
}

// evaluate fills the report from diskshadow's output and the robocopy logs
// and returns the outcome before cleanup.
func evaluate(rep *Report, res *dsResult, plan *dshgen.Plan, j *job.Job) string {
	out := res.Output
	for _, s := range out.Shadows {
		rep.Shadows = append(rep.Shadows, Shadow{ID: s.ID, SetID: s.SetID, Alias: s.Alias, Volume: s.Volume, Device: s.Device, ExposedAs: s.ExposedAs})
	}
	rep.Writers = append(rep.Writers, out.Writers...)
	snapshotFailed, copyFailed := false, false
	for _, f := range out.Failures {
		rep.Errors = append(rep.Errors, RunError{Kind: f.Kind, Code: f.Code, Name: f.Name, Message: f.Message, Line: f.Line})
		if f.Kind == dshgen.FailExec {
			copyFailed = true
		} else {
			snapshotFailed = true
		}
	}
	// Every planned volume must have its shadow, exposed on its letter.
	for _, v := range plan.Volumes {
		var found *dshgen.ShadowCopy
		for i := range out.Shadows {
			if strings.EqualFold(out.Shadows[i].Alias, v.Alias) {
				found = &out.Shadows[i]
			}
		}
		switch {
		case found == nil:
			snapshotFailed = true
			rep.Errors = append(rep.Errors, RunError{Kind: "create", Message: fmt.Sprintf("no shadow copy of %s: was created", v.Letter)})
		case !strings.EqualFold(strings.TrimSuffix(found.ExposedAs, `\`), v.Expose+":"):
			snapshotFailed = true
			rep.Errors = append(rep.Errors, RunError{Kind: "expose", Message: fmt.Sprintf("the shadow copy of %s: was not exposed as %s:", v.Letter, v.Expose)})
		}
	}
	if res.ExitCode != 0 && !copyFailed && !res.Killed {
		snapshotFailed = true
		rep.Errors = append(rep.Errors, RunError{Kind: "diskshadow", Code: fmt.Sprint(res.ExitCode), Message: fmt.Sprintf("diskshadow exited with code %d; last output: %s", res.ExitCode, strings.Join(res.Tail, " | "))})
	}
	// Per-source results from the robocopy logs the copy script wrote.
	for i, s := range plan.Sources {
		sr := SourceResult{Path: j.Sources[i].Path, Dest: s.Dest, Log: filepath.Join(rep.RunDir, s.LogName), Outcome: "not_run", Errors: []robocmd.LogError{}}
		if f, err := os.Open(sr.Log); err == nil {
			l, perr := robocmd.ParseLog(f, robocmd.LogOptions{})
			f.Close()
			if perr == nil && len(l.Jobs) > 0 {
				last := l.Jobs[len(l.Jobs)-1]
				sr.Outcome, sr.Files, sr.Bytes, sr.Deleted = last.Outcome, last.Files, last.Bytes, last.Deleted
				sr.Errors, sr.ErrorsTotal, sr.Notes = last.Errors, last.ErrorsTotal, last.Notes
			} else if perr != nil {
				sr.Notes = append(sr.Notes, perr.Error())
			}
		}
		if plan.Guard != nil {
			if f, err := os.Open(filepath.Join(rep.RunDir, s.GuardLog)); err == nil {
				if l, err := robocmd.ParseLog(f, robocmd.LogOptions{}); err == nil && len(l.Jobs) > 0 {
					if v := robocmd.DeletionGuard(l.Jobs[len(l.Jobs)-1], plan.Guard.MaxPercent, plan.Guard.MaxFiles); !v.OK {
						sr.Outcome = "guarded"
						sr.Notes = append(sr.Notes, "deletion guard: "+v.Message)
						rep.Errors = append(rep.Errors, RunError{Kind: "guard", Message: fmt.Sprintf("%s: deletion guard: %s", sr.Path, v.Message)})
					}
				}
				f.Close()
			}
		}
		if sr.Outcome != robocmd.OutcomeSuccess && !snapshotFailed {
			copyFailed = true
		}
		rep.Sources = append(rep.Sources, sr)
	}
	switch {
	case snapshotFailed:
		return OutcomeSnapshotFailed
	case copyFailed:
		return OutcomeCopyPartial
	}
	return OutcomeSuccess
}

// cleanupShadows runs a second diskshadow that deletes exactly the shadows
// in the journal, by ID, and removes from the journal those that are gone.
func cleanupShadows(exe, dir string, journal *Journal, console, runLog io.Writer, opts Options) CleanupResult {
	res := CleanupResult{Attempted: true, Deleted: []string{}, Leaked: []string{}}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	ids := journal.IDs()
	var b strings.Builder
	b.WriteString("# vssmirror cleanup: deletes only the shadow copies this job created and recorded in its journal.\r\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "delete shadows id %s\r\n", id)
	}
	b.WriteString("exit\r\n")
	stamp := opts.Now().UTC().Format("20060102T150405.000")
	script := filepath.Join(dir, "cleanup-"+stamp+".dsh")
	res.Command = fmt.Sprintf("vssmirror cleanup --config %s --state-dir %s", orDash(opts.ConfigPath), opts.StateDir)
	if err := os.WriteFile(script, []byte(b.String()), 0o644); err != nil {
		res.Leaked = ids
		return res
	}
	r, err := runDiskshadow(ctx, exe, script, filepath.Join(dir, "cleanup-"+stamp+".log"), dir, os.Environ(), console, runLog, nil)
	if err != nil {
		fmt.Fprintln(console, "vssmirror: cleanup:", err)
	}
	gone := append([]string{}, r.Output.Deleted...)
	// A shadow that no longer exists is gone too (deleted by hand, or by a reboot for non-persistent ones).
	for _, f := range r.Output.Failures {
		if f.Name == "VSS_E_OBJECT_NOT_FOUND" {
			for _, id := range ids {
				if strings.Contains(strings.ToLower(f.Command), strings.ToLower(id)) {
					gone = append(gone, id)
				}
			}
		}
	}
	if err := journal.Remove(gone...); err != nil {
		fmt.Fprintln(console, "vssmirror: cleanup:", err)
	}
	for _, id := range ids {
		deleted := false
		for _, g := range gone {
			if strings.EqualFold(g, id) {
				deleted = true
			}
		}
		if deleted {
			res.Deleted = append(res.Deleted, id)
		} else {
			res.Leaked = append(res.Leaked, id)
		}
	}
	if len(res.Leaked) > 0 {
		res.Command += fmt.Sprintf(" (or by hand in diskshadow: %s)", "delete shadows id "+strings.Join(res.Leaked, ", delete shadows id "))
	}
	return res
}

// Cleanup deletes the shadows recorded in the job's journal: what
// `vssmirror cleanup` does by hand after a failed run.
func Cleanup(ctx context.Context, opts Options) (*Report, error) {
	opts.defaults()
	rep, done := newReport(opts, "cleanup-")
	finish := func(outcome string, err error) (*Report, error) {
		if err != nil {
			rep.Errors = append(rep.Errors, RunError{Kind: "cleanup", Message: err.Error()})
		}
		return done(outcome, err)
	}
	ds := resolveDiskshadow(opts.Diskshadow)
	rep.Preflight = append(rep.Preflight, ds)
	if !ds.OK {
		return finish(OutcomePreflightFailed, &PreflightError{ds})
	}
	rep.Diskshadow.Path = ds.Message
	lock, journal, outcome, err := lockAndJournal(opts)
	if err != nil {
		return finish(outcome, err)
	}
	defer lock.Unlock()
	if len(journal.Entries) == 0 {
		rep.Notes = append(rep.Notes, "the journal lists no shadow copies: nothing to delete")
		return finish(OutcomeSuccess, nil)
	}
	dir := filepath.Join(opts.StateDir, rep.RunID)
	rep.RunDir = dir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return finish(OutcomeCleanupFailed, err)
	}
	runLog, err := os.Create(filepath.Join(dir, "vssmirror-cleanup.log"))
	if err != nil {
		return finish(OutcomeCleanupFailed, err)
	}
	defer runLog.Close()
	rep.Cleanup = cleanupShadows(rep.Diskshadow.Path, dir, journal, opts.Console, runLog, opts)
	if len(rep.Cleanup.Leaked) > 0 {
		return finish(OutcomeCleanupFailed, fmt.Errorf("%d shadow(s) could not be deleted: %s", len(rep.Cleanup.Leaked), strings.Join(rep.Cleanup.Leaked, ", ")))
	}
	return finish(OutcomeSuccess, nil)
}
