package robocmd

import (
	"fmt"
	"strings"
)

// Class is what a robocopy exit code means for a backup.
type Class int

// The classes of robocopy exit codes (Microsoft Learn, robocopy: "Any value
// greater than or equal to 8 indicates that there was at least one failure").
const (
	// Success is exit 0-7: files copied, extras deleted or mismatches noted.
	Success Class = iota
	// Partial is exit 8-15: some files or directories could not be copied
	// after the retries; the rest were.
	Partial
	// Fatal is exit 16 or more, or a negative code (the process was killed):
	// nothing was copied, typically a usage error or an unreachable path.
	Fatal
)

// String returns the class name used in reports: success, partial or fatal.
func (c Class) String() string {
	switch c {
	case Success:
		return "success"
	case Partial:
		return "partial"
	case Fatal:
		return "fatal"
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// MarshalText writes the class as its name, so reports say "partial".
func (c Class) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a class name written by MarshalText.
func (c *Class) UnmarshalText(b []byte) error {
	for _, k := range []Class{Success, Partial, Fatal} {
		if k.String() == string(b) {
			*c = k
			return nil
		}
	}
	return fmt.Errorf("robocopy outcome %q: want success, partial or fatal", b)
}

// The thresholds of the classes: the generated copy script compares
// robocopy's errorlevel with exactly these (they are its template data).
const (
	MinPartial = 8  // exit codes from here up to MinFatal-1 are Partial
	MinFatal   = 16 // exit codes from here up, and negative ones, are Fatal
)

// Classify returns the class of robocopy exit code code.
func Classify(code int) Class {
	switch {
	case code < 0 || code >= MinFatal:
		return Fatal
	case code >= MinPartial:
		return Partial
	default:
		return Success
	}
}

// Exit bits of robocopy's exit code.
const (
	BitCopied     = 1  // one or more files were copied
	BitExtras     = 2  // extra files or directories were found (and deleted under /MIR)
	BitMismatched = 4  // mismatched files or directories were found
	BitFailed     = 8  // some files or directories could not be copied
	BitFatal      = 16 // serious error: robocopy did not copy anything
)

// Describe spells out the bits of a robocopy exit code, e.g.
// "files copied, extras found" for 3.
func Describe(code int) string {
	if code < 0 {
		return "robocopy was killed or crashed"
	}
	if code == 0 {
		return "nothing to copy, source and destination in sync"
	}
	if code >= 2*BitFatal {
		return fmt.Sprintf("not a robocopy exit code (robocopy uses 0-%d; %d has bits it never sets): treated as fatal", 2*BitFatal-1, code)
	}
	if code&BitFatal != 0 {
		return "fatal error, nothing copied (usage error, or source or destination unreachable)"
	}
	var parts []string
	if code&BitCopied != 0 {
		parts = append(parts, "files copied")
	}
	if code&BitExtras != 0 {
		parts = append(parts, "extras found")
	}
	if code&BitMismatched != 0 {
		parts = append(parts, "mismatches found")
	}
	if code&BitFailed != 0 {
		parts = append(parts, "some files failed")
	}
	return strings.Join(parts, ", ")
}
