package progress

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/internal/utf16text"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

var t0 = time.Date(2026, 7, 24, 22, 0, 0, 0, time.UTC)

func header(src, switches string) string {
	return "\r\n-------------------------------------------------------------------------------\r\n" +
		"   ROBOCOPY     ::     Robust File Copy for Windows                              \r\n" +
		"-------------------------------------------------------------------------------\r\n\r\n" +
		"  Started : Friday, July 24, 2026 10:00:00 PM\r\n   Source : " + src + "\\\r\n     Dest : \\\\nas01\\b\\x\\\r\n\r\n" +
		"    Files : *.*\r\n\t    \r\n  Options : *.* /S /E /DCOPY:DA /COPY:DAT " + switches + " /NP /R:2 /W:5 \r\n\r\n" +
		"------------------------------------------------------------------------------\r\n\r\n"
}

// fileLines are n files of size bytes each in one folder of dirFiles files.
func fileLines(dir string, dirFiles, n int, size int64) string {
	s := fmt.Sprintf("\t  %18d\t%s\\\r\n", dirFiles, dir)
	for i := range n {
		s += fmt.Sprintf("\t    New File  \t\t%8d\tfile %d.bin\r\n", size, i)
	}
	return s
}

func summary(files, bytes int64) string {
	return "\r\n------------------------------------------------------------------------------\r\n\r\n" +
		"               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n" +
		"    Dirs :         1         0         1         0         0         0\r\n" +
		fmt.Sprintf("   Files : %9d %9d %9d         0         0         0\r\n", files*2, files, files) +
		fmt.Sprintf("   Bytes : %9d %9d         0         0         0         0\r\n", bytes*2, bytes) +
		"   Times :   0:00:01   0:00:01                       0:00:00   0:00:00\r\n\r\n" +
		"   Ended : Friday, July 24, 2026 11:09:06 PM\r\n\r\n"
}

