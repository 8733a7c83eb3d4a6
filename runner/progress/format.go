package progress

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Line is the plain progress line of a status: where the run is, what
// the current source copied so far, and how far it is when an estimate
// says so.
func Line(st *Status, now time.Time) string {
	switch {
	case st.Phase == PhaseSnapshot || st.Source == 0 && st.State == StateRunning && st.Phase != PhaseCleanup:
		return fmt.Sprintf("snapshot in progress (diskshadow), %s since the start", Duration(now.Sub(st.Start)))
	case st.Phase == PhaseCleanup || st.Phase == PhaseDone:
		return "copy ended: " + totals(st)
	}
	s := st.Sources[st.Source-1]
	return fmt.Sprintf("source %d of %d (%s): %s", s.Index, st.SourcesTotal, Clean(s.Path), SourceText(&s, true))
}

// totals sums the sources: how many finished and what they copied.
func totals(st *Status) string {
	var done int
	var files, bytes, failed int64
	for _, s := range st.Sources {
		if s.State == SourceDone {
			done++
		}
		files += s.FilesCopied
		bytes += s.BytesCopied
		failed += s.FilesFailed
	}
	return fmt.Sprintf("%d of %d source(s) copied to the end, %s files and %s copied, %s failed", done, st.SourcesTotal, Count(files), Bytes(bytes), Count(failed))
}

// SourceText is a source's counts, rate and estimate; with current, the
// file being copied too.
func SourceText(s *SourceStatus, current bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s files and %s copied, %s failed", Count(s.FilesCopied), Bytes(s.BytesCopied), Count(s.FilesFailed))
	if s.State == SourceCopying && s.BytesPerSec > 0 {
		fmt.Fprintf(&b, ", %s/s", Bytes(s.BytesPerSec))
	}
	b.WriteString(", ")
	b.WriteString(estimateText(s))
	if current && s.CurrentFile != "" && s.State == SourceCopying {
		fmt.Fprintf(&b, "; now %s", Clean(s.CurrentFile))
	}
	return b.String()
}

// BarText is the short form of a source's progress beside its bar.
func BarText(s *SourceStatus) string {
	var b strings.Builder
	if s.Percent != nil && s.State != SourceDone {
		fmt.Fprintf(&b, "%.0f%% ", *s.Percent)
	}
	fmt.Fprintf(&b, "%s files, %s, %s failed", Count(s.FilesCopied), Bytes(s.BytesCopied), Count(s.FilesFailed))
	switch {
	case s.State == SourceDone:
		b.WriteString(", done")
	case s.State == SourceCopying:
		if s.BytesPerSec > 0 {
			fmt.Fprintf(&b, ", %s/s", Bytes(s.BytesPerSec))
		}
		if s.ETASeconds != nil {
			fmt.Fprintf(&b, ", ETA %s", Duration(time.Duration(*s.ETASeconds)*time.Second))
		}
	}
	return b.String()
}

// Tail is s cut to its last n characters, an ellipsis first.
func Tail(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 2 {
		return s
	}
	return "…" + string(r[len(r)-n+1:])
}

func estimateText(s *SourceStatus) string {
	e := s.Estimate
	if e == nil {
		if s.State == SourceDone {
			return "done"
		}
		return "no estimate (no /L pass and no earlier good run)"
	}
	var of string
	switch {
	case e.Measure == MeasureBytes:
		of = fmt.Sprintf("of %s to copy (the /L pass)", Bytes(e.Total))
	case e.From == FromListPass:
		of = fmt.Sprintf("of %s files (the /L pass)", Count(e.Total))
	default:
		of = fmt.Sprintf("of the %s files the last good run saw", Count(e.Total))
	}
	switch {
	case s.State == SourceDone:
		return "done"
	case s.Percent == nil:
		return "past the estimate " + of
	case s.ETASeconds == nil:
		return fmt.Sprintf("%.0f%% %s", *s.Percent, of)
	}
	return fmt.Sprintf("%.0f%% %s, ETA %s", *s.Percent, of, Duration(time.Duration(*s.ETASeconds)*time.Second))
}

// Bytes is n bytes in binary units, as robocopy counts them (1 k = 1024).
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, i := float64(n), 0
	for f >= unit && i < 5 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", f, "KMGTPE"[i-1])
}

// Count is n with thousands separated by commas.
func Count(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// Duration is d rounded for people: 45s, 10m20s, 3h05m.
func Duration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// Clean makes a name read from a log or the status file safe to print on
// a console: control characters (a terminal escape in a file name) become
// '?'.
func Clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F || r >= 0x80 && r < 0xA0 {
			return '?'
		}
		return r
	}, s)
}

// WriteText writes the view for a console.
func (v *View) WriteText(w io.Writer, now time.Time) {
	st := v.Status
	switch {
	case v.Running && st != nil && st.State == StateRunning:
		fmt.Fprintf(w, "job %s: running (run %s on %s, pid %d, since %s, status of %s)\n", Clean(v.Job), Clean(st.RunID), Clean(st.Host), st.PID,
			st.Start.Local().Format("2006-01-02 15:04:05"), Duration(now.Sub(st.Updated))+" ago")
		fmt.Fprintf(w, "  %s\n", Line(st, now))
		for _, s := range st.Sources {
			fmt.Fprintf(w, "  source %d of %d %s: %s, %s\n", s.Index, st.SourcesTotal, Clean(s.Path), s.State, SourceText(&s, false))
		}
	case v.Running:
		fmt.Fprintf(w, "job %s: running\n", Clean(v.Job))
	default:
		fmt.Fprintf(w, "job %s: not running\n", Clean(v.Job))
	}
	if l := v.LastRun; l != nil && (!v.Running || st == nil || st.RunID != l.RunID) {
		fmt.Fprintf(w, "last run %s: %s (exit %d), %s to %s (%s), %s files and %s copied, %s failed, %d shadow(s) left\n",
			Clean(l.RunID), l.Outcome, l.ExitCode, l.Start.Local().Format("2006-01-02 15:04:05"), l.End.Local().Format("15:04:05"),
			Duration(l.End.Sub(l.Start)), Count(l.FilesCopied), Bytes(l.BytesCopied), Count(l.FilesFailed), l.ShadowsLeaked)
	}
	for _, n := range v.Notes {
		fmt.Fprintf(w, "note: %s\n", Clean(n))
	}
}
