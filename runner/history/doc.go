// Package history shows a job's run history: the JSON lines runner/state
// appends after every run, as a console table (WriteTable), JSON and a
// self-contained HTML page (WritePage, with runner/page), for
// `vssmirror history` and `vssmirror run --html`.
//
// The history file is input: a line vssmirror did not write (bad JSON,
// an unknown outcome, a run ID that is not one path element, negative
// counts, an end before its start) is skipped and counted, and the page
// and table say how many. A run links to its report (the
// vssmirror-report.json Run leaves in its run folder) only when the run
// folder is there; a run ID is checked before it becomes part of a path.
package history