// appendLog appends text to a /UNILOG+ log (a byte order mark first).
func appendLog(t *testing.T, path, text string) {
	t.Helper()
	b := utf16text.EncodeLE(text)
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		b = b[2:]
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	_, err = f.Write(b)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

type fixture struct {
	dir, stateDir string
	sources       []Source
	out           bytes.Buffer
	now           time.Time
}

func newFixture(t *testing.T, guard bool) *fixture {
	f := &fixture{dir: t.TempDir(), now: t0}
	f.stateDir = filepath.Join(f.dir, "state")
	require.NoError(t, state.MkdirPrivate(f.stateDir))
	for i, p := range []string{`D:\Shares`, `E:\Data`} {
		s := Source{Path: p, Log: filepath.Join(f.dir, fmt.Sprintf("robocopy-%d.log", i+1))}
		if guard {
			s.GuardLog = filepath.Join(f.dir, fmt.Sprintf("guard-%d.log", i+1))
		}
		f.sources = append(f.sources, s)
	}
	return f
}

func (f *fixture) opts() Options {
	return Options{Job: "fs", RunID: "20260724T220000Z-abcdef", StateDir: f.stateDir, Sources: f.sources, Out: &f.out,
		Start: t0, Now: func() time.Time { return f.now }}
}

// Not a terminal: one line every --progress-every, by the run's clock,
// however often the logs are read; the first line says the snapshot is
// being taken, later ones what the current source copied.
func TestPlainLineCadence(t *testing.T) {
	for _, every := range []time.Duration{30 * time.Second, 10 * time.Second} {
		t.Run(every.String(), func(t *testing.T) {
			f := newFixture(t, false)
			o := f.opts()
			o.Every = every
			tr := New(o)
			for sec := 0; sec <= 95; sec++ {
				f.now = t0.Add(time.Duration(sec) * time.Second)
				if sec == 40 {
					appendLog(t, f.sources[0].Log, header(`S:\Shares`, "/MIR")+fileLines(`S:\Shares`, 10, 3, 1000))
				}
				tr.Step(f.now)
			}
			lines := strings.Split(strings.TrimRight(f.out.String(), "\n"), "\n")
			require.Len(t, lines, int(95*time.Second/every))
			for i, l := range lines {
				at := time.Duration(i+1) * every
				assert.True(t, strings.HasPrefix(l, "vssmirror: progress: "), l)
				if at < 40*time.Second {
					assert.Contains(t, l, "snapshot in progress (diskshadow), "+Duration(at)+" since the start")
				} else {
					assert.Contains(t, l, `source 1 of 2 (D:\Shares): 3 files and 2.9 KiB copied, 0 failed`)
					assert.Contains(t, l, `no estimate (no /L pass and no earlier good run)`)
					assert.Contains(t, l, `now S:\Shares\file 2.bin`)
					assert.NotContains(t, l, "%", "no percentage without an estimate")
				}
			}
			tr.CopyEnded()
			assert.Contains(t, f.out.String(), "vssmirror: progress: copy ended: 1 of 2 source(s) copied to the end, 3 files and 2.9 KiB copied, 0 failed\n"[:60])
		})
	}
}

// The estimate comes from this run's /L pass when the deletion guard ran,
// else from the last successful run's counts for the source, else there is
// none; the percentage and the ETA follow from it and the rate.
func TestEstimateSources(t *testing.T) {
	history := []state.HistoryEntry{
		{RunID: "old-good", Outcome: report.Success, Sources: []state.HistorySource{{Path: `d:\shares`, FilesTotal: 999, BytesTotal: 1}}},
		{RunID: "good", Outcome: report.Success, Sources: []state.HistorySource{{Path: `D:\SHARES`, FilesTotal: 400, BytesTotal: 5 << 30}}},
		{RunID: "failed", Outcome: report.CopyFailed, Sources: []state.HistorySource{{Path: `D:\Shares`, FilesTotal: 7}}},
	}
	for _, c := range []struct {
		name    string
		guard   bool
		history []state.HistoryEntry
		want    *Estimate
		pct     float64 // at 60 s: 0 = none
		eta     int64
	}{
		// /L listed 40 files of 1000 bytes to copy; 10 copied per 30 s.
		{"list pass", true, history, &Estimate{From: FromListPass, Measure: MeasureBytes, Total: 40000, Files: 40, Bytes: 40000}, 50, 60},
		// The last good run saw 400 files; robocopy went through folders
		// of 100 files every 30 s.
		{"history", false, history, &Estimate{From: FromHistory, Measure: MeasureScanned, Total: 400, Files: 400, Bytes: 5 << 30, RunID: "good"}, 50, 60},
		{"none", false, history[2:], nil, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.guard)
			o := f.opts()
			o.History = c.history
			tr := New(o)
			if c.guard {
				appendLog(t, f.sources[0].GuardLog, header(`S:\Shares`, "/MIR /L")+fileLines(`S:\Shares`, 100, 40, 1000)+summary(40, 40000))
				tr.Step(f.now)
				assert.Equal(t, SourceListing, tr.status.Sources[0].State)
			}
			appendLog(t, f.sources[0].Log, header(`S:\Shares`, "/MIR"))
			for i := range 3 { // 0 s, 30 s, 60 s
				f.now = t0.Add(time.Duration(i) * 30 * time.Second)
				if i > 0 {
					appendLog(t, f.sources[0].Log, fileLines(fmt.Sprintf(`S:\Shares\d%d`, i), 100, 10, 1000))
				}
				tr.Step(f.now)
			}
			s := tr.status.Sources[0]
			assert.Equal(t, SourceCopying, s.State)
			assert.Equal(t, c.want, s.Estimate)
			assert.Equal(t, int64(20), s.FilesCopied)
			assert.Equal(t, int64(20000/60), s.BytesPerSec)
			if c.pct == 0 {
				assert.Nil(t, s.Percent)
				assert.Nil(t, s.ETASeconds)
				assert.Contains(t, Line(&tr.status, f.now), "no estimate")
				return
			}
			require.NotNil(t, s.Percent)
			assert.InDelta(t, c.pct, *s.Percent, 0.01)
			require.NotNil(t, s.ETASeconds)
			assert.Equal(t, c.eta, *s.ETASeconds)
			assert.Contains(t, Line(&tr.status, f.now), "50% of")
			assert.Contains(t, Line(&tr.status, f.now), "ETA 1m00s")
		})
	}
}

// Past the estimate (the source grew since), no percentage is shown.
func TestPastTheEstimate(t *testing.T) {
	f := newFixture(t, false)
	o := f.opts()
	o.History = []state.HistoryEntry{{RunID: "good", Outcome: report.Success, Sources: []state.HistorySource{{Path: `D:\Shares`, FilesTotal: 50}}}}
	tr := New(o)
	appendLog(t, f.sources[0].Log, header(`S:\Shares`, "/MIR")+fileLines(`S:\Shares`, 100, 1, 1))
	tr.Step(f.now)
	f.now = f.now.Add(10 * time.Second)
	appendLog(t, f.sources[0].Log, fileLines(`S:\Shares\b`, 100, 1, 1))
	tr.Step(f.now)
	assert.Nil(t, tr.status.Sources[0].Percent)
	assert.Contains(t, Line(&tr.status, f.now), "past the estimate of the 50 files the last good run saw")
}

