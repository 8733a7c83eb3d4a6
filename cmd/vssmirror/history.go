package main

import (
	"cmp"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/runner/history"
)

func historyCommand() *cli.Command {
	return &cli.Command{
		Name:  "history",
		Usage: "show the job's runs: date, set, outcome, duration, bytes copied, files failed, shadows leaked",
		Description: "Reads <state-dir>\\<job>.history.jsonl (one line per run, appended by run) and prints a table,\n" +
			"oldest first, or with --json {schema, job, file, total, skipped_lines, last_success, runs [...]}.\n" +
			"--html FILE also writes a self-contained page (inline CSS and SVG charts, nothing loaded from the\n" +
			"network) with charts of duration, bytes copied and files failed, and the runs newest first, each\n" +
			"linked to its report when its run folder (<scripts_dir>\\runs\\<run id>) is reachable. Lines\n" +
			"vssmirror did not write are ignored and counted.",
		Flags: []cli.Flag{
			configFlag(),
			&cli.StringFlag{Name: "state-dir", Usage: "folder of the job's run history (default %ProgramData%\\vssmirror\\state)"},
			&cli.StringFlag{Name: "scripts-dir", Usage: "the folder run used instead of the job's scripts_dir (for the links to run folders)"},
			&cli.BoolFlag{Name: "json", Usage: "print JSON"},
			&cli.StringFlag{Name: "html", Usage: "also write the history page to this file (replaced atomically)"},
			&cli.IntFlag{Name: "last", Usage: "only the newest N runs (0 = all)"},
		},
		Action: func(c *cli.Context) error {
			j, err := loadJob(c)
			if err != nil {
				return err
			}
			if c.Int("last") < 0 {
				return usagef("--last %d: give a number of runs, 0 for all", c.Int("last"))
			}
			if err := needFolders(c, "html"); err != nil {
				return err
			}
			o := history.Options{Job: j.Name, StateDir: stateDirOf(c),
				ScriptsDir: cmp.Or(c.String("scripts-dir"), j.ScriptsDir), Last: c.Int("last")}
			h, err := history.Read(o)
			if err != nil {
				return err
			}
			if n := h.Note(); n != "" {
				fmt.Fprintln(c.App.ErrWriter, "vssmirror: note:", n)
			}
			if p := c.String("html"); p != "" {
				if err := h.WritePage(history.PageOptions{File: p, Now: time.Now()}); err != nil {
					return err
				}
				fmt.Fprintf(c.App.ErrWriter, "vssmirror: wrote %s (%d runs)\n", p, len(h.Runs))
			}
			if c.Bool("json") {
				return printJSON(c.App.Writer, h)
			}
			return h.WriteTable(c.App.Writer, time.Local)
		},
	}
}
