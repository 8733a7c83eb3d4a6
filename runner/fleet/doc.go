// Package fleet is the view of many servers: it reads the run reports
// and run histories collected from them (Ansible's collect.yml, a file
// share, any copy) and sums them up per host and job, worst first, for
// `vssmirror fleet` as a console table, JSON and an HTML page in the
// history page's style (runner/page).
//
// Every file under the folder is input from another machine. Any *.json
// file, whatever its name and depth, counts when it is a vssmirror
// report (an object with schema 1, job, run_id, host, a known outcome, a
// start); the host comes from the report. A <job>.history.jsonl file
// counts for the host whose reports share its top folder (or, without
// such reports, the host the top folder is named after: the layout
// Ansible's fetch writes, DIR/<host>/...). Anything else, a damaged
// report, a foreign JSON file, a file too large to be a report, becomes
// one line in Problems and never stops the scan.
//
// A report of `vssmirror cleanup` or `snapshot stop` (told by its run ID's
// prefix, report.CleanupIDPrefix) is not a backup run: when it is newer
// than the job's last run, its leaked shadows replace the run's. A
// report of `snapshot start` (held shadows, not leaked ones) is counted
// and otherwise left alone.
//
// Scan reads the files with one worker per CPU and keeps only one line
// of figures per host and job, so memory grows with the number of jobs,
// not with the number of reports.
package fleet
