package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/runner/fleet"
)

func fleetCommand() *cli.Command {
	return &cli.Command{
		Name:  "fleet",
		Usage: "one table of many servers' jobs from their collected reports and histories, worst first",
		Description: "Reads every *.json file under --reports (any depth, any name) that is a vssmirror run report\n" +
			"(the host is the report's) and every <job>.history.jsonl (the host of the reports in the same\n" +
			"top folder, else the top folder's name: DIR\\<host>\\...), and prints per host and job the last\n" +
			"run, how long ago it last succeeded, its outcome, bytes copied, files failed and shadows left,\n" +
			"worst first: shadows left, failed, files not copied, no success within --stale, ok. A file that\n" +
			"is damaged or not a vssmirror report is named on its own line and skipped. --html FILE writes\n" +
			"the same as a self-contained page; --json prints {schema, dir, generated, reports, other_reports,\n" +
			"histories, jobs [...], problems [{file, message}], problems_total}. A newer cleanup or snapshot\n" +
			"stop report replaces the last run's leaked shadows. Exit 0 once one report or history was read.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "reports", Usage: "folder of the reports and histories collected from the servers (required)"},
			&cli.StringFlag{Name: "html", Usage: "also write the fleet page to this file (replaced atomically)"},
			&cli.BoolFlag{Name: "json", Usage: "print JSON"},
			&cli.DurationFlag{Name: "stale", Value: fleet.DefaultStale, Usage: "a job whose last success is older than this is stale"},
		},
		Action: func(c *cli.Context) error {
			if err := checkArgs(c, "reports"); err != nil {
				return err
			}
			if c.Duration("stale") <= 0 {
				return usagef("--stale %s: give a positive duration such as 26h", c.Duration("stale"))
			}
			if err := needFolders(c, "html"); err != nil {
				return err
			}
			f, err := fleet.Scan(fleet.Options{Dir: c.String("reports"), Stale: c.Duration("stale"), Now: time.Now()})
			if f != nil {
				f.WriteProblems(c.App.ErrWriter)
			}
			if err != nil {
				return err
			}
			if p := c.String("html"); p != "" {
				if err := f.WritePage(p, time.Local); err != nil {
					return err
				}
				fmt.Fprintf(c.App.ErrWriter, "vssmirror: wrote %s (%d jobs)\n", p, len(f.Jobs))
			}
			if c.Bool("json") {
				return printJSON(c.App.Writer, f)
			}
			return f.WriteTable(c.App.Writer, time.Local)
		},
	}
}
