package main

import (
	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/dshgen"
)

func validateCommand() *cli.Command {
	return &cli.Command{
		Name:  "validate",
		Usage: "check a job file and show what it would snapshot, expose and copy",
		Flags: []cli.Flag{configFlag()},
		Action: func(c *cli.Context) error {
			j, err := loadJob(c)
			if err != nil {
				return err
			}
			plan, err := dshgen.NewPlan(j)
			if err != nil {
				return err
			}
			return plan.Describe(c.App.Writer)
		},
	}
}
