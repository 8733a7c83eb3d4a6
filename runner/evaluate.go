package runner

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/dshgen/output"
	"github.com/vssmirror/vssmirror/dshgen/script"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner/report"
)

// evaluate fills the report from diskshadow's output and the robocopy logs
// and returns the outcome before cleanup.
func evaluate(rep *report.Report, res *dsResult, bundle *dshgen.Bundle, j *job.Job) report.Outcome {
	out, plan := res.Output, bundle.Plan
	// A localized diskshadow says in words only it knows that the copy
	// script failed; that it stopped at exec says so in any language.
	if !res.Killed && out.StoppedAtExec() && (res.ExitCode != 0 || goesOnAfterExec(bundle)) {
		out.ConcludeExec()
	}
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
	if judgeWriters(rep, out, j) {
		snapshotFailed = true
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
		if plan.TwoPhase {
			break // nothing is copied: the snapshot is held for another tool
		}
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

// goesOnAfterExec reports whether the rendered diskshadow script (the
// bundle's first file, as it ran, template overrides included) has a
// command after its exec line: then a run that stopped at exec did so
// because the copy script failed.
func goesOnAfterExec(bundle *dshgen.Bundle) bool {
	if len(bundle.Files) == 0 {
		return false
	}
	s, err := script.Parse(bytes.NewReader(bundle.Files[0].Data))
	if err != nil {
		return false
	}
	for i, st := range s.Statements {
		if st.Verb == "exec" {
			return i+1 < len(s.Statements)
		}
	}
	return false
}

// verifiedWriter is a writer of the job's verify_writers, with the name
// diskshadow prints for it (job.Writer.DisplayName: "SqlServerWriter",
// "Microsoft Exchange Writer", "Microsoft Hyper-V VSS Writer").
type verifiedWriter struct {
	job.Writer
}

func verifiedWriters(j *job.Job) []verifiedWriter {
	var ws []verifiedWriter
	for _, id := range j.Shadow.VerifyWriters {
		if w, ok := job.LookupWriter(id); ok {
			ws = append(ws, verifiedWriter{w})
		}
	}
	return ws
}

// verifiedOf returns the verified writer diskshadow calls name, if any.
func verifiedOf(ws []verifiedWriter, name string) (verifiedWriter, bool) {
	for _, w := range ws {
		if w.DisplayName != "" && strings.EqualFold(strings.TrimSpace(name), w.DisplayName) {
			return w, true
		}
	}
	return verifiedWriter{}, false
}

// label names a verified writer in a message: SqlServerWriter (sql).
func (w verifiedWriter) label() string {
	if w.Name == "" {
		return w.ID
	}
	return fmt.Sprintf("%q (verify_writers: %s)", w.DisplayName, w.Name)
}

// what names what a component holds, for writers whose components are
// databases or virtual machines: the component's last path element.
func (w verifiedWriter) what(component string) string {
	parts := strings.Split(strings.Trim(component, `\`), `\`)
	last := parts[len(parts)-1]
	if last == "" {
		return ""
	}
	switch w.Name {
	case "sql":
		return fmt.Sprintf(" (database %s)", last)
	case "hyperv":
		return fmt.Sprintf(" (virtual machine %s)", last)
	case "exchange":
		return fmt.Sprintf(" (%s)", last)
	}
	return ""
}

// verifiedLosses describes every component of a verified writer that
// diskshadow excluded, and every verified writer it excluded entirely:
// each one means the backup lacks that application's data. `writer
// verify` does not catch a partly included writer.
func verifiedLosses(out *output.Output, j *job.Job) []string {
	ws := verifiedWriters(j)
	if len(ws) == 0 {
		return nil
	}
	var msgs []string
	for _, e := range out.Excluded {
		w, ok := verifiedOf(ws, e.Writer)
		if !ok {
			continue
		}
		need, hint := "a volume", "add that volume to the job's sources"
		if e.Volume != "" {
			need, hint = "volume "+e.Volume, fmt.Sprintf("add a source on %s to the job's sources", e.Volume)
		}
		msgs = append(msgs, fmt.Sprintf("verified writer %s: component %s%s was excluded from the backup because it needs %s, which is not in the shadow copy set; %s (diskshadow output line %d)",
			w.label(), e.Component, w.what(e.Component), need, hint, e.Line))
	}
	for _, wr := range out.Writers {
		if wr.Included {
			continue
		}
		if w, ok := verifiedOf(ws, wr.Name); ok {
			msgs = append(msgs, fmt.Sprintf("verified writer %s was excluded from the backup entirely (%s); add the volumes its data is on to the job's sources", w.label(), wr.Reason))
		}
	}
	return msgs
}

// judgeWriters files what diskshadow excluded: a verified writer's loss is
// an error (the run failed: the backup lacks that application's data);
// any other writer's excluded component is a note, normal when the job
// does not back up the volume it lives on (System, ASR or Task Scheduler
// Writer on C: in a D:-only job). It reports whether the run failed.
func judgeWriters(rep *report.Report, out *output.Output, j *job.Job) bool {
	lost := verifiedLosses(out, j)
	for _, m := range lost {
		rep.Errors = append(rep.Errors, report.RunError{Kind: output.FailWriter, Message: m})
	}
	ws := verifiedWriters(j)
	for _, e := range out.Excluded {
		if _, ok := verifiedOf(ws, e.Writer); ok {
			continue
		}
		vol := e.Volume
		if vol == "" {
			vol = "a volume"
		}
		rep.Notes = append(rep.Notes, fmt.Sprintf("writer %q: component %s was left out of the backup (it needs %s, which is not in this job's shadow copy set); the writer is not verified, so this is information only", e.Writer, e.Component, vol))
	}
	if len(out.Excluded) > 0 {
		for _, w := range ws {
			if w.DisplayName == "" {
				rep.Notes = append(rep.Notes, fmt.Sprintf("verified writer %s is not in the writer catalog, so its name in diskshadow's output is unknown: an excluded component of it cannot be recognized", w.ID))
			}
		}
	}
	return len(lost) > 0
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
	// The copy script judged this log with the same function; a missing
	// log means the script never got to the guard for this source.
	if guardLog := filepath.Join(rep.RunDir, s.GuardLog); fileExists(guardLog) {
		if v := robocmd.JudgeListLog(guardLog, plan.Guard.MaxPercent, plan.Guard.MaxFiles); !v.OK {
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

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
