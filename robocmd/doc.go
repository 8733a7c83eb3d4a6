// Package robocmd owns everything vssmirror knows about robocopy and cmd.exe:
// quoting a value so that a batch file passes it to a program unchanged
// (Quote), building robocopy's argument list from a job's settings (Args),
// and the meaning of robocopy's exit bitmask (Classify).
//
// The rules it follows are the ones in docs/WINDOWS.md: in a batch
// file '%' must be doubled, a quoted argument must not end in a backslash,
// '"' cannot be escaped inside quotes, and robocopy exit codes 0-7 are
// success, 8-15 a partial failure and 16 or a negative code fatal.
package robocmd
