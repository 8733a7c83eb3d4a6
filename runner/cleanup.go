package runner

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/dshgen/output"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// deleteJournaled deletes exactly the shadows in the journal, one
// diskshadow call per ID (a failed delete never keeps the others from
// being tried), and removes from the journal those that are gone. Each
// call's script is rendered from the cleanup-ids template and linted.
//
// Whether a shadow is gone is read from what does not depend on the
// language of diskshadow's messages, and only from positive evidence
// (judgeDelete): the script lists the shadows after the delete; the shadow
// is gone when the listing finished (its echo, no failure for it, the
// `exit` echo after it, exit code 0) without its ID. VSS_E_OBJECT_NOT_FOUND
// (80042308) on the delete means it was already gone. Anything else leaves
// it in the journal.
func (r *run) deleteJournaled(dir string) report.CleanupResult {
	res := report.CleanupResult{Attempted: true, Deleted: []string{}, Leaked: []string{}, Shadows: []report.ShadowFate{}}
	res.Command = cleanupCommand(r.opts.ConfigPath, r.opts.StateDir)
	ids := r.deletableIDs()
	ctx, cancel := context.WithTimeout(context.Background(), r.opts.CleanupTimeout)
	defer cancel()
	var gone []string
	for i, id := range ids {
		fate := r.deleteOne(ctx, dir, i+1, id)
		res.Shadows = append(res.Shadows, fate)
		if fate.Fate == report.FateLeft {
			res.Leaked = append(res.Leaked, id)
			continue
		}
		res.Deleted = append(res.Deleted, id)
		gone = append(gone, id)
	}
	if len(gone) > 0 {
		if err := r.journal.Remove(gone...); err != nil {
			r.journalFailed(err)
		}
	}
	if len(res.Leaked) > 0 {
		res.Command += " (or by hand in diskshadow: delete shadows id " + strings.Join(res.Leaked, ", delete shadows id ") + ")"
	}
	return res
}

// deleteOne runs one diskshadow that deletes one shadow and lists what is
// left, and tells that shadow's fate.
func (r *run) deleteOne(ctx context.Context, dir string, n int, id string) report.ShadowFate {
	fate := report.ShadowFate{ID: id, Fate: report.FateLeft}
	f, err := dshgen.RenderCleanup(r.j.Name, []string{id}, r.opts.TemplateDir)
	if err != nil {
		fate.Message = err.Error()
		return fate
	}
	stamp := r.opts.Now().UTC().Format("20060102T150405")
	base := fmt.Sprintf("cleanup-%s-%d", stamp, n)
	script := filepath.Join(dir, base+".dsh")
	if err := os.WriteFile(script, f.Data, 0o600); err != nil {
		fate.Message = fmt.Sprintf("writing the cleanup script: %v", err)
		return fate
	}
	res, err := runDiskshadow(ctx, r.exe, script, filepath.Join(dir, base+".log"), dir, r.childEnv(), r.console, r.logWriter(), nil)
	if err != nil {
		fate.Message = err.Error()
		r.say("cleanup: %v", err)
	}
	fate.Fate, fate.Message = judgeDelete(res, id, fate.Message)
	return fate
}

// judgeDelete tells from a cleanup diskshadow's run (its output, exit code
// and whether it was stopped) whether shadow id is gone. Only positive
// evidence counts, none of it in diskshadow's (localized) words: the
// `list shadows all` echo, no failure for the listing, the `exit` echo
// after it (the listing was printed whole), exit code 0, and id not among
// the listed GUIDs. Or VSS_E_OBJECT_NOT_FOUND's HRESULT for the delete:
// the shadow was gone already. Anything else leaves it in the journal.
func judgeDelete(res *dsResult, id, msg string) (string, string) {
	if res == nil || res.Output == nil {
		return report.FateLeft, orText(msg, "diskshadow did not run: its fate is unknown")
	}
	out := res.Output
	verb := func(cmd string) string { // a script line's first word
		if f := strings.Fields(cmd); len(f) > 0 {
			return strings.ToLower(f[0])
		}
		return ""
	}
	listed := slices.ContainsFunc(out.Listed, func(g string) bool { return strings.EqualFold(g, id) })
	notFound := slices.ContainsFunc(out.Failures, func(f output.Failure) bool {
		return f.Code == output.VSSObjectNotFound.Code() && verb(f.Command) == "delete"
	})
	listFailed := slices.ContainsFunc(out.Failures, func(f output.Failure) bool {
		return verb(f.Command) == "list"
	})
	switch {
	case out.ListRan && listed:
		return report.FateLeft, orText(msg, "the shadow copy is still listed after the delete")
	case notFound:
		return report.FateNotFound, "it no longer existed"
	case !out.ListRan:
		return report.FateLeft, orText(msg, "diskshadow stopped before listing the shadows: its fate is unknown")
	case listFailed:
		return report.FateLeft, orText(msg, "listing the shadows failed after the delete: its fate is unknown")
	case verb(out.LastCommand) != "exit":
		return report.FateLeft, orText(msg, fmt.Sprintf("diskshadow stopped at %q, before exit: the listing may be incomplete, its fate is unknown", out.LastCommand))
	case res.Killed:
		return report.FateLeft, orText(msg, "diskshadow was stopped: its fate is unknown")
	case res.ExitCode != 0:
		return report.FateLeft, orText(msg, fmt.Sprintf("diskshadow exited with code %d: its fate is unknown", res.ExitCode))
	}
	return report.FateDeleted, ""
}

