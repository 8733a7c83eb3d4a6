package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/job"
)

func writersCommand() *cli.Command {
	return &cli.Command{
		Name:  "writers",
		Usage: "list the VSS writers a job can name in verify_writers and exclude_writers",
		Flags: []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print JSON"}},
		Action: func(c *cli.Context) error {
			if err := checkArgs(c); err != nil {
				return err
			}
			if c.Bool("json") {
				return printJSON(c.App.Writer, job.Writers())
			}
			tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tID\tWRITER")
			for _, w := range job.Writers() {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", w.Name, w.ID, w.DisplayName)
			}
			fmt.Fprintln(tw, "\nAny other writer can be named by its {GUID} from `diskshadow list writers`; --json shows each ID's source.")
			return tw.Flush()
		},
	}
}
