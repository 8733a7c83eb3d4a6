package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/robocmd"
)

func guardCommand() *cli.Command {
	return &cli.Command{
		Name:      "guard",
		Usage:     "judge a robocopy /L pass: exit 0 when /MIR would delete within the limits, 1 (robocmd.GuardRefusedExit) when not or when the log cannot be read (used by the copy script)",
		ArgsUsage: "LISTLOG",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "max-delete-percent", Value: 20, Usage: "most files /MIR may delete, in percent of the files seen"},
			&cli.IntFlag{Name: "max-delete-files", Usage: "most files /MIR may delete (0 = no absolute limit)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("guard takes the log of a robocopy /L pass")
			}
			f, err := os.Open(c.Args().First())
			if err != nil {
				return &exitError{code: robocmd.GuardRefusedExit, err: fmt.Errorf("deletion guard: %w; refusing to mirror", err)}
			}
			defer f.Close()
			var last *robocmd.LogJob
			if l, err := robocmd.ParseLog(f, robocmd.LogOptions{}); err == nil && len(l.Jobs) > 0 {
				last = l.Jobs[len(l.Jobs)-1]
			}
			v := robocmd.DeletionGuard(last, c.Int("max-delete-percent"), c.Int("max-delete-files"))
			fmt.Fprintln(c.App.Writer, "[vssmirror] deletion guard:", v.Message)
			if !v.OK {
				return &exitError{code: robocmd.GuardRefusedExit}
			}
			return nil
		},
	}
}
