package notify

import (
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/vssmirror/vssmirror/internal/utf16text"
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
		if utf16text.Len(text) > max {
			return truncateUnits(text, max-utf16text.Len(summaryCut)) + summaryCut
		}
		return text
	}
	const header = "\nfiles not copied:"
	all := fmt.Sprintf("\n... and %d more (see the report)", len(files))
	if utf16text.Len(text)+utf16text.Len(header)+utf16text.Len(all) > max {
		// No room for a single file: the summary, cut, and the count.
		return truncateUnits(text, max-utf16text.Len(summaryCut)-utf16text.Len(all)) + summaryCut + all
	}
	var b strings.Builder
	b.WriteString(text)
	b.WriteString(header)
	n := utf16text.Len(b.String())
	for i, f := range files {
		more := fmt.Sprintf("\n... and %d more (see the report)", len(files)-i)
		if n+1+utf16text.Len(f)+utf16text.Len(more) > max {
			b.WriteString(more)
			return b.String()
		}
		b.WriteString("\n" + f)
		n += 1 + utf16text.Len(f)
	}
	return b.String()
}

// truncateUnits cuts s to at most n UTF-16 code units, never inside a
// character.
func truncateUnits(s string, n int) string {
	used := 0
	for k, r := range s {
		w := utf16.RuneLen(r)
		if used+w > n {
			return s[:k]
		}
		used += w
	}
	return s
}
