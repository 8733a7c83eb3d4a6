package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/runner"
	"github.com/vssmirror/vssmirror/runner/report"
)

// snapshotFlags are run's flags where they apply to a held snapshot.
func snapshotFlags() []cli.Flag {
	return append(runFlags(),
		&cli.StringFlag{Name: "scripts-dir", Usage: "render under this folder instead of the job's scripts_dir"},
		&cli.StringFlag{Name: "template-dir", Usage: "folder whose templates replace the embedded defaults of the same name"},
	)
}

func snapshotCommand() *cli.Command {
	return &cli.Command{
		Name:  "snapshot",
		Usage: "two-phase snapshots: take a snapshot and hold it for another tool (start), delete it (stop), list held ones (status)",
		Description: "start runs the pre_snapshot hook, create, expose on the job's letters and the post_snapshot hook,\n" +
			"journals the shadows with their hold deadline (--hold, default 8h), prints the letters and exits 0,\n" +
			"leaving the shadows for a backup product or as a rollback point. stop deletes exactly those shadows\n" +
			"(by ID from the journal). While a snapshot is held, `run` refuses (exit 13) unless --force-release;\n" +
			"a run or cleanup deletes held shadows whose deadline passed.",
		Subcommands: []*cli.Command{
			{
				Name:  "start",
				Usage: "take the job's snapshot and hold it (exit 0 with the exposed letters)",
				Flags: append(snapshotFlags(), &cli.DurationFlag{Name: "hold", Value: runner.DefaultHold, Usage: "how long the snapshot may be held; after it a run or cleanup deletes it"},
					&cli.StringSliceFlag{Name: "skip-check", Usage: "skip a preflight check, noted in the report (" + strings.Join(runner.SkippableChecks, ", ") + ")"}),
				Action: func(c *cli.Context) error {
					hold := c.Duration("hold")
					var held *report.Report
					err := doRun(c, func(ctx context.Context, o runner.Options) (*report.Report, error) {
						rep, err := runner.SnapshotStart(ctx, o, hold)
						held = rep
						return rep, err
					})
					if err == nil && held != nil && !c.Bool("json") {
						// The letters, one volume per line, for the tool that reads them.
						for _, s := range held.Shadows {
							fmt.Fprintf(c.App.Writer, "%s %s\n", s.Volume, s.ExposedAs)
						}
					}
					return err
				},
			},
			{
				Name:  "stop",
				Usage: "delete the job's held snapshot (by the shadow IDs in its journal) and report each shadow's fate",
				Flags: append(runFlags(), cleanupPromFlag(),
					&cli.StringFlag{Name: "scripts-dir", Usage: "accepted so that start and stop take the same flags; stop reads nothing from it: its run folder (the delete script and log) is in the private state folder"}),
				Action: func(c *cli.Context) error { return doRun(c, runner.SnapshotStop) },
			},
			{
				Name:  "status",
				Usage: "list the job's held snapshots with their age and deadline",
				Flags: []cli.Flag{configFlag(), stateDirFlag(), &cli.BoolFlag{Name: "json", Usage: "print JSON"}},
				Action: func(c *cli.Context) error {
					j, err := loadJob(c)
					if err != nil {
						return err
					}
					held, err := runner.SnapshotStatus(runner.Options{Job: j, StateDir: c.String("state-dir")})
					if err != nil {
						return err
					}
					if c.Bool("json") {
						return printJSON(c.App.Writer, map[string]any{"job": j.Name, "held": held})
					}
					if len(held) == 0 {
						fmt.Fprintf(c.App.Writer, "job %s: no snapshot is held\n", j.Name)
					}
					for _, h := range held {
						state := "held"
						if h.Expired {
							state = "EXPIRED (the next run or cleanup deletes it)"
						}
						fmt.Fprintf(c.App.Writer, "%s  %s exposed as %s  age %s  until %s  %s\n", h.ID, orDashText(h.Volume), orDashText(h.ExposedAs),
							(time.Duration(h.AgeSeconds) * time.Second).Round(time.Second), h.HoldUntil.Local().Format(time.RFC3339), state)
					}
					return nil
				},
			},
		},
	}
}

func orDashText(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
