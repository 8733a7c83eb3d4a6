package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
)

func guardCommand() *cli.Command {
	return &cli.Command{
		Name:      "guard",
		Usage:     "judge a robocopy /L pass: exit 0 when /MIR would delete within the limits, 1 (robocmd.GuardRefusedExit) when not or when the log cannot be read (used by the copy script)",
		ArgsUsage: "LISTLOG",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "max-delete-percent", Value: job.Defaults().Guard.MaxDeletePercent, Usage: "most files /MIR may delete, in percent of the files seen"},
			&cli.IntFlag{Name: "max-delete-files", Usage: "most files /MIR may delete (0 = no absolute limit)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("guard takes the log of a robocopy /L pass")
			}
			v := robocmd.JudgeListLog(c.Args().First(), c.Int("max-delete-percent"), c.Int("max-delete-files"))
			fmt.Fprintln(c.App.Writer, "[vssmirror] deletion guard:", v.Message)
			if !v.OK {
				return &exitError{code: robocmd.GuardRefusedExit}
			}
			return nil
		},
	}
}
