// Package vssid owns the shape of VSS identifiers (shadow copy, shadow set,
// writer and provider IDs): a GUID in braces, {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}.
// Every ID read back from diskshadow's output or from a state file is
// checked here before it may reach a script.
package vssid

import "regexp"

// Pattern matches one braced GUID, for use inside larger expressions.
const Pattern = `\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}`

var (
	braced = regexp.MustCompile(`^` + Pattern + `$`)
	loose  = regexp.MustCompile(`^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$`)
	find   = regexp.MustCompile(Pattern)
)

// Valid reports whether s is exactly one braced GUID and nothing else (no
// spaces, no line break, nothing after it).
func Valid(s string) bool { return braced.MatchString(s) }

// ValidLoose reports whether s is a GUID with or without braces, the forms
// a job file may use for a writer ID.
func ValidLoose(s string) bool { return loose.MatchString(s) }

// FindAll returns every braced GUID in s, in order, as written (case kept);
// nil if there is none. The GUIDs may be surrounded by anything: FindAll
// picks IDs out of a line of output, where Valid checks a whole value.
func FindAll(s string) []string { return find.FindAllString(s, -1) }
