// Package runner runs one job, `vssmirror run`, as named steps: options and
// preflight, the lock and the shadow journal, the run folder, cleanup of an
// earlier run's leftovers, the choice of backup set, rendering the scripts,
// the snapshot and copy under diskshadow (run.go), evaluating what
// diskshadow and robocopy reported (evaluate.go), deleting exactly the
// shadows the run created (cleanup.go), marking the set and appending the
// run to the history. It also runs `vssmirror cleanup` (Cleanup); once a
// run has ended, AfterRun (after.go) sends the status mail and writes the
// metrics file and the Windows event.
//
// What it reports lives in runner/report (the report, its Outcome and
// reading logs for `vssmirror report`), what it keeps between runs in
// runner/state, and the mail, metrics and event in runner/notify.
package runner
