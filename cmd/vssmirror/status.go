package main

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/runner"
	"github.com/vssmirror/vssmirror/runner/progress"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "show a running run's progress, or how the last run ended",
		Description: "Reads the job's status file (<state-dir>\\<job>.status.json, which a running run rewrites every\n" +
			"few seconds) and run history, from any console, while a run goes on or after it: the source\n" +
			"being copied, files and bytes copied, failed files, the current file, rate and ETA when an\n" +
			"estimate exists; when no run is going on, the last run's outcome.",
		Flags: []cli.Flag{
			configFlag(),
			&cli.StringFlag{Name: "state-dir", Usage: "folder of the job's lock, status file and run history (default %ProgramData%\\vssmirror\\state)"},
			&cli.BoolFlag{Name: "json", Usage: "print JSON"},
		},
		Action: func(c *cli.Context) error {
			j, err := loadJob(c)
			if err != nil {
				return err
			}
			stateDir := stateDirOf(c)
			v, err := progress.Look(stateDir, j.Name)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				return printJSON(c.App.Writer, v)
			}
			v.WriteText(c.App.Writer, time.Now())
			return nil
		},
	}
}

// stateDirOf is --state-dir, or the platform's default state folder.
func stateDirOf(c *cli.Context) string {
	if d := c.String("state-dir"); d != "" {
		return d
	}
	return runner.DefaultStateDir()
}
