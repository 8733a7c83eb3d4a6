package fleet

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/history"
	"github.com/vssmirror/vssmirror/runner/page"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// Options say where the collected files are and how to judge them.
type Options struct {
	Dir string
	// Stale marks a job whose last success is older than this (or that
	// never succeeded); 0 = DefaultStale.
	Stale       time.Duration
	Now         time.Time
	Workers     int // files read at once; 0 = one per CPU
	MaxProblems int // problems kept with their line; 0 = 200 (the rest are counted)
}

// DefaultStale is page.DefaultStale: 26 hours.
const DefaultStale = page.DefaultStale

// MaxReportSize bounds a file read as a report: vssmirror's reports keep
// at most 1,000 failed files per source, far below it.
const MaxReportSize = 64 << 20

// historySuffix ends the name of a job's run history (state.HistoryPath).
const historySuffix = ".history.jsonl"

// Row is one job on one host: its last run and its last success.
type Row struct {
	Host            string         `json:"host"`
	Job             string         `json:"job"`
	Status          page.Status    `json:"status"` // ok, stale, warning, failed, leaked
	RunID           string         `json:"run_id"`
	LastRun         time.Time      `json:"last_run"` // the last run's start
	LastSuccess     *time.Time     `json:"last_success"`
	Outcome         report.Outcome `json:"outcome"`
	ExitCode        int            `json:"exit_code"`
	DurationSeconds float64        `json:"duration_seconds"`
	BytesCopied     int64          `json:"bytes_copied"`
	FilesFailed     int64          `json:"files_failed"`
	ShadowsLeaked   int            `json:"shadows_leaked"` // as the last run, or a later cleanup, left them
	// LastCleanup is the end of a `vssmirror cleanup` (or `snapshot
	// stop`) after the last run, whose report says which shadows are left.
	LastCleanup *time.Time `json:"last_cleanup,omitempty"`
	Source      string     `json:"source"` // the report or history the last run was read from
	FromReport  bool       `json:"-"`
	lastRunEnd  time.Time
}

// Problem is a file that was not read, and why.
type Problem struct {
	File    string `json:"file"`
	Message string `json:"message"`
}

// String is the problem's line for a console or a page: a control
// character (a terminal escape in a collected file's name) shows as '?'.
func (p Problem) String() string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, p.File+": "+p.Message)
}

// Fleet is every job found under Dir, worst first.
type Fleet struct {
	Schema        int       `json:"schema"`
	Dir           string    `json:"dir"`
	Now           time.Time `json:"generated"`
	Reports       int       `json:"reports"`       // reports of backup runs read
	OtherReports  int       `json:"other_reports"` // reports of cleanup and snapshot commands read
	Histories     int       `json:"histories"`     // histories read
	Jobs          []Row     `json:"jobs"`
	Problems      []Problem `json:"problems"`
	ProblemsTotal int       `json:"problems_total"`
	stale         time.Duration
}

// ErrNothing is returned when no report or history was found.
var ErrNothing = errors.New("no vssmirror reports or run histories found")

type key struct{ host, job string }

// found is what one file gave: a run (from a report) or a problem.
type found struct {
	run     history.Run
	kind    reportKind
	host    string
	job     string
	file    string
	problem string
}

// reportKind tells a backup run's report from those of the commands that
// only delete shadows (cleanup, snapshot stop) or hold them (snapshot start).
type reportKind int

const (
	backupRun reportKind = iota
	cleanupRun
	snapshotRun
)

// kindOf tells the kind of a report by its run ID's prefix.
func kindOf(runID string) reportKind {
	switch {
	case strings.HasPrefix(runID, report.CleanupIDPrefix), strings.HasPrefix(runID, report.SnapshotStopIDPrefix):
		return cleanupRun
	case strings.HasPrefix(runID, report.SnapshotIDPrefix):
		return snapshotRun
	}
	return backupRun
}

// cleanupSeen is the last cleanup of a job and the shadows it left.
type cleanupSeen struct {
	end    time.Time
	leaked int
}

