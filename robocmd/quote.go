package robocmd

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// QuoteError is returned by Quote for a value that cannot be written into a
// batch file so that the program receives it unchanged.
type QuoteError struct {
	Value  string // the value that was refused
	Reason string // why, in words an admin understands
}

// Error implements error.
func (e *QuoteError) Error() string {
	return fmt.Sprintf("cannot quote %q for cmd.exe: %s", e.Value, e.Reason)
}

// cmdSpecial are the characters that make cmd.exe (or a program's argv
// parser) treat an unquoted argument as something other than one literal
// word. Inside double quotes all of them are literal, except '%' which is
// handled separately by doubling.
const cmdSpecial = " \t&|<>^(),;=!\"'`+[]{}~"

// Quote returns s written as one argument of a command line in a .cmd or
// .bat file, so that the program started by that line receives exactly s.
//
// '%' is doubled (cmd.exe expands %VAR% even inside quotes); the value is
// wrapped in double quotes only when it contains a space or a character
// cmd.exe treats specially. Values that cannot be represented safely are
// refused with a *QuoteError rather than written wrong: an empty value, one
// containing '"', a control character or a newline, invalid UTF-8, and a
// value that needs quotes but ends in a backslash (the C runtime would read
// `\"` as a literal quote and shift every later argument). Quote assumes the
// batch file runs with delayed expansion disabled, as every script vssmirror
// writes does; with it enabled '!' would be special too.
func Quote(s string) (string, error) {
	q, err := QuoteArg(s)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(q, "%", "%%"), nil
}

// QuoteArg returns s as one argument of a command line that no cmd.exe
// reads, only the program's C runtime (a Task Scheduler action's
// arguments, CreateProcess): quoted when needed, with the same refusals as
// Quote, but '%' left alone.
func QuoteArg(s string) (string, error) {
	if err := checkQuotable(s); err != nil {
		return "", err
	}
	if !needsQuotes(s) {
		return s, nil
	}
	if strings.HasSuffix(s, `\`) {
		return "", &QuoteError{Value: s, Reason: `a quoted argument must not end in a backslash (robocopy would read \" as a quote); drop the trailing backslash or append "."`}
	}
	return `"` + s + `"`, nil
}

// QuotePrompt returns s as one argument of a command an admin types or
// pastes at a cmd.exe prompt (the commands vssmirror prints): quoted like
// QuoteArg. A '%' is refused: at the prompt "%%" is not an escape and a
// %NAME% would expand, so no quoting makes it reach the program unchanged.
func QuotePrompt(s string) (string, error) {
	if strings.Contains(s, "%") {
		return "", &QuoteError{Value: s, Reason: "it contains '%', which a cmd.exe prompt would expand; rename the file or folder"}
	}
	return QuoteArg(s)
}

// QuotePowerShell returns s as a single-quoted PowerShell string inside a
// `powershell -Command "..."` typed at a cmd.exe prompt: ' doubled; '"'
// and '%' (which cmd would see first) and control characters refused.
func QuotePowerShell(s string) (string, error) {
	if err := checkQuotable(s); err != nil {
		return "", err
	}
	if strings.Contains(s, "%") {
		return "", &QuoteError{Value: s, Reason: "it contains '%', which a cmd.exe prompt would expand; rename the file or folder"}
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
}

// CheckPath reports whether s can be quoted by Quote, without quoting it:
// the check job validation runs on every path so that a bad path is reported
// with its field name instead of failing later in a template.
func CheckPath(s string) error {
	if err := checkQuotable(s); err != nil {
		return err
	}
	if needsQuotes(s) && strings.HasSuffix(s, `\`) {
		return &QuoteError{Value: s, Reason: "a path that needs quotes must not end in a backslash"}
	}
	return nil
}

func checkQuotable(s string) error {
	if s == "" {
		return &QuoteError{Value: s, Reason: "the value is empty"}
	}
	if !utf8.ValidString(s) {
		return &QuoteError{Value: s, Reason: "the value is not valid UTF-8"}
	}
	for _, r := range s {
		switch {
		case r == '"':
			return &QuoteError{Value: s, Reason: `it contains '"', which cmd.exe cannot pass inside a quoted argument`}
		case r == '\n' || r == '\r':
			return &QuoteError{Value: s, Reason: "it contains a line break, which ends a command in cmd.exe"}
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufeff':
			return &QuoteError{Value: s, Reason: fmt.Sprintf("it contains the control character %U", r)}
		}
	}
	return nil
}

func needsQuotes(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII && unicode.IsSpace(r) {
			return true
		}
		if strings.ContainsRune(cmdSpecial, r) {
			return true
		}
	}
	return false
}

// QuoteCall returns s as one argument of a `call` line in a batch file
// (how a batch file runs another .cmd or .bat and gets control back).
// call expands the line a second time: '%' is quadrupled so that one
// survives both passes, and '^' is refused, because call doubles every
// caret inside quotes. "/?" is refused too: call would print its help
// instead of running anything. The other refusals are Quote's.
func QuoteCall(s string) (string, error) {
	if strings.Contains(s, "^") {
		return "", &QuoteError{Value: s, Reason: "it contains '^', which cmd.exe's call (used to run a .cmd or .bat hook) doubles inside quotes; rename the file or folder, or wrap the script in an .exe"}
	}
	if strings.Contains(s, "/?") {
		return "", &QuoteError{Value: s, Reason: "it contains '/?', which makes cmd.exe's call print its help instead of running the script"}
	}
	q, err := QuoteArg(s)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(q, "%", "%%%%"), nil
}
