package script

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// ignoreRE matches a suppression comment: "# lint:ignore rule[,rule] reason".
// Only warnings and information can be suppressed; the reason is required.
var ignoreRE = regexp.MustCompile(`^lint:ignore\s+([a-z,-]+)\s+\S`)

type linter struct {
	file     string
	s        *Script // the script as diskshadow reads it
	findings []Finding
}

func (l *linter) add(line int, rule, format string, args ...any) {
	l.addAs(ruleOf(rule).Severity, line, rule, format, args...)
}

// addAs adds a finding with a severity other than the rule's own, for a
// rule whose weight depends on the script (exec-before-create).
func (l *linter) addAs(sev Severity, line int, rule, format string, args ...any) {
	l.findings = append(l.findings, Finding{File: l.file, Line: line, Severity: sev, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// Lint checks a parsed script and returns its findings sorted by line.
//
// A script with LF line endings is reported once (line-endings), then
// linted as diskshadow reads it: every LF line without its last character
// (Script.AsRead). Each command line that the cut changes gets an lf-cut
// note saying what diskshadow reads, and the other rules judge the cut
// text, so that no finding rests on bytes diskshadow never sees.
func Lint(name string, s *Script) []Finding {
	l := &linter{file: name, s: s}
	l.text()
	read := s.AsRead()
	if read != s {
		l.cuts(s, read)
	}
	l.s = read
	l.walk()
	for _, check := range extraChecks {
		check(l, read)
	}
	// Suppressions: "# lint:ignore rule reason" silences that warning or
	// information rule in the whole file. Errors cannot be silenced.
	ignored := map[string]bool{}
	for _, c := range read.Comments {
		if m := ignoreRE.FindStringSubmatch(c.Args[0]); m != nil {
			for _, r := range strings.Split(m[1], ",") {
				ignored[r] = true
			}
		}
	}
	out := l.findings[:0]
	for _, f := range l.findings {
		if f.Severity != SevError && ignored[f.Rule] {
			continue
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Line < out[b].Line })
	return out
}

// text checks encoding and line endings.
func (l *linter) text() {
	s := l.s
	switch s.Encoding {
	case EncUTF16LE, EncUTF16BE:
		l.add(1, "encoding", "the script is %s; diskshadow reads scripts as ASCII: save it as ASCII (ANSI) without a byte order mark", strings.ToUpper(s.Encoding))
	case EncUTF8BOM:
		l.add(1, "encoding", "the script starts with a UTF-8 byte order mark; diskshadow reads a script as ANSI text, so its three bytes become part of the first command: save it as ASCII without BOM")
	}
	if s.Encoding != EncUTF16LE && s.Encoding != EncUTF16BE {
		comment := map[int]bool{}
		for _, c := range s.Comments {
			comment[c.Line] = true
		}
		for _, n := range s.NonASCIILines {
			if !comment[n] {
				l.add(n, "encoding", "non-ASCII characters; how diskshadow reads them is undocumented (it reads scripts as ANSI text): use ASCII only (move non-ASCII paths into the exec'd .cmd)")
			}
		}
	}
	switch s.LineEndings {
	case EOLLF, EOLCR:
		l.add(firstOr(s.LFLines, 1), "line-endings", "the script uses %s line endings; diskshadow then drops the last character of every line (`end backup` arrives as `end backu`), and the findings below are for the lines as it reads them: save it with CRLF (Windows) line endings", strings.ToUpper(s.LineEndings))
	case EOLMixed:
		l.add(firstOr(s.LFLines, 1), "line-endings", "mixed line endings: %d lines end in a bare LF or CR (first at line %d), and diskshadow drops their last character; the findings below are for the lines as it reads them: save the whole file with CRLF line endings", len(s.LFLines), firstOr(s.LFLines, 1))
	}
}

// cuts notes, for every command line an LF ending changes, what diskshadow
// reads instead.
func (l *linter) cuts(orig, read *Script) {
	for _, st := range orig.Statements {
		was, now := strings.TrimSpace(st.Raw), strings.TrimSpace(read.Line(st.Line))
		if was == now {
			continue
		}
		if now == "" {
			l.add(st.Line, "lf-cut", "diskshadow reads this LF line as an empty line (`%s` loses its last character)", was)
			continue
		}
		l.add(st.Line, "lf-cut", "diskshadow reads this LF line as `%s`", now)
	}
}

func firstOr(list []int, def int) int {
	if len(list) > 0 {
		return list[0]
	}
	return def
}