// The status file follows the run: written at the first step, then every
// StatusEvery, read back by Look while the lock is held, and ends with the
// run's outcome; the second source starting ends the first.
func TestStatusDuringRun(t *testing.T) {
	f := newFixture(t, false)
	o := f.opts()
	o.Out = nil // --quiet: nothing shown, the status file is still written
	tr := New(o)
	lock, err := state.Lock(f.stateDir, "fs")
	require.NoError(t, err)
	tr.Step(f.now)
	v, err := Look(f.stateDir, "fs")
	require.NoError(t, err)
	assert.True(t, v.Running)
	require.NotNil(t, v.Status)
	assert.Equal(t, PhaseSnapshot, v.Status.Phase)
	assert.Equal(t, 0, v.Status.Source)

	appendLog(t, f.sources[0].Log, header(`S:\Shares`, "/MIR")+fileLines(`S:\Shares`, 5, 5, 10))
	f.now = t0.Add(2 * time.Second)
	tr.Step(f.now)
	st, err := ReadStatus(f.stateDir, "fs")
	require.NoError(t, err)
	assert.Equal(t, 0, st.Source, "not rewritten within 5 s")
	f.now = t0.Add(5 * time.Second)
	tr.Step(f.now)
	v, err = Look(f.stateDir, "fs")
	require.NoError(t, err)
	require.NotNil(t, v.Status)
	assert.Equal(t, PhaseCopy, v.Status.Phase)
	assert.Equal(t, 1, v.Status.Source)
	assert.Equal(t, int64(5), v.Status.Sources[0].FilesCopied)
	assert.Equal(t, `S:\Shares\file 4.bin`, v.Status.Sources[0].CurrentFile)
	var text bytes.Buffer
	v.WriteText(&text, f.now)
	assert.Contains(t, text.String(), "job fs: running (run 20260724T220000Z-abcdef")
	assert.Contains(t, text.String(), `source 1 of 2 (D:\Shares): 5 files and 50 B copied`)

	appendLog(t, f.sources[1].Log, header(`T:\Data`, "/MIR"))
	f.now = t0.Add(10 * time.Second)
	tr.Step(f.now)
	v, err = Look(f.stateDir, "fs")
	require.NoError(t, err)
	assert.Equal(t, 2, v.Status.Source)
	assert.Equal(t, SourceDone, v.Status.Sources[0].State, "robocopy moved on")

	f.now = t0.Add(20 * time.Second)
	rep := &report.Report{Outcome: report.CopyFailed, ExitCode: 10, End: f.now}
	require.NoError(t, tr.Finish(rep))
	lock.Unlock()
	require.NoError(t, state.AppendHistory(f.stateDir, &report.Report{Job: "fs", RunID: "20260724T220000Z-abcdef", Outcome: report.CopyFailed, ExitCode: 10, Start: t0, End: f.now}))
	v, err = Look(f.stateDir, "fs")
	require.NoError(t, err)
	assert.False(t, v.Running)
	require.NotNil(t, v.Status)
	assert.Equal(t, StateFinished, v.Status.State)
	assert.Equal(t, report.CopyFailed, v.Status.Outcome)
	assert.Equal(t, SourceDone, v.Status.Sources[1].State)
	text.Reset()
	v.WriteText(&text, f.now)
	assert.Contains(t, text.String(), "job fs: not running\nlast run 20260724T220000Z-abcdef: copy_failed (exit 10)")
}

// A status file that is running but whose run holds no lock was left by a
// run that died; one vssmirror did not write is refused, not shown.
func TestLookStaleAndForeignStatus(t *testing.T) {
	f := newFixture(t, false)
	tr := New(f.opts())
	tr.Step(f.now)
	v, err := Look(f.stateDir, "fs")
	require.NoError(t, err)
	assert.False(t, v.Running)
	require.Len(t, v.Notes, 1)
	assert.Contains(t, v.Notes[0], "is no longer running and did not finish")

	for _, bad := range []string{`{`, `{"schema":1,"job":"other","state":"running"}`, `{"schema":2,"job":"fs","state":"running"}`,
		`{"schema":1,"job":"fs","state":"exploded"}`, strings.Repeat(" ", maxStatus+1),
		// what Line and WriteText would index or print as they are
		`{"schema":1,"job":"fs","state":"running","phase":"copy","source":3,"sources_total":3,"sources":[]}`,
		`{"schema":1,"job":"fs","state":"running","phase":"copy","source":-1,"sources":[]}`,
		`{"schema":1,"job":"fs","state":"running","phase":"copy","source":1,"sources":[{"index":1,"state":"\u001b[2J"}]}`,
		`{"schema":1,"job":"fs","state":"running","phase":"\u001b[2J","source":0,"sources":[]}`} {
		require.NoError(t, os.WriteFile(StatusPath(f.stateDir, "fs"), []byte(bad), 0o600))
		_, err := ReadStatus(f.stateDir, "fs")
		assert.ErrorIs(t, err, ErrBadStatus, bad[:min(len(bad), 40)])
		v, err := Look(f.stateDir, "fs")
		require.NoError(t, err)
		assert.Nil(t, v.Status)
	}
	require.NoError(t, os.Remove(StatusPath(f.stateDir, "fs")))
	v, err = Look(f.stateDir, "fs")
	require.NoError(t, err)
	assert.Equal(t, []string{"no run of this job is recorded in " + f.stateDir}, v.Notes)
}

