package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/dshgen/output"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner/report"
)

// evaluate fills the report from diskshadow's output and the robocopy logs
// and returns the outcome before cleanup.
func evaluate(rep *report.Report, res *dsResult, plan *dshgen.Plan, j *job.Job) report.Outcome {
	out := res.Output
	for _, s := range out.Shadows {
		rep.Shadows = append(rep.Shadows, report.Shadow{ID: s.ID, SetID: s.SetID, Alias: s.Alias, Volume: s.Volume, Device: s.Device, ExposedAs: s.ExposedAs})
	}
	rep.Writers = append(rep.Writers, out.Writers...)
	snapshotFailed, copyFailed := false, false
	for _, f := range out.Failures {
		rep.Errors = append(rep.Errors, report.RunError{Kind: f.Kind, Code: f.Code, Name: f.Name, Message: f.Message, Line: f.Line})
		if f.Kind == output.FailExec {
			copyFailed = true
		} else {
			snapshotFailed = true
		}
	}
	// Every planned volume must have its shadow, exposed on its letter.
	for _, v := range plan.Volumes {
		found := shadowOf(out.Shadows, v)
		switch {
		case found == nil:
			snapshotFailed = true
			rep.Errors = append(rep.Errors, report.RunError{Kind: "create", Message: fmt.Sprintf("no shadow copy of %s: was created", v.Letter)})
		case !strings.EqualFold(strings.TrimSuffix(found.ExposedAs, `\`), v.Expose+":"):
			snapshotFailed = true
			rep.Errors = append(rep.Errors, report.RunError{Kind: "expose", Message: fmt.Sprintf("the shadow copy of %s: was not exposed as %s:", v.Letter, v.Expose)})
		}
	}
	if res.ExitCode != 0 && !copyFailed && !res.Killed {
		snapshotFailed = true
		rep.Errors = append(rep.Errors, report.RunError{Kind: "diskshadow", Code: fmt.Sprint(res.ExitCode), Message: fmt.Sprintf("diskshadow exited with code %d; last output: %s", res.ExitCode, strings.Join(res.Tail, " | "))})
	}
	for i, s := range plan.Sources {
		sr := sourceResult(rep, plan, j.Sources[i].Path, s)
		if !sr.Outcome.Copied() && !snapshotFailed {
			copyFailed = true
		}
		rep.Sources = append(rep.Sources, sr)
	}
	switch {
	case snapshotFailed:
		return report.SnapshotFailed
	case copyFailed:
		return report.CopyFailed
	}
	return report.Success
}

// shadowOf finds the shadow of a planned volume: by the volume diskshadow
// names in the shadow's record ([D:\]), which no template or language
// changes, else by the alias the plan gave it.
func shadowOf(shadows []output.ShadowCopy, v dshgen.Volume) *output.ShadowCopy {
	for i := range shadows {
		if strings.EqualFold(strings.TrimSuffix(shadows[i].Volume, `\`), v.Letter+":") {
			return &shadows[i]
		}
	}
	for i := range shadows {
		if strings.EqualFold(shadows[i].Alias, v.Alias) {
			return &shadows[i]
		}
	}
	return nil
}

// sourceResult reads one source's robocopy log (and the deletion guard's
// /L log) from the run folder.
func sourceResult(rep *report.Report, plan *dshgen.Plan, path string, s dshgen.CopySource) report.SourceResult {
	sr := report.SourceResult{Path: path, Dest: s.Dest, Log: filepath.Join(rep.RunDir, s.LogName), Outcome: report.SourceNotRun, Errors: []robocmd.LogError{}}
	if l, err := parseLogFile(sr.Log); err == nil {
		last := l.Jobs[len(l.Jobs)-1]
		sr.Outcome, sr.Files, sr.Bytes, sr.Deleted = report.SourceOutcomeOf(last.Outcome), last.Files, last.Bytes, last.Deleted
		sr.Errors, sr.ErrorsTotal, sr.Notes = last.Errors, last.ErrorsTotal, last.Notes
	} else if !os.IsNotExist(err) {
		sr.Notes = append(sr.Notes, err.Error())
	}
	if plan.Guard == nil {
		return sr
	}
	if l, err := parseLogFile(filepath.Join(rep.RunDir, s.GuardLog)); err == nil {
		if v := robocmd.DeletionGuard(l.Jobs[len(l.Jobs)-1], plan.Guard.MaxPercent, plan.Guard.MaxFiles); !v.OK {
			sr.Outcome = report.SourceGuarded
			sr.Notes = append(sr.Notes, "deletion guard: "+v.Message)
			rep.Errors = append(rep.Errors, report.RunError{Kind: "guard", Message: fmt.Sprintf("%s: deletion guard: %s", sr.Path, v.Message)})
		}
	}
	return sr
}

// parseLogFile parses a robocopy log file that holds at least one job.
func parseLogFile(path string) (*robocmd.Log, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := robocmd.ParseLog(f, robocmd.LogOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	if len(l.Jobs) == 0 {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), robocmd.ErrNotRobocopyLog)
	}
	return l, nil
}
