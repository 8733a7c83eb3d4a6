package notify

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner/report"
)

// eventReport is a copy-failed run of one source with n failed files
// named by name(i).
func eventReport(n int, name func(i int) string) *report.Report {
	rep := &report.Report{Job: "fs", RunID: "20260101-0100", Outcome: report.CopyFailed, ExitCode: 10, DurationSeconds: 61,
		Shadows: []report.Shadow{{ID: "{11111111-2222-3333-4444-555555555555}", Volume: `D:\`, ExposedAs: "S:"}}}
	src := report.SourceResult{Path: `D:\Shares`, Dest: `\\nas01\backups\fs\D\Shares`, Outcome: "partial"}
	for i := 0; i < n; i++ {
		src.Errors = append(src.Errors, robocmd.LogError{Path: name(i), Code: 32, Message: "The process cannot access the file because it is being used by another process."})
	}
	src.Files.Failed = int64(n)
	rep.Sources = []report.SourceResult{src}
	return rep
}

func plainName(i int) string { return fmt.Sprintf(`S:\Shares\dept\file-%05d.docx`, i) }

var moreLine = regexp.MustCompile(`\n\.\.\. and (\d+) more \(see the report\)$`)

// notCopied counts the per-file lines of an event text.
func notCopied(text string) int { return strings.Count(text, "\nnot copied: ") }

func TestEventText(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rep       *report.Report
		files     int // failed files in the report
		wantAll   bool
		wantFirst string // the text starts with the summary: its first line
	}{
		{"no failed files", eventReport(0, plainName), 0, true, "vssmirror fs run 20260101-0100: COPY_FAILED (exit 10) in 1m1s"},
		{"three failed files", eventReport(3, plainName), 3, true, "vssmirror fs run 20260101-0100: COPY_FAILED (exit 10) in 1m1s"},
		{"10,000 failed files", eventReport(10000, plainName), 10000, false, "vssmirror fs run 20260101-0100: COPY_FAILED (exit 10) in 1m1s"},
		{"10,000 failed files with multi-byte names", eventReport(10000, func(i int) string {
			return fmt.Sprintf(`S:\Shares\Ärzte\Übersicht-日本語-Ωμέγα-%05d.xlsx`, i)
		}), 10000, false, "vssmirror fs run 20260101-0100: COPY_FAILED (exit 10) in 1m1s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := EventText(tc.rep)
			require.True(t, utf8.ValidString(text), "the text must stay valid UTF-8")
			assert.LessOrEqual(t, utf8.RuneCountInString(text), MaxEventChars)
			assert.True(t, strings.HasPrefix(text, tc.wantFirst), "summary first, got %.200q", text)
			assert.Contains(t, text, `D:\Shares -> \\nas01\backups\fs\D\Shares: partial`)
			shown := notCopied(text)
			if tc.wantAll {
				assert.Equal(t, tc.files, shown)
				assert.NotContains(t, text, "more (see the report)")
				if tc.files > 0 {
					assert.Contains(t, text, "\nfiles not copied:\nnot copied: "+tc.rep.Sources[0].Errors[0].Path+" (error 32: The process")
				} else {
					assert.NotContains(t, text, "files not copied:")
				}
				return
			}
			m := moreLine.FindStringSubmatch(text)
			require.NotNil(t, m, "a cut list ends with \"... and N more\": %q", text[max(0, len(text)-200):])
			more, _ := strconv.Atoi(m[1])
			assert.Equal(t, tc.files, shown+more, "shown + more = all failed files")
			assert.Greater(t, shown, 50, "the list is cut near the limit, not far below it")
			// Whole lines only: the last shown file is complete.
			last := tc.rep.Sources[0].Errors[shown-1].Path
			assert.Contains(t, text, "not copied: "+last+" (error 32: The process cannot access the file because it is being used by another process.)\n... and ")
			// Close to the limit: one more line would not have fit.
			line := utf8.RuneCountInString("\nnot copied: " + tc.rep.Sources[0].Errors[shown].Path + " (error 32: The process cannot access the file because it is being used by another process.)")
			assert.Greater(t, utf8.RuneCountInString(text)+line, MaxEventChars)
		})
	}
}

// TestEventTextUTF16 checks the limit Windows applies: ReportEvent counts
// an insertion string in UTF-16 code units (31,839 at most), and a
// character outside the Basic Multilingual Plane (an emoji, some CJK) is
// two of them.
func TestEventTextUTF16(t *testing.T) {
	const windowsLimit = 31839
	// Names made of supplementary-plane characters (CJK Extension B, emoji).
	rep := eventReport(10000, func(i int) string {
		return fmt.Sprintf(`S:\Shares\%s\%s-%05d.jpg`, strings.Repeat("𠜎𠜱𠝹", 20), strings.Repeat("📷🎉", 20), i)
	})
	text := EventText(rep)
	assert.LessOrEqual(t, utf8.RuneCountInString(text), MaxEventChars)
	assert.LessOrEqual(t, len(utf16.Encode([]rune(text))), windowsLimit,
		"UTF-16 length of the event text; characters outside the BMP count twice for Windows")
}

func TestEventTextHugeSummary(t *testing.T) {
	rep := eventReport(5, plainName)
	for i := 0; i < 2000; i++ {
		rep.Errors = append(rep.Errors, report.RunError{Kind: "vss", Message: fmt.Sprintf("error number %d: VSS_E_PROVIDER_VETO from the provider of volume ∑%d", i, i)})
	}
	text := EventText(rep)
	require.True(t, utf8.ValidString(text))
	assert.LessOrEqual(t, utf8.RuneCountInString(text), MaxEventChars)
	assert.True(t, strings.HasPrefix(text, "vssmirror fs run 20260101-0100: COPY_FAILED"))
	assert.Contains(t, text, "\n... (summary cut)", "%q", text[len(text)-100:])
	assert.True(t, strings.HasSuffix(text, "\n... (summary cut)") || strings.HasSuffix(text, "\n... and 5 more (see the report)"),
		"the text ends with the cut, or with the count of the files it had no room for: %q", text[len(text)-100:])
	assert.Zero(t, notCopied(text), "no file lines after a cut summary")
}

// TestEventTextHugeSummaryMultiByte: a summary cut in the middle of
// multi-byte and supplementary-plane characters stays valid UTF-8.
func TestEventTextHugeSummaryMultiByte(t *testing.T) {
	for _, unit := range []string{"ä", "日本", "📷", "a📷"} {
		rep := eventReport(0, plainName)
		rep.Errors = []report.RunError{{Kind: "vss", Message: strings.Repeat(unit, MaxEventChars)}}
		text := EventText(rep)
		require.True(t, utf8.ValidString(text), "%q", unit)
		assert.LessOrEqual(t, utf8.RuneCountInString(text), MaxEventChars, "%q", unit)
		assert.True(t, strings.HasSuffix(text, "\n... (summary cut)"), "%q", unit)
	}
}

// TestEventTextSummaryNearLimit: a summary just below the limit leaves no
// room for the file list; the text must still fit.
func TestEventTextSummaryNearLimit(t *testing.T) {
	for _, room := range []int{0, 1, 10, 17, 18, 30, 50, 100} {
		t.Run(strconv.Itoa(room), func(t *testing.T) {
			rep := eventReport(3, plainName)
			head := utf8.RuneCountInString(EventText(eventReport(0, plainName)))
			// One run error adds "\n  error (vss): " + message to the summary.
			fill := MaxEventChars - room - head - utf8.RuneCountInString("\n  error (vss): ")
			require.Positive(t, fill)
			rep.Errors = []report.RunError{{Kind: "vss", Message: strings.Repeat("x", fill)}}
			text := EventText(rep)
			assert.LessOrEqual(t, utf8.RuneCountInString(text), MaxEventChars, "summary %d characters below the limit", room)
		})
	}
}