// ansi matches the escape sequences mpb redraws with.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")

// On a terminal the bar is redrawn in place, output printed meanwhile
// goes above it, and what comes after CopyEnded (the final summary) is
// printed after the last frame, whole.
func TestBarKeepsFinalSummaryIntact(t *testing.T) {
	f := newFixture(t, true)
	o := f.opts()
	o.Bar = true
	tr := New(o)
	console := tr.Console(&f.out)
	appendLog(t, f.sources[0].GuardLog, header(`S:\Shares`, "/MIR /L")+fileLines(`S:\Shares`, 10, 10, 100)+summary(10, 1000))
	appendLog(t, f.sources[0].Log, header(`S:\Shares`, "/MIR"))
	for i := range 10 {
		f.now = t0.Add(time.Duration(i) * time.Second)
		appendLog(t, f.sources[0].Log, fileLines(`S:\Shares`, 1, 1, 100))
		tr.Step(f.now)
		fmt.Fprintf(console, "-> diskshadow line %d\n", i)
		time.Sleep(30 * time.Millisecond) // lets mpb draw frames (what is drawn is not asserted on)
	}
	appendLog(t, f.sources[0].Log, summary(10, 1000))
	tr.CopyEnded()
	summaryText := "vssmirror: run 20260724T220000Z-abcdef: success (exit 0)\n  source D:\\Shares: success, 10 copied\n"
	f.out.WriteString(summaryText)

	out := f.out.String()
	if os.Getenv("PEEK") != "" {
		fmt.Printf("%q\n", out)
	}
	assert.True(t, strings.HasSuffix(out, summaryText), "the summary comes last, whole: %q", out[max(0, len(out)-300):])
	last := ansi.FindAllStringIndex(out, -1)
	require.NotEmpty(t, last, "the bar was redrawn in place")
	assert.Less(t, last[len(last)-1][1], len(out)-len(summaryText)+1, "no redraw after the summary started")
	plain := ansi.ReplaceAllString(out, "")
	for i := range 10 {
		assert.Contains(t, plain, fmt.Sprintf("-> diskshadow line %d\n", i), "console output above the bar")
	}
	assert.Contains(t, plain, `source 1/2 D:\Shares`)
	assert.Contains(t, plain, "10 files, 1000 B, 0 failed, done")
	assert.Contains(t, plain, "[====", "a bar: the /L pass gave an estimate")
}

// BenchmarkTrackerStep measures what the run's progress costs per second
// of a copy that logs 1,000 file lines a second: each operation appends
// 1,000 lines to the current source's log (not timed) and takes one step
// (each source's logs read, the counts, rate and ETA, the status file
// written every fifth step as every 5 s, a plain line every 30th).
// "%core" is the step's CPU time as a share of that second.
func BenchmarkTrackerStep(b *testing.B) {
	f := &fixture{dir: b.TempDir(), now: t0}
	f.stateDir = filepath.Join(f.dir, "state")
	require.NoError(b, os.MkdirAll(f.stateDir, 0o700))
	for i := range 2 {
		f.sources = append(f.sources, Source{Path: fmt.Sprintf(`D:\Share%d`, i), Log: filepath.Join(f.dir, fmt.Sprintf("robocopy-%d.log", i+1)), GuardLog: filepath.Join(f.dir, fmt.Sprintf("guard-%d.log", i+1))})
	}
	o := f.opts()
	o.Out = io.Discard
	tr := New(o)
	w, err := os.Create(f.sources[0].Log)
	require.NoError(b, err)
	defer w.Close()
	_, err = w.Write(utf16text.EncodeLE(header(`S:\Share0`, "/MIR")))
	require.NoError(b, err)
	var chunk strings.Builder
	for i := range 1000 {
		if i%100 == 0 {
			fmt.Fprintf(&chunk, "\t  %18d\tS:\\Share0\\dept %d\\projects\\2026\\\r\n", 100, i)
			continue
		}
		fmt.Fprintf(&chunk, "\t    New File  \t\t  %6d\tquarterly figures %d.xlsx\r\n", i*13%99991, i)
	}
	lines := utf16text.EncodeLE(chunk.String())[2:]
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		_, err := w.Write(lines)
		require.NoError(b, err)
		f.now = f.now.Add(time.Second)
		b.StartTimer()
		tr.Step(f.now)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9*100, "%core")
	require.Positive(b, tr.status.Sources[0].FilesCopied)
}
