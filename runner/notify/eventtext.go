package notify

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vssmirror/vssmirror/runner/report"
)

// MaxEventChars is what vssmirror puts into one event's text. Windows caps
// one insertion string at 31,839 characters (ReportEvent); staying well
// below leaves room for the message template and for multi-byte text.
const MaxEventChars = 30000

// EventText is the text of a run's event: the summary of the run first
// (outcome, shadows, per-source counts, errors, cleanup), then the files
// that were not copied, cut with "... and N more" so the whole stays
// within max characters.
func EventText(rep *report.Report) string { return eventText(rep, MaxEventChars) }

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
	if utf8.RuneCountInString(text) > max {
		return truncateRunes(text, max-30) + "\n... (summary cut)"
	}
	if len(files) == 0 {
		return text
	}
	var b strings.Builder
	b.WriteString(text)
	b.WriteString("\nfiles not copied:")
	n := utf8.RuneCountInString(b.String())
	for i, f := range files {
		more := fmt.Sprintf("\n... and %d more (see the report)", len(files)-i)
		if n+1+utf8.RuneCountInString(f)+utf8.RuneCountInString(more) > max {
			b.WriteString(more)
			return b.String()
		}
		b.WriteString("\n" + f)
		n += 1 + utf8.RuneCountInString(f)
	}
	return b.String()
}

func truncateRunes(s string, n int) string {
	if n < 0 {
		n = 0
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}
