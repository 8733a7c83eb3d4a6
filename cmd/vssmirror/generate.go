package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/dshgen"
)

func generateCommand() *cli.Command {
	return &cli.Command{
		Name:  "generate",
		Usage: "render the job's diskshadow and cmd scripts for review or deployment",
		Description: "Writes <name>.dsh (the diskshadow backup script), <name>.cmd (the robocopy copy script it\n" +
			"executes) and <name>-cleanup.dsh (deletes the job's exposed shadows after a failed run) into\n" +
			"--out. Same job, same bytes. Nothing is written unless the job is valid and every script renders.\n" +
			"With hooks, also one wrapper .cmd per hook (<name>-pre_snapshot.cmd, ...). With --two-phase,\n" +
			"writes the two-phase snapshot's pair instead: <name>-start.dsh (snapshot, expose, leave it held)\n" +
			"and <name>-stop.dsh (delete exactly the shadows the start script exposed).",
		Flags: []cli.Flag{
			configFlag(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output folder (created if missing), required"},
			&cli.StringFlag{Name: "template-dir", Usage: "folder whose templates replace the embedded defaults of the same name"},
			&cli.StringFlag{Name: "set", Usage: "backup set to render for (sets: weekday or rotate; default the first set)"},
			&cli.BoolFlag{Name: "two-phase", Usage: "write <name>-start.dsh and <name>-stop.dsh (a snapshot held between two diskshadow runs)"},
		},
		Action: func(c *cli.Context) error {
			j, err := loadJob(c, "out")
			if err != nil {
				return err
			}
			set, err := pickSet(j.Sets.Names(), c.String("set"))
			if err != nil {
				return err
			}
			b, err := dshgen.Generate(j, c.String("out"), dshgen.RenderOptions{TemplateDir: c.String("template-dir"), Set: set, TwoPhase: c.Bool("two-phase")})
			if err != nil {
				return err
			}
			for _, f := range b.Files {
				fmt.Fprintln(c.App.Writer, filepath.Join(c.String("out"), f.Name))
			}
			return nil
		},
	}
}

// pickSet checks --set against the job's sets; the default is the first.
func pickSet(names []string, given string) (string, error) {
	if given == "" {
		return names[0], nil
	}
	for _, n := range names {
		if strings.EqualFold(n, given) {
			return n, nil
		}
	}
	if len(names) == 1 {
		return "", usagef("--set: this job keeps a single set (sets: single)")
	}
	return "", usagef("--set %q: the job's sets are %s", given, strings.Join(names, ", "))
}
