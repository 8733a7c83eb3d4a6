package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/runner/taskxml"
)

func scheduleCommand() *cli.Command {
	return &cli.Command{
		Name:  "schedule",
		Usage: "write a Task Scheduler XML for the job and print the schtasks command that imports it",
		Flags: []cli.Flag{
			configFlag(),
			&cli.StringFlag{Name: "at", Usage: "start time, HH:MM (24-hour), required"},
			&cli.StringFlag{Name: "days", Usage: "MON,TUE,...; default every day"},
			&cli.StringFlag{Name: "user", Usage: `account to run as, e.g. DOMAIN\svc_backup (schtasks asks for its password) or a gMSA DOMAIN\gmsa$ (no password); default SYSTEM`},
			&cli.StringFlag{Name: "out", Usage: "XML file to write (default <name>-task.xml)"},
			&cli.StringFlag{Name: "exe", Usage: "absolute path of vssmirror.exe on the server (default this program)"},
			&cli.StringFlag{Name: "job-path", Usage: "absolute path of the job file on the server (default --config made absolute)"},
			&cli.StringFlag{Name: "prom", Usage: `the scheduled run writes its metrics to this file (run --prom), e.g. in windows_exporter's textfile folder; absolute path on the server`},
			&cli.StringFlag{Name: "report", Usage: "the scheduled run writes its JSON report to this file (run --report; its folder must exist); absolute path on the server"},
		},
		Action: func(c *cli.Context) error {
			j, err := loadJob(c, "at")
			if err != nil {
				return err
			}
			exe, jobPath := c.String("exe"), c.String("job-path")
			if exe == "" {
				exe, _ = os.Executable()
			}
			if jobPath == "" {
				jobPath, _ = filepath.Abs(c.String("config"))
			}
			out := c.String("out")
			if out == "" {
				out = j.Name + "-task.xml"
			}
			var days []string
			if d := c.String("days"); d != "" {
				days = strings.Split(d, ",")
			}
			data, cmd, err := taskxml.Schedule(taskxml.Options{JobName: j.Name, ConfigPath: jobPath, Exe: exe, WorkDir: j.ScriptsDir,
				At: c.String("at"), Days: days, User: c.String("user"), Prom: c.String("prom"), Report: c.String("report"),
				TimeLimit: j.TaskTimeLimit()}, out)
			if err != nil {
				return usagef("%v", err)
			}
			if err := taskxml.Write(out, data); err != nil {
				return err
			}
			fmt.Fprintf(c.App.ErrWriter, "wrote %s; review it, then import it (elevated) with:\n", out)
			fmt.Fprintln(c.App.Writer, cmd)
			return nil
		},
	}
}
