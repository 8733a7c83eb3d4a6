package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/vssmirror/vssmirror/robocmd/follow"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// Source is one source of the run, as the copy script copies it.
type Source struct {
	Path     string // the job's source path, e.g. D:\Shares
	Log      string // its robocopy /UNILOG+ log
	GuardLog string // the deletion guard's /L log; "" without the guard
}

// Options configure a Tracker.
type Options struct {
	Job      string
	RunID    string
	StateDir string // where <job>.status.json goes; "" = no status file
	Sources  []Source
	History  []state.HistoryEntry // the job's history, for estimates
	// Out is where progress is shown; nil shows none (--quiet).
	Out io.Writer
	// Bar redraws a bar in place (Out is a terminal); otherwise one
	// plain line every Every.
	Bar   bool
	Every time.Duration // default 30s
	// Poll is how often the logs are read, StatusEvery how often the
	// status file is written; defaults 1s and 5s.
	Poll        time.Duration
	StatusEvery time.Duration
	Start       time.Time // the run's start
	Now         func() time.Time
}

// Defaults of Options.
const (
	DefaultEvery       = 30 * time.Second
	DefaultPoll        = time.Second
	DefaultStatusEvery = 5 * time.Second
)

// rateWindow is how far back the rate is measured; minRateSpan the
// shortest span a rate is told from.
const (
	rateWindow  = time.Minute
	minRateSpan = 500 * time.Millisecond
)

// sample is one poll's counts of the current source.
type sample struct {
	at          time.Time
	bytes, done int64
}

// source is a Source as it is followed.
type source struct {
	Source
	log, guard *follow.Follower
	stats      follow.Stats
	guardStats follow.Stats
	status     SourceStatus
	samples    []sample
	history    *Estimate // from the history, if any
}

// Tracker follows the run's logs and shows and records its progress. Its
// methods are safe for concurrent use.
type Tracker struct {
	mu         sync.Mutex
	opts       Options
	sources    []*source
	status     Status
	lastLine   time.Time // the last plain line
	lastStatus time.Time // the last status file
	statusErr  error
	bar        *barView
	stop, done chan struct{}
	stopOnce   sync.Once
	started    bool // Start runs Step on a ticker
	copyEnded  bool // the copy script ended: sources without a summary will not go on
}

