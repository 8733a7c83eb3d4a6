package main

import (
	"os"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/runner/setstory"
)

func keepDeletedCommand() *cli.Command {
	return &cli.Command{
		Name:      "keep-deleted",
		Usage:     "move what /MIR would delete (the extras of a robocopy /L /FP pass) into <set>\\_vssmirror\\deleted\\<run date>\\; used by the copy script before each mirror",
		ArgsUsage: "STORYPLAN SOURCE-INDEX LISTLOG",
		Action: func(c *cli.Context) error {
			if c.NArg() != 3 {
				return usagef("keep-deleted takes the story plan, the source's index and the log of its /L pass")
			}
			index, err := strconv.Atoi(c.Args().Get(1))
			if err != nil {
				return usagef("keep-deleted: %q is not a source index", c.Args().Get(1))
			}
			_, err = setstory.KeepDeleted(c.Args().Get(0), index, c.Args().Get(2), os.Getenv("VSSMIRROR_RUN_DIR"), time.Now(), c.App.Writer)
			return err
		},
	}
}
