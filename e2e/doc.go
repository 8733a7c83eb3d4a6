// Package e2e is the end-to-end suite that runs the Windows build of
// vssmirror, the generated scripts under wine's cmd.exe, a diskshadow
// double and a robocopy double, and checks the files that land in the
// destination. It runs with `make e2e-wine` (build tag e2e); see
// docs/WINE.md for what it covers and what wine cannot show.
package e2e