// New returns a Tracker; Step drives it (Start runs Step on a ticker).
func New(opts Options) *Tracker {
	if opts.Every <= 0 {
		opts.Every = DefaultEvery
	}
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.StatusEvery <= 0 {
		opts.StatusEvery = DefaultStatusEvery
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Start.IsZero() {
		opts.Start = opts.Now()
	}
	host, _ := os.Hostname()
	t := &Tracker{opts: opts, stop: make(chan struct{}), done: make(chan struct{})}
	t.status = Status{Schema: StatusSchema, Job: opts.Job, RunID: opts.RunID, Host: host, PID: os.Getpid(), State: StateRunning,
		Phase: PhaseSnapshot, Start: opts.Start, SourcesTotal: len(opts.Sources), Sources: []SourceStatus{}}
	for i, s := range opts.Sources {
		src := &source{Source: s, log: follow.New(s.Log), history: historyEstimate(opts.History, s.Path)}
		if s.GuardLog != "" {
			src.guard = follow.New(s.GuardLog)
		}
		src.status = SourceStatus{Index: i + 1, Path: s.Path, State: SourceWaiting, Estimate: src.history}
		t.sources = append(t.sources, src)
	}
	if opts.Out != nil && opts.Bar {
		t.bar = newBarView(opts.Out)
	}
	t.lastLine = opts.Start
	return t
}

// Start returns a Tracker stepping every opts.Poll until Stop.
func Start(opts Options) *Tracker {
	t := New(opts)
	t.started = true
	go func() {
		defer close(t.done)
		tick := time.NewTicker(t.opts.Poll)
		defer tick.Stop()
		t.Step(t.opts.Now())
		for {
			select {
			case <-t.stop:
				return
			case <-tick.C:
				t.Step(t.opts.Now())
			}
		}
	}()
	return t
}

// Console is where other output goes while the tracker shows progress:
// above the bar on a terminal, else straight to Out.
func (t *Tracker) Console(fallback io.Writer) io.Writer {
	if t.bar != nil {
		return console{p: t.bar.p, out: t.bar.out}
	}
	return fallback
}

// Step reads what the logs gained, updates the progress and, when due,
// shows a line and writes the status file. now is the time of the step.
func (t *Tracker) Step(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.poll(now)
	t.show(now, false)
	if now.Sub(t.lastStatus) >= t.opts.StatusEvery || t.lastStatus.IsZero() {
		t.writeStatus(now)
	}
}

// poll reads the logs and updates each source's status.
func (t *Tracker) poll(now time.Time) {
	current := 0
	for i, s := range t.sources {
		if s.guard != nil {
			s.guardStats, _ = s.guard.Poll()
		}
		s.stats, _ = s.log.Poll()
		if s.stats.Exists || s.guardStats.Exists {
			current = i + 1
		}
	}
	for i, s := range t.sources {
		s.update(now, i+1 < current || t.copyEnded)
	}
	t.status.Source = current
	if current > 0 && t.status.Phase == PhaseSnapshot {
		t.status.Phase = PhaseCopy
	}
	t.status.Updated = now
	t.status.Sources = t.status.Sources[:0]
	for _, s := range t.sources {
		t.status.Sources = append(t.status.Sources, s.status)
	}
}

// update sets the source's status from its logs; over says a later source
// started or the copy script ended, so this one will not go on.
func (s *source) update(now time.Time, over bool) {
	st := &s.status
	l := s.stats
	st.FilesCopied, st.BytesCopied, st.FilesFailed, st.Extras, st.Scanned = l.Files, l.Bytes, l.Failed, l.Extras, l.Scanned
	st.CurrentFile = l.Current
	switch {
	case l.Finished:
		st.State = SourceDone
	case l.Exists && over:
		st.State = SourceDone // robocopy stopped without a summary
	case l.Exists:
		st.State = SourceCopying
	case s.guardStats.Exists && !over:
		st.State = SourceListing
	case over:
		st.State = SourceSkipped
	}
	if l.Exists && st.Started == nil {
		at := now
		st.Started = &at
	}
	if (st.State == SourceDone || st.State == SourceSkipped) && st.Finished == nil && st.Started != nil {
		at := now
		st.Finished = &at
	}
	st.Estimate = s.history
	if g := s.guardStats; g.Summary && g.ListOnly {
		st.Estimate = listEstimate(g)
	}
	st.Percent, st.ETASeconds, st.BytesPerSec = nil, nil, 0
	if st.State != SourceCopying {
		if st.State == SourceDone && st.Estimate != nil {
			hundred := 100.0
			st.Percent = &hundred
		}
		return
	}
	done := s.done()
	s.samples = append(s.samples, sample{at: now, bytes: l.Bytes, done: done})
	for len(s.samples) > 2 && now.Sub(s.samples[1].at) >= rateWindow {
		s.samples = s.samples[1:]
	}
	first := s.samples[0]
	secs := now.Sub(first.at).Seconds()
	if secs < minRateSpan.Seconds() {
		return // too short a span for a rate (a ticker's second may be a hair short)
	}
	st.BytesPerSec = int64(float64(l.Bytes-first.bytes) / secs)
	e := st.Estimate
	if e == nil || e.Total <= 0 || done >= e.Total {
		return // no estimate, or past it: no percentage is made up
	}
	pct := float64(done) * 100 / float64(e.Total)
	st.Percent = &pct
	if rate := float64(done-first.done) / secs; rate > 0 {
		eta := int64(float64(e.Total-done)/rate + 0.5)
		st.ETASeconds = &eta
	}
}

// done is the source's progress in its estimate's measure.
func (s *source) done() int64 {
	if s.status.Estimate != nil && s.status.Estimate.Measure == MeasureScanned {
		return s.stats.Scanned
	}
	return s.stats.Bytes
}

// listEstimate is the estimate from the /L pass's summary: the bytes it
// listed for copying, or without any, the files robocopy will go through.
func listEstimate(g follow.Stats) *Estimate {
	e := &Estimate{From: FromListPass, Measure: MeasureBytes, Total: g.SummaryBytes.Copied, Files: g.SummaryFiles.Copied, Bytes: g.SummaryBytes.Copied}
	if e.Total == 0 {
		e.Measure, e.Total = MeasureScanned, g.SummaryFiles.Total
	}
	return e
}

// historyEstimate is the estimate from the last successful run that
// copied the source: the files robocopy went through then. A history
// line is input: counts below zero are not used.
func historyEstimate(history []state.HistoryEntry, path string) *Estimate {
	for i := len(history) - 1; i >= 0; i-- {
		h := history[i]
		if h.Outcome != report.Success {
			continue
		}
		for _, s := range h.Sources {
			if strings.EqualFold(s.Path, path) && s.FilesTotal > 0 && s.BytesTotal >= 0 {
				return &Estimate{From: FromHistory, Measure: MeasureScanned, Total: s.FilesTotal, Files: s.FilesTotal, Bytes: s.BytesTotal, RunID: h.RunID}
			}
		}
	}
	return nil
}

// show refreshes the bar, or prints a plain line when one is due (or
// final).
func (t *Tracker) show(now time.Time, final bool) {
	if t.opts.Out == nil {
		return
	}
	if t.bar != nil {
		t.bar.update(t.status.Sources, t.status.SourcesTotal)
		return
	}
	if final || now.Sub(t.lastLine) >= t.opts.Every {
		t.lastLine = now
		fmt.Fprintln(t.opts.Out, "vssmirror: progress: "+Line(&t.status, now))
	}
}

func (t *Tracker) writeStatus(now time.Time) {
	t.lastStatus = now
	if t.opts.StateDir == "" {
		return
	}
	if err := WriteStatus(t.opts.StateDir, &t.status); err != nil && t.statusErr == nil {
		t.statusErr = err
	}
}

// CopyEnded says the copy script ended (diskshadow returned): sources
// without a summary will not go on. It takes a last step, removes the bar
// (completed sources stay shown) and stops the ticker; later output
// prints normally.
func (t *Tracker) CopyEnded() {
	t.stopOnce.Do(func() { close(t.stop) })
	if t.started {
		<-t.done // the ticker's last step is over
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.copyEnded {
		return
	}
	t.copyEnded = true
	now := t.opts.Now()
	t.poll(now)
	t.status.Phase = PhaseCleanup
	if t.bar != nil {
		t.bar.update(t.status.Sources, t.status.SourcesTotal)
		t.bar.close()
		t.bar = nil
	} else if t.status.Source > 0 {
		t.show(now, true)
	}
	t.writeStatus(now)
}

// Finish records the run's end in the status file (the last run's outcome,
// for `vssmirror status` when none runs) and returns the first error
// writing it, if any.
func (t *Tracker) Finish(rep *report.Report) error {
	t.CopyEnded()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.status.State, t.status.Phase = StateFinished, PhaseDone
	t.status.Outcome = rep.Outcome
	code := rep.ExitCode
	t.status.ExitCode = &code
	end := rep.End
	t.status.End = &end
	t.status.Updated = end
	t.writeStatus(end)
	return t.statusErr
}
