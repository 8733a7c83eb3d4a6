package robocmd

import (
	"math"
	"strconv"
	"strings"
)

// LineKind is what one line of a robocopy log is, read by its shape (any
// language), for following a robocopy that is still running.
type LineKind int

// The kinds of line ReadLogLine tells apart.
const (
	LineOther      LineKind = iota
	LineBanner              // the "ROBOCOPY :: ..." banner: a job starts
	LineDashes              // a dashed rule: ends the header, starts the summary
	LineFile                // a file: Class, Size, Name
	LineDir                 // a folder: Class ("" for a folder only scanned), Name (its path)
	LineError               // an error: Err
	LineSummaryRow          // a Dirs, Files or Bytes row of the summary table: Counts
)

// LogLine is one line of a robocopy log. Its strings point into the line
// given to ReadLogLine: copy what you keep.
type LogLine struct {
	Kind   LineKind
	Class  string // the class as written, e.g. "New File", "*EXTRA File", "Newer"
	Size   int64  // a file's size in bytes (robocopy rounds "4.2 m")
	Count  int64  // a folder's files in the source (-1 for an extra folder)
	Name   string // a file's name (its full path under /FP or /MT), a folder's path
	Err    LogError
	Counts Counts
}

// ClassName is a file or folder class's stable name (FileClasses' keys):
// "new", "newer", "extra", "new_dir", ..., or the class as written when
// robocopy's word is not known.
func ClassName(class string, dir bool) string {
	return canonicalClass(class, dir)
}

// ReadLogLine says what one decoded log line (without its line end) is.
func ReadLogLine(s string) LogLine {
	tabbed := len(s) > 0 && s[0] == '\t'
	switch {
	case !tabbed && isBanner(s):
		return LogLine{Kind: LineBanner}
	case isDashes(s):
		return LogLine{Kind: LineDashes}
	case tabbed:
		return readFileLine(s)
	}
	if e, ok := parseErrorLine(s); ok {
		return LogLine{Kind: LineError, Err: e}
	}
	if c, ok := summaryRow(s); ok {
		return LogLine{Kind: LineSummaryRow, Counts: c}
	}
	return LogLine{}
}

// readFileLine reads "\t<class>\t\t<size>\t<name>" (a file) or
// "\t<class> <count>\t<path>" (a folder), as fileLine does.
func readFileLine(s string) LogLine {
	body := s[1:]
	tab := strings.IndexByte(body, '\t')
	if tab < 0 {
		return LogLine{}
	}
	first, rest := body[:tab], body[tab+1:]
	if !strings.HasPrefix(rest, "\t") {
		class := strings.TrimSpace(first)
		i := len(class)
		for i > 0 && (class[i-1] >= '0' && class[i-1] <= '9' || class[i-1] == '-') {
			i--
		}
		n, _ := strconv.ParseInt(class[i:], 10, 64)
		return LogLine{Kind: LineDir, Class: strings.TrimSpace(class[:i]), Name: rest, Count: n}
	}
	l := LogLine{Kind: LineFile, Class: strings.TrimSpace(first)}
	rest = rest[1:]
	size, name, ok := strings.Cut(rest, "\t")
	if !ok {
		return LogLine{}
	}
	l.Name = name
	if f := strings.Fields(size); len(f) > 0 {
		mult := 1.0
		if len(f) == 2 && len(f[1]) == 1 {
			mult, _ = unitMult(f[1][0])
		}
		if n, ok := parseNumber(f[0], mult != 1); ok && mult != 0 {
			l.Size = int64(math.Round(n * mult))
		}
	}
	return l
}
