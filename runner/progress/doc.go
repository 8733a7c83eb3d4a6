// Package progress shows a run's progress while robocopy copies: it
// follows each source's log as it grows (robocmd/follow), estimates how far
// the copy is from the best source available (the deletion guard's /L
// pass, else the previous good run's counts from the history, else none:
// no percentage is made up), and shows it as a bar redrawn in place on a
// terminal (github.com/vbauerster/mpb/v8) or as one plain line every 30
// seconds elsewhere (Task Scheduler, a runbook capturing output). It
// writes the job's <job>.status.json in the state folder every few
// seconds, atomically, and reads it back for `vssmirror status` (Look).
package progress