// scan is one Scan: what it has found so far.
type scan struct {
	o        Options
	f        *Fleet
	rows     map[key]*Row
	cleanups map[key]cleanupSeen
	topHosts map[string]map[string]bool // top folder -> the hosts its reports name
}

// Scan reads every report and history under o.Dir.
func Scan(o Options) (*Fleet, error) {
	if o.Stale == 0 {
		o.Stale = DefaultStale
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.MaxProblems <= 0 {
		o.MaxProblems = 200
	}
	if fi, err := os.Stat(o.Dir); err != nil {
		return nil, fmt.Errorf("--reports %s: %w", o.Dir, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("--reports %s: not a folder", o.Dir)
	}
	sc := &scan{o: o, f: &Fleet{Schema: 1, Dir: o.Dir, Now: o.Now, Jobs: []Row{}, Problems: []Problem{}, stale: o.Stale},
		rows: map[key]*Row{}, cleanups: map[key]cleanupSeen{}, topHosts: map[string]map[string]bool{}}
	histories, err := sc.reports()
	if err != nil {
		return nil, fmt.Errorf("--reports %s: %w", o.Dir, err)
	}
	// Histories come after the reports: their host is that of the
	// reports in the same top folder.
	for _, p := range histories {
		sc.history(p)
	}
	f := sc.f
	f.trimProblems(o.MaxProblems)
	if f.Reports+f.Histories == 0 {
		return f, fmt.Errorf("%w under %s (%d file(s) not read)", ErrNothing, o.Dir, f.ProblemsTotal)
	}
	for k, r := range sc.rows {
		if c, ok := sc.cleanups[k]; ok && c.end.After(r.lastRunEnd) {
			end := c.end
			r.LastCleanup, r.ShadowsLeaked = &end, c.leaked
		}
		r.Status = page.StatusOf(r.Outcome, r.ShadowsLeaked)
		if r.Status == page.OK && (r.LastSuccess == nil || o.Now.Sub(*r.LastSuccess) > o.Stale) {
			r.Status = page.Stale
		}
		f.Jobs = append(f.Jobs, *r)
	}
	slices.SortFunc(f.Jobs, worstFirst)
	return f, nil
}

// reports walks the folder, reads every *.json file with o.Workers
// workers and takes in what they found; it returns the histories, in
// name order, for later.
func (sc *scan) reports() (histories []string, err error) {
	paths := make(chan string, 64)
	results := make(chan found, 64)
	var walkErr error
	// A --reports that is a link to a folder (a symlink, a junction) is
	// walked through: WalkDir follows no link, but one named with a
	// trailing separator is the folder itself. Links below it stay unfollowed.
	root := sc.o.Dir
	if fi, err := os.Lstat(root); err == nil && !fi.IsDir() {
		root += string(filepath.Separator)
	}
	go func() {
		defer close(paths)
		walkErr = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == root {
					return err
				}
				results <- found{file: path, problem: "not read: " + err.Error()}
				return nil // WalkDir skips a folder it cannot read
			}
			if !d.Type().IsRegular() { // folders are walked; links are never followed
				return nil
			}
			name := strings.ToLower(d.Name())
			switch {
			case strings.HasSuffix(name, historySuffix):
				histories = append(histories, path)
			case strings.HasSuffix(name, ".json"):
				paths <- path
			}
			return nil
		})
	}()
	var wg sync.WaitGroup
	for range sc.o.Workers {
		wg.Go(func() {
			var buf bytes.Buffer
			for p := range paths {
				results <- readReport(p, &buf)
			}
		})
	}
	go func() { wg.Wait(); close(results) }()
	for r := range results {
		sc.take(r)
	}
	// results is closed after the workers ended, which was after the walk.
	slices.Sort(histories)
	return histories, walkErr
}

