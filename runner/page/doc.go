// Package page renders vssmirror's self-contained HTML pages: a job's run
// history (HistoryPage, for `vssmirror history --html` and `run --html`)
// and the view of many servers (FleetPage, for `vssmirror fleet --html`).
//
// A page is one file that needs nothing else: its CSS is inline, its
// charts are inline SVG built here (Chart, Bar), and it has no script and
// loads nothing from the network, so it opens from a file share on a
// server without Internet access. The templates are html/template (every
// value escaped for its context) over typed data; the callers format the
// values, the templates only lay them out. Links to reports and run
// folders are made by LinkTo, relative to the page when they can be.
package page
