package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/runner/state"
)

func setsCommand() *cli.Command {
	return &cli.Command{
		Name:  "sets",
		Usage: "list the job's backup sets and the last good run of each",
		Flags: []cli.Flag{
			configFlag(),
			&cli.StringFlag{Name: "state-dir", Usage: "folder of the job's run history (default %ProgramData%\\vssmirror\\state)"},
			&cli.BoolFlag{Name: "json", Usage: "print JSON"},
		},
		Action: func(c *cli.Context) error {
			j, err := loadJob(c)
			if err != nil {
				return err
			}
			stateDir := stateDirOf(c)
			sets, err := state.ListSets(j, stateDir, state.Running(stateDir, j.Name))
			if err != nil {
				return err
			}
			if c.Bool("json") {
				return printJSON(c.App.Writer, sets)
			}
			tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SET\tFOLDER\tSTATE\tLAST GOOD RUN\tMARKER")
			for _, s := range sets {
				name, last := s.Set, "never"
				if name == "" {
					name = "(single)"
				}
				if s.LastGood != nil {
					last = s.LastGood.End.Local().Format("2006-01-02 15:04") + " " + s.LastGood.RunID
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, s.Folder, s.State, last, s.Marker)
			}
			return tw.Flush()
		},
	}
}