// take takes in what one *.json file gave.
func (sc *scan) take(r found) {
	k := key{r.host, r.job}
	switch {
	case r.problem != "":
		sc.f.problem(r.file, r.problem, sc.o.MaxProblems)
	case r.kind != backupRun:
		sc.f.OtherReports++
		if c := sc.cleanups[k]; r.kind == cleanupRun && r.run.End.After(c.end) {
			sc.cleanups[k] = cleanupSeen{end: r.run.End, leaked: r.run.ShadowsLeaked}
		}
	default:
		sc.f.Reports++
		if top := topFolder(sc.o.Dir, r.file); top != "" {
			if sc.topHosts[top] == nil {
				sc.topHosts[top] = map[string]bool{}
			}
			sc.topHosts[top][r.host] = true
		}
		merge(sc.rows, r.host, r.job, r.run, r.file, true)
	}
}

// worstFirst orders rows by status, worst first, then by the age of the
// last success (never first), host and job.
func worstFirst(a, b Row) int {
	if c := cmp.Compare(b.Status.Rank(), a.Status.Rank()); c != 0 {
		return c
	}
	switch {
	case a.LastSuccess == nil && b.LastSuccess != nil:
		return -1
	case a.LastSuccess != nil && b.LastSuccess == nil:
		return 1
	case a.LastSuccess != nil:
		if c := a.LastSuccess.Compare(*b.LastSuccess); c != 0 {
			return c
		}
	}
	return cmp.Or(cmp.Compare(a.Host, b.Host), cmp.Compare(a.Job, b.Job))
}

// problem notes a file that was not read. The first max in file name
// order are kept, so the list does not depend on which worker was first.
func (f *Fleet) problem(file, msg string, max int) {
	f.ProblemsTotal++
	f.Problems = append(f.Problems, Problem{File: file, Message: msg})
	if len(f.Problems) >= 2*max {
		f.trimProblems(max)
	}
}

func (f *Fleet) trimProblems(max int) {
	slices.SortStableFunc(f.Problems, func(a, b Problem) int { return cmp.Compare(a.File, b.File) })
	f.Problems = f.Problems[:min(len(f.Problems), max)]
}

// merge takes run into the job's row when it is the newest so far (a
// report wins a tie with a history line: it links to more) and keeps the
// last success.
func merge(rows map[key]*Row, host, job string, run history.Run, source string, fromReport bool) {
	k := key{host, job}
	r := rows[k]
	if r == nil {
		r = &Row{Host: host, Job: job}
		rows[k] = r
	}
	if run.Outcome == report.Success && (r.LastSuccess == nil || run.End.After(*r.LastSuccess)) {
		end := run.End
		r.LastSuccess = &end
	}
	newer := r.Source == "" || run.Start.After(r.LastRun) ||
		(run.Start.Equal(r.LastRun) && run.RunID == r.RunID && fromReport && !r.FromReport)
	if !newer {
		return
	}
	r.RunID, r.LastRun, r.lastRunEnd, r.Outcome, r.ExitCode = run.RunID, run.Start, run.End, run.Outcome, run.ExitCode
	r.DurationSeconds, r.BytesCopied, r.FilesFailed, r.ShadowsLeaked = run.DurationSeconds, run.BytesCopied, run.FilesFailed, run.ShadowsLeaked
	r.Source, r.FromReport = source, fromReport
}

// topFolder is the first folder of path under dir ("" for a file
// directly in dir).
func topFolder(dir, path string) string {
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		return ""
	}
	first, _, found := strings.Cut(filepath.ToSlash(rel), "/")
	if !found {
		return ""
	}
	return first
}

