// Package notify owns telling others how a run ended: the status mail
// (ShouldMail, Mail), the Prometheus text file for node_exporter's textfile
// collector (PromText, WriteProm, with the metric names in MetricNames) and
// the Windows Event Log entry (LogEvent, whose text is EventText, cut to
// what one event holds).
//
// Everything it sends is read from a finished report.Report; none of it
// can change the run's outcome. A failure is returned for the caller
// (runner.AfterRun) to note as a warning.
package notify
