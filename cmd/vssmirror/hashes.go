package main

import (
	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/runner/hashcheck"
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
			o := hashcheck.Options{Snapshot: c.Args().Get(0), Dest: c.Args().Get(1), Sample: c.Int("sample")}
			if _, err := hashcheck.Check(o, c.String("log"), c.Int("copied-max"), c.String("result"), c.App.Writer); err != nil {
				return &exitError{code: hashesMismatch, err: err}
			}
			return nil
		},
	}
}