// readReport reads one *.json file; buf is the worker's, reused.
func readReport(path string, buf *bytes.Buffer) found {
	fail := func(format string, args ...any) found {
		return found{file: path, problem: fmt.Sprintf(format, args...)}
	}
	fh, err := os.Open(path)
	if err != nil {
		return fail("not read: %v", err)
	}
	buf.Reset()
	_, err = buf.ReadFrom(io.LimitReader(fh, MaxReportSize+1))
	fh.Close()
	if err != nil {
		return fail("not read: %v", err)
	}
	if buf.Len() > MaxReportSize {
		return fail("larger than %d MiB: not a report vssmirror writes", MaxReportSize>>20)
	}
	data := bytes.TrimSpace(buf.Bytes())
	if len(data) == 0 || data[0] != '{' {
		return fail("not a vssmirror report (not a JSON object)")
	}
	var rep report.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return fail("damaged JSON at byte %d: %v (a report cut short by a full disk or an interrupted copy?)", se.Offset, err)
		case errors.As(err, &te):
			return fail("not a vssmirror report: field %s is a JSON %s", te.Field, te.Value)
		default:
			return fail("not a vssmirror report: %v", err)
		}
	}
	if rep.Schema == 0 || rep.Job == "" || rep.RunID == "" {
		return fail("not a vssmirror report (no schema, job and run_id)")
	}
	if rep.Schema != 1 {
		return fail("a vssmirror report of schema %d; this vssmirror reads schema 1 (update it)", rep.Schema)
	}
	if msg := checkReport(&rep); msg != "" {
		return fail("a vssmirror report with %s; ignored", msg)
	}
	e := state.EntryOf(&rep)
	return found{file: path, kind: kindOf(rep.RunID), host: rep.Host, job: rep.Job, run: history.RunOf(e)}
}

// checkReport says what makes a report one vssmirror could not have
// written, or "".
func checkReport(r *report.Report) string {
	switch {
	case !job.ValidName(r.Job):
		return fmt.Sprintf("a job name %q that is not one", r.Job)
	case !validHost(r.Host):
		return fmt.Sprintf("a host %q that is not a computer name", r.Host)
	case !r.Outcome.Known():
		return fmt.Sprintf("an unknown outcome %q", r.Outcome)
	case r.Start.IsZero() || r.End.Before(r.Start):
		return "no start, or an end before its start"
	}
	var files, failed, bytes int64 // the sums state.EntryOf makes must not overflow
	for _, s := range r.Sources {
		if s.Files.Copied < 0 || s.Files.Failed < 0 || s.Bytes.Copied < 0 {
			return "negative counts"
		}
		if s.Files.Copied > math.MaxInt64-files || s.Files.Failed > math.MaxInt64-failed || s.Bytes.Copied > math.MaxInt64-bytes {
			return "counts too large"
		}
		files, failed, bytes = files+s.Files.Copied, failed+s.Files.Failed, bytes+s.Bytes.Copied
	}
	return ""
}

// validHost accepts a computer name as os.Hostname gives it (a NetBIOS
// or DNS name): 1 to 255 letters (any script), digits, '-', '_' and '.'.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for _, c := range h {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// history takes a <job>.history.jsonl file's runs into the rows.
func (sc *scan) history(path string) {
	f, o := sc.f, sc.o
	base := filepath.Base(path)
	jobName := base[:len(base)-len(historySuffix)]
	if !job.ValidName(jobName) {
		f.problem(path, fmt.Sprintf("not a job's run history (%q is not a job name)", jobName), o.MaxProblems)
		return
	}
	top := topFolder(o.Dir, path)
	host := top
	if hosts := sc.topHosts[top]; len(hosts) == 1 {
		for h := range hosts {
			host = h
		}
	} else if len(hosts) > 1 {
		f.problem(path, fmt.Sprintf("reports of %d hosts share the folder %s: whose history this is cannot be told; keep each host's files in a folder of its own", len(hosts), top), o.MaxProblems)
		return
	}
	if !validHost(host) {
		f.problem(path, "whose history this is cannot be told: keep each host's files in a folder named after it (DIR/<host>/...)", o.MaxProblems)
		return
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() > MaxReportSize {
		f.problem(path, fmt.Sprintf("larger than %d MiB: not a history vssmirror writes", MaxReportSize>>20), o.MaxProblems)
		return
	}
	h, err := history.Read(history.Options{Job: jobName, StateDir: filepath.Dir(path)})
	if err != nil {
		f.problem(path, err.Error(), o.MaxProblems)
		return
	}
	if h.Skipped > 0 {
		f.problem(path, fmt.Sprintf("%d line(s) not written by vssmirror were ignored", h.Skipped), o.MaxProblems)
	}
	if len(h.Runs) == 0 {
		return
	}
	f.Histories++
	for _, r := range h.Runs {
		merge(sc.rows, host, jobName, r, path, false)
	}
}
