package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/vssmirror/vssmirror/runner/verify"
)

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:  "verify",
		Usage: "check a backup set against its manifest (missing, extra, size, time; --hashes: SHA-256) without touching the server's volumes",
		Description: "Reads <set>\\_vssmirror\\manifest.json (or .json.gz) and compares it with the set's files.\n" +
			fmt.Sprintf("Exits 0 when the set matches, %d when it is damaged (or its manifest is missing or not valid),\n", exitDamaged) +
			"2 for a --set the job does not have, 4 when the set's folder cannot be read. With --hashes every file is read and its SHA-256\n" +
			"compared with the one the copy script read from the snapshot (manifest.hashes: true).",
		Flags: []cli.Flag{
			configFlag(),
			&cli.StringFlag{Name: "set", Usage: "the set to check (weekday or rotating sets); none for sets: single"},
			&cli.BoolFlag{Name: "hashes", Usage: "also compare every file's SHA-256 with the hashes sidecar"},
			&cli.BoolFlag{Name: "json", Usage: "print the result as JSON"},
		},
		Action: func(c *cli.Context) error {
			j, err := loadJob(c)
			if err != nil {
				return err
			}
			o := verify.Options{Job: j, Set: c.String("set"), Hashes: c.Bool("hashes")}
			if f, ok := c.App.ErrWriter.(*os.File); ok && term.IsTerminal(int(f.Fd())) && !c.Bool("json") {
				var done func()
				o.Progress, done = verify.Progress(f, 250*time.Millisecond)
				defer done()
			}
			res, err := verify.Verify(o)
			if res == nil {
				return err
			}
			if c.Bool("json") {
				if perr := printJSON(c.App.Writer, res); perr != nil {
					return perr
				}
			} else {
				printVerify(c.App.Writer, res)
			}
			if errors.Is(err, verify.ErrDamaged) {
				return &exitError{code: exitDamaged, err: err}
			}
			return err
		},
	}
}
