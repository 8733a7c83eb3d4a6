package notify

import (
	"fmt"
	"strings"

	"github.com/vssmirror/vssmirror/runner/report"
)

// MaxEventChars is what vssmirror puts into one event's text, in UTF-16
// code units, which is what Windows counts: a character outside the Basic
// Multilingual Plane (an emoji, rare CJK) takes two. Windows caps one
// insertion string at 31,839 (ReportEvent); staying below leaves room for
// the message template.
const MaxEventChars = 30000

// EventText is the text of a run's event: the summary of the run first
// (outcome, shadows, per-source counts, errors, cleanup), then the files
// that were not copied, cut with "... and N more" so the whole stays
// within MaxEventChars.
func EventText(rep *report.Report) string { return eventText(rep, MaxEventChars) }

const summaryCut = "\n... (summary cut)"

func eventText(rep *report.Report, max int) string {
	var head strings.Builder
	rep.WriteSummaryOnly(&head)
	text := strings.TrimSpace(head.String())
	var files []string
	for _, s := range rep.Sources {
		for _, e := range s.Errors {
			files = append(files, fmt.Sprintf("not copied: %s (error %d: %s)", e.Path, e.Code, e.Message))
		}
	}
	if len(files) == 0 {
		if units(text) > max {
			return truncateUnits(text, max-units(summaryCut)) + summaryCut
		}
		return text
	}
	const header = "\nfiles not copied:"
	all := fmt.Sprintf("\n... and %d more (see the report)", len(files))
	if units(text)+units(header)+units(all) > max {
		// No room for a single file: the summary, cut, and the count.
		return truncateUnits(text, max-units(summaryCut)-units(all)) + summaryCut + all
	}
	var b strings.Builder
	b.WriteString(text)
	b.WriteString(header)
	n := units(b.String())
	for i, f := range files {
		more := fmt.Sprintf("\n... and %d more (see the report)", len(files)-i)
		if n+1+units(f)+units(more) > max {
			b.WriteString(more)
			return b.String()
		}
		b.WriteString("\n" + f)
		n += 1 + units(f)
	}
	return b.String()
}

// units is the length of s in UTF-16 code units.
func units(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// truncateUnits cuts s to at most n UTF-16 code units, never inside a
// character.
func truncateUnits(s string, n int) string {
	used := 0
	for k, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if used+w > n {
			return s[:k]
		}
		used += w
	}
	return s
}
