package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/dshgen"
)

func templatesCommand() *cli.Command {
	return &cli.Command{
		Name:  "templates",
		Usage: "work with the script templates",
		Subcommands: []*cli.Command{{
			Name:      "dump",
			Usage:     "write the embedded default templates into DIR for editing (use with generate --template-dir)",
			ArgsUsage: "DIR",
			Action: func(c *cli.Context) error {
				if c.NArg() != 1 {
					return usagef("templates dump takes one argument, the folder to write into")
				}
				written, err := dshgen.DumpTemplates(c.Args().First())
				for _, p := range written {
					fmt.Fprintln(c.App.Writer, p)
				}
				return err
			},
		}},
	}
}
