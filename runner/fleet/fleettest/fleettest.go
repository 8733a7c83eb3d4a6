package fleettest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner/page"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// Job is what a generated folder holds for one job on one host: what
// runner/fleet must make of it.
type Job struct {
	Host    string // the computer name in the reports
	Folder  string // the host's top folder (its inventory name)
	Job     string
	Outcome report.Outcome // of the last run
	Status  page.Status    // with the default 26h staleness, at Now
}

// Folder is a generated collection.
type Folder struct {
	Dir      string
	Now      time.Time // the time to judge staleness at
	Jobs     []Job
	Problems []string // the files runner/fleet must name as not read
}

// Now is the generated folders' "now": runs end before it.
var Now = time.Date(2026, 11, 22, 7, 0, 0, 0, time.UTC)

// Write writes a collection of hosts hosts into dir: per host a
// fileserver job (three reports in run folders and a 30-line history)
// and, on every third host, an sql job (one report under a name of its
// own); plus, every 50 hosts, a foreign JSON file and a damaged report.
func Write(dir string, hosts int) (*Folder, error) {
	f := &Folder{Dir: dir, Now: Now}
	for i := 1; i <= hosts; i++ {
		host, folder := fmt.Sprintf("SRV%04d", i), fmt.Sprintf("srv%04d.corp.example", i)
		root := filepath.Join(dir, folder)
		last := plan(i)
		var lastRep *report.Report
		for k := 2; k >= 0; k-- { // three runs, a day apart, the last one as planned
			o := last
			if k > 0 {
				o = runPlan{outcome: report.Success}
			}
			end := Now.Add(-time.Duration(k)*24*time.Hour - last.age - time.Hour)
			rep := Report(host, "fileserver", end, o.outcome, o.leaked, i)
			if err := writeJSON(filepath.Join(root, "C", "vssmirror", "runs", rep.RunID, report.RunDirFile), rep); err != nil {
				return nil, err
			}
			lastRep = rep
		}
		if err := WriteHistory(filepath.Join(root, "C", "ProgramData", "vssmirror", "state"), "fileserver", 30, lastRep.End.Add(-3*24*time.Hour), i); err != nil {
			return nil, err
		}
		f.Jobs = append(f.Jobs, Job{Host: host, Folder: folder, Job: "fileserver", Outcome: last.outcome, Status: last.status()})
		if i%3 == 0 {
			rep := Report(host, "sql", Now.Add(-2*time.Hour), report.Success, 0, i)
			if err := writeJSON(filepath.Join(root, "sql-last.json"), rep); err != nil {
				return nil, err
			}
			f.Jobs = append(f.Jobs, Job{Host: host, Folder: folder, Job: "sql", Outcome: report.Success, Status: page.OK})
		}
		if i%50 == 0 {
			foreign := filepath.Join(root, "dashboard.json")
			if err := os.WriteFile(foreign, []byte(`{"title":"vssmirror","panels":[{"type":"stat"}],"schemaVersion":39}`), 0o644); err != nil {
				return nil, err
			}
			damaged := filepath.Join(root, "broken.json")
			data, _ := json.Marshal(lastRep)
			if err := os.WriteFile(damaged, data[:len(data)/2], 0o644); err != nil {
				return nil, err
			}
			f.Problems = append(f.Problems, damaged, foreign)
		}
	}
	return f, nil
}

// runPlan is how a host's last fileserver run goes.
type runPlan struct {
	outcome report.Outcome
	leaked  int
	age     time.Duration // how long before Now (minus an hour) it ended
}

func (p runPlan) status() page.Status {
	st := page.StatusOf(p.outcome, p.leaked)
	if st == page.OK && p.age+time.Hour > 26*time.Hour {
		return page.Stale
	}
	return st
}

func plan(i int) runPlan {
	switch {
	case i%101 == 0:
		return runPlan{outcome: report.CleanupFailed, leaked: 1}
	case i%53 == 0:
		return runPlan{outcome: report.SnapshotFailed}
	case i%17 == 0:
		return runPlan{outcome: report.CopyFailed}
	case i%29 == 0:
		return runPlan{outcome: report.Success, age: 3 * 24 * time.Hour}
	}
	return runPlan{outcome: report.Success}
}

