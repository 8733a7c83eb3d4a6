package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/runner/hashcheck"
	"github.com/vssmirror/vssmirror/runner/report"
)

// hashesMismatch is hashes' exit code when a file differs or is missing
// (the verify wrapper only tests for non-zero).
const hashesMismatch = 1

func hashesCommand() *cli.Command {
	return &cli.Command{
		Name:      "hashes",
		Usage:     "compare SHA-256 of files picked at random in a snapshot folder, and of those robocopy's log says it copied, with their copies: exit 0 when all match, 1 when one differs, is missing or a folder or the log cannot be read (used by the verify wrapper for verify.sample_hashes)",
		ArgsUsage: "SNAPSHOT-FOLDER DEST-FOLDER",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "sample", Value: 20, Usage: "files picked at random"},
			&cli.StringFlag{Name: "log", Usage: "robocopy's log of the copy: the files it copied are compared too"},
			&cli.IntFlag{Name: "copied-max", Value: 1000, Usage: "at most this many of the copied files (--log)"},
			&cli.StringFlag{Name: "result", Usage: "write the comparison as JSON to this file"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return usagef("hashes takes the snapshot folder and the destination folder")
			}
			var copied []string
			var err error
			if p := c.String("log"); p != "" && c.Int("copied-max") > 0 {
				copied, err = hashcheck.CopiedFromLog(p, c.Args().Get(0), c.Int("copied-max"))
			}
			res := report.HashCompare{}
			if err == nil {
				res, err = hashcheck.Compare(hashcheck.Options{Snapshot: c.Args().Get(0), Dest: c.Args().Get(1), Sample: c.Int("sample"), Copied: copied})
			}
			if err != nil {
				res = report.HashCompare{Source: c.Args().Get(0), Mismatched: []string{}, Missing: []string{}, Message: err.Error()}
			}
			if p := c.String("result"); p != "" {
				if werr := hashcheck.WriteResult(p, res); werr != nil {
					return &exitError{code: hashesMismatch, err: werr}
				}
			}
			fmt.Fprintf(c.App.Writer, "[vssmirror] hashes: %d compared, %d differ, %d missing\n", res.Compared, len(res.Mismatched), len(res.Missing))
			for _, m := range append(res.Mismatched, res.Missing...) {
				fmt.Fprintln(c.App.Writer, "[vssmirror] hashes: not equal:", m)
			}
			if err != nil || !res.OK {
				return &exitError{code: hashesMismatch, err: errorOrNil(err, strings.Join(append(res.Mismatched, res.Missing...), ", "))}
			}
			return nil
		},
	}
}

func errorOrNil(err error, what string) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("the copy differs from the snapshot: %s", what)
}
