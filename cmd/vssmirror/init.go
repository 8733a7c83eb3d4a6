package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/job"
)

func initCommand() *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "write a commented example job file that validates",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "preset", Value: "fileserver", Usage: "example to start from: " + strings.Join(job.PresetNames(), ", ")},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "file to write (never overwritten); default: standard output"},
		},
		Action: func(c *cli.Context) error {
			if err := checkArgs(c); err != nil {
				return err
			}
			if _, err := job.Preset(c.String("preset")); err != nil {
				return usagef("--preset: %v", err)
			}
			if out := c.String("out"); out != "" {
				if err := job.WritePreset(c.String("preset"), out); err != nil {
					return err
				}
				fmt.Fprintf(c.App.ErrWriter, "wrote %s; edit it, then run: vssmirror validate --config %s\n", out, out)
				return nil
			}
			data, _ := job.Preset(c.String("preset"))
			_, err := c.App.Writer.Write(data)
			return err
		},
	}
}