// Report is a plausible report of a run that ended at end: two sources,
// failed files when the outcome is copy_failed, leaked shadows.
func Report(host, job string, end time.Time, o report.Outcome, leaked, seed int) *report.Report {
	start := end.Add(-time.Duration(30+seed%60) * time.Minute)
	runID := start.UTC().Format("20060102T150405Z") + fmt.Sprintf("-%06x", seed&0xffffff)
	rundir := `C:\vssmirror\runs\` + runID
	rep := &report.Report{Schema: 1, Job: job, RunID: runID, Set: fmt.Sprintf("set%d", seed%2+1), Host: host, Start: start, End: end,
		DurationSeconds: end.Sub(start).Seconds(), Outcome: o, ExitCode: o.ExitCode(), RunDir: rundir,
		Scripts:    []string{rundir + `\` + job + ".dsh", rundir + `\` + job + ".cmd"},
		Diskshadow: report.DiskshadowRun{Path: `C:\Windows\System32\diskshadow.exe`, Attempts: 1, Log: rundir + `\diskshadow.log`},
		Preflight:  []report.Check{{Name: "diskshadow", OK: true, Message: "found"}, {Name: "elevated", OK: true, Message: "yes"}},
		Shadows: []report.Shadow{{ID: fmt.Sprintf("{%08x-1111-2222-3333-444455556666}", seed), SetID: "{aaaaaaaa-1111-2222-3333-444455556666}",
			Alias: "vssm_d", Volume: `D:\`, Device: `\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy12`, ExposedAs: "Z:"}},
		Writers: []report.WriterResult{}, Errors: []report.RunError{}, Notes: []string{},
		Cleanup: report.CleanupResult{Attempted: true, Deleted: []string{}, Leaked: []string{}, Shadows: []report.ShadowFate{}}}
	for s, src := range []string{`D:\Shares`, `D:\Profiles`} {
		files := int64(1000 + seed*7%5000 + s*300)
		sr := report.SourceResult{Path: src, Dest: `\\backup01\vss\` + host + `\D` + fmt.Sprint(s), Log: rundir + fmt.Sprintf(`\robocopy-%d.log`, s),
			Outcome: report.SourceOutcomeOf(robocmd.Success), Files: robocmd.Counts{Total: files * 10, Copied: files},
			Bytes: robocmd.Counts{Total: files * 10 << 20, Copied: files << 20}, Errors: []robocmd.LogError{}}
		if o == report.CopyFailed && s == 0 {
			sr.Outcome = report.SourceOutcomeOf(robocmd.Partial)
			for k := range 5 {
				sr.Errors = append(sr.Errors, robocmd.LogError{Time: end.Format("2006/01/02 15:04:05"), Code: 32, Action: "Copying File",
					Path: fmt.Sprintf(`D:\Shares\finance\locked-%d.xlsx`, k), Message: "The process cannot access the file because it is being used by another process.", Attempts: 3, RetryLimitExceeded: true})
			}
			sr.Files.Failed, sr.ErrorsTotal = 5, 15
		}
		rep.Sources = append(rep.Sources, sr)
	}
	for k := range leaked {
		id := fmt.Sprintf("{%08x-dead-beef-0000-%012x}", seed, k)
		rep.Cleanup.Leaked = append(rep.Cleanup.Leaked, id)
		rep.Cleanup.Shadows = append(rep.Cleanup.Shadows, report.ShadowFate{ID: id, Fate: report.FateLeft})
	}
	return rep
}

// WriteHistory writes a job's history of n daily runs, the last ending
// at last, some of them failed, as <dir>\<job>.history.jsonl.
func WriteHistory(dir, job string, n int, last time.Time, seed int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var data []byte
	for k := n - 1; k >= 0; k-- {
		o, leaked := report.Success, 0
		switch (k + seed) % 11 {
		case 3:
			o = report.CopyFailed
		case 7:
			o = report.SnapshotFailed
		}
		if (k+seed)%37 == 5 {
			o, leaked = report.CleanupFailed, 1
		}
		rep := Report("h", job, last.Add(-time.Duration(k)*24*time.Hour), o, leaked, seed+k*131)
		line, err := json.Marshal(state.EntryOf(rep))
		if err != nil {
			return err
		}
		data = append(append(data, line...), '\n')
	}
	return os.WriteFile(state.HistoryPath(dir, job), data, 0o644)
}

func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
