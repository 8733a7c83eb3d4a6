package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// DefaultHold is how long `vssmirror snapshot start` holds its snapshot
// when --hold is not given.
const DefaultHold = 8 * time.Hour

// Hold limits of --hold: a held snapshot's differences fill the shadow
// storage while the volume changes, so it is not kept for ever.
const (
	MinHold = time.Minute
	MaxHold = 30 * 24 * time.Hour
)

// ErrHeld is wrapped when a run meets a held snapshot of its job.
var ErrHeld = errors.New("a snapshot of this job is held")

// deletableIDs are the journaled shadows this run may delete: all of them
// but the held snapshots whose deadline has not passed (unless the run
// releases holds: snapshot stop, run --force-release).
func (r *run) deletableIDs() []string {
	if r.journal == nil {
		return nil
	}
	now := r.opts.Now()
	var ids []string
	for _, e := range r.journal.Entries {
		if r.releaseHolds || !e.Held(now) {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

// heldEntries are the journal's held snapshots whose deadline has not passed.
func heldEntries(j *state.Journal, now time.Time) []state.JournalEntry {
	var held []state.JournalEntry
	for _, e := range j.Entries {
		if e.Held(now) {
			held = append(held, e)
		}
	}
	return held
}

// refuseHeld stops a run (exit 13, the lock's class) while a snapshot of
// the job is held, unless --force-release: the held snapshot belongs to
// whatever reads it, and a run would expose its own on the same letters.
// Holds whose deadline passed are deleted with the other leftovers.
func (r *run) refuseHeld() *failure {
	held := heldEntries(r.journal, r.opts.Now())
	if len(held) == 0 {
		return nil
	}
	if r.opts.ForceRelease {
		r.releaseHolds = true
		r.note("--force-release: deleting the held snapshot (%s) before the run", describeHeld(held))
		return nil
	}
	hint := ", or run with --force-release to delete it first"
	if !r.history { // snapshot start: a held snapshot is ended by stop, never replaced
		hint = " first"
	}
	return fail(report.Locked, "lock", fmt.Errorf("%w until %s (%s): end it with `vssmirror snapshot stop --config %s`%s",
		ErrHeld, held[0].HoldUntil.Local().Format(time.RFC3339), describeHeld(held), orText(r.opts.ConfigPath, "job.yaml"), hint))
}

func describeHeld(held []state.JournalEntry) string {
	parts := make([]string, len(held))
	for i, e := range held {
		parts[i] = fmt.Sprintf("%s of %s exposed as %s", e.ID, orText(e.Volume, "?"), orText(e.ExposedAs, "-"))
	}
	return strings.Join(parts, ", ")
}

// noteHeld notes the held snapshots a cleanup leaves alone.
func (r *run) noteHeld() {
	if r.releaseHolds {
		return
	}
	if held := heldEntries(r.journal, r.opts.Now()); len(held) > 0 {
		r.note("held snapshot(s) left alone until their deadline (%s); `vssmirror snapshot stop` ends them", describeHeld(held))
	}
}

// SnapshotStart is `vssmirror snapshot start`: the pre_snapshot hook,
// create, expose on the job's letters, the post_snapshot hook, then the
// shadows are journaled with the hold deadline now+hold and left for
// another tool to read. The report lists them; err is an *Error unless the
// outcome is success. A failure deletes what was created (and keeps the
// resume promise), like a run.
func SnapshotStart(ctx context.Context, opts Options, hold time.Duration) (*report.Report, error) {
	r := newRun(opts, report.SnapshotIDPrefix)
	if hold == 0 {
		hold = DefaultHold
	}
	if hold < MinHold || hold > MaxHold {
		return r.finish(report.PreflightFailed, &kindError{"preflight", fmt.Errorf("--hold %s is out of range: from %s to %s", hold, MinHold, MaxHold)})
	}
	r.opts.ForceRelease = false // a held snapshot is ended by stop, never replaced
	// Nothing is copied: the destination need not be reachable.
	if !slices.Contains(r.opts.SkipChecks, "destination-writable") {
		r.opts.SkipChecks = append(slices.Clip(r.opts.SkipChecks), "destination-writable")
	}
	for _, step := range []func() *failure{
		r.checkOptions, r.preflight, r.lockAndJournal, r.createRunDir, r.cleanupEarlierRun, r.renderTwoPhase,
	} {
		if f := step(); f != nil {
			return r.finish(f.outcome, f.err)
		}
	}
	outcome := r.snapshotAndCopy(ctx)
	if outcome != report.Success {
		outcome = r.cleanupAfterRun(outcome)
		return r.finish(outcome, nil)
	}
	until := r.opts.Now().Add(hold)
	var ids []string
	for _, e := range r.journal.Entries {
		if e.RunID == r.rep.RunID {
			ids = append(ids, e.ID)
		}
	}
	if err := r.journal.Hold(until, ids...); err != nil {
		// Without a recorded hold the next run would take the shadows for
		// leftovers: delete them now rather than hold them unrecorded.
		r.errorf("journal", "recording the hold failed (%v): the snapshot is deleted again", err)
		r.releaseHolds = true
		return r.finish(r.cleanupAfterRun(report.SnapshotFailed), nil)
	}
	u := until
	r.rep.HoldUntil = &u
	for _, s := range r.rep.Shadows {
		r.say("held: %s snapshot exposed as %s (shadow %s) until %s", s.Volume, s.ExposedAs, s.ID, until.Local().Format(time.RFC3339))
	}
	return r.finish(report.Success, nil)
}

// renderTwoPhase renders the two-phase scripts into the run folder.
func (r *run) renderTwoPhase() *failure { return r.renderScripts(true) }

// SnapshotStop is `vssmirror snapshot stop`: it deletes the job's held
// snapshot by the shadow IDs in the journal (deadline or not), and any
// other shadow a failed run of the job left, and reports each one's fate.
func SnapshotStop(ctx context.Context, opts Options) (*report.Report, error) {
	return cleanup(ctx, opts, report.SnapshotStopIDPrefix, true)
}

// Held is a held snapshot's shadow, for `vssmirror snapshot status`.
type Held struct {
	ID         string    `json:"id"`
	Volume     string    `json:"volume"`
	ExposedAs  string    `json:"exposed_as"`
	RunID      string    `json:"run_id"`
	Created    time.Time `json:"created"`
	AgeSeconds float64   `json:"age_seconds"`
	HoldUntil  time.Time `json:"hold_until"`
	Expired    bool      `json:"expired"` // the next run or cleanup deletes it
}

// SnapshotStatus lists the job's held snapshots (expired ones too) from
// its journal, oldest first. It reads the journal without the lock: a
// status while a run holds the lock shows what was journaled last.
func SnapshotStatus(opts Options) ([]Held, error) {
	opts.defaults()
	if c := statePrivate(opts.StateDir, opts.Job.Name); !c.OK {
		return nil, &Error{Outcome: report.PreflightFailed, Err: &PreflightError{c}}
	}
	j, err := state.OpenJournal(opts.StateDir, opts.Job.Name)
	if err != nil {
		if errors.Is(err, state.ErrCorrupt) {
			return nil, &Error{Outcome: report.Failed, Err: err}
		}
		return nil, err
	}
	now := opts.Now()
	held := []Held{}
	for _, e := range j.Entries {
		if e.HoldUntil == nil {
			continue
		}
		held = append(held, Held{ID: e.ID, Volume: e.Volume, ExposedAs: e.ExposedAs, RunID: e.RunID, Created: e.Recorded,
			AgeSeconds: now.Sub(e.Recorded).Seconds(), HoldUntil: *e.HoldUntil, Expired: !e.Held(now)})
	}
	sort.SliceStable(held, func(a, b int) bool { return held[a].Created.Before(held[b].Created) })
	return held, nil
}