// cleanupCommand is the command an admin types to delete what is left,
// each path quoted for the prompt (or named in words when it cannot be).
func cleanupCommand(config, stateDir string) string {
	arg := func(flag, v string) string {
		if v == "" {
			return ""
		}
		q, err := robocmd.QuotePrompt(v)
		if err != nil {
			return " " + flag + " <" + v + ">"
		}
		return " " + flag + " " + q
	}
	return "vssmirror cleanup" + arg("--config", orText(config, "job.yaml")) + arg("--state-dir", stateDir)
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// logWriter is the run log, or nothing when it could not be created.
func (r *run) logWriter() io.Writer {
	if r.runLog != nil {
		return r.runLog
	}
	return io.Discard
}

// Cleanup deletes the shadows recorded in the job's journal: what
// `vssmirror cleanup` does by hand after a failed run.
func Cleanup(ctx context.Context, opts Options) (*report.Report, error) {
	return cleanup(ctx, opts, report.CleanupIDPrefix, false)
}

// cleanup is Cleanup and SnapshotStop: release says whether held
// snapshots whose deadline has not passed are deleted too.
func cleanup(_ context.Context, opts Options, prefix string, release bool) (*report.Report, error) {
	r := newRun(opts, prefix)
	r.releaseHolds = release
	ds := resolveDiskshadow(r.opts.Diskshadow)
	r.rep.Preflight = append(r.rep.Preflight, ds)
	if !ds.OK {
		return r.finish(report.PreflightFailed, &kindError{"preflight", &PreflightError{ds}})
	}
	r.exe = ds.Message
	r.rep.Diskshadow.Path = ds.Message
	// The journal names the shadows deleted elevated: nobody else may
	// write it, nor the folder it is in.
	priv := statePrivate(r.opts.StateDir, r.j.Name)
	r.rep.Preflight = append(r.rep.Preflight, priv)
	if !priv.OK {
		return r.finish(report.PreflightFailed, &kindError{"preflight", &PreflightError{priv}})
	}
	if f := r.lockAndJournal(); f != nil {
		return r.finish(f.outcome, f.err)
	}
	r.noteHeld()
	if len(r.deletableIDs()) == 0 {
		r.note("the journal lists no shadow copies to delete")
		return r.finish(report.Success, nil)
	}
	dir := filepath.Join(r.opts.StateDir, r.rep.RunID)
	r.rep.RunDir = dir
	if err := state.MkdirPrivate(dir); err != nil {
		r.rep.Cleanup.Leaked = r.deletableIDs()
		return r.finish(report.CleanupFailed, &kindError{"cleanup", err})
	}
	lf, err := os.Create(filepath.Join(dir, "vssmirror-cleanup.log"))
	if err != nil {
		r.rep.Cleanup.Leaked = r.deletableIDs()
		return r.finish(report.CleanupFailed, &kindError{"cleanup", err})
	}
	r.runLog = lf
	r.rep.Cleanup = r.deleteJournaled(dir)
	if len(r.rep.Cleanup.Leaked) > 0 {
		return r.finish(report.CleanupFailed, &kindError{"cleanup", fmt.Errorf("%d shadow(s) could not be deleted: %s", len(r.rep.Cleanup.Leaked), strings.Join(r.rep.Cleanup.Leaked, ", "))})
	}
	return r.finish(report.Success, nil)
}
