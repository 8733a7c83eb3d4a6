// Package report owns what a run reports: the JSON report of a run or a
// cleanup (Report, written atomically by WriteFile) and its human summary,
// and the run's one typed Outcome, which alone decides the exit code, the
// Windows event ID and the outcome names in reports, history, metrics and
// mail.
//
// It also reads diskshadow and robocopy logs back into one report for
// `vssmirror report` (ReadLogs, LogReport), telling which tool wrote each
// log from its first bytes (DetectKind).
package report
