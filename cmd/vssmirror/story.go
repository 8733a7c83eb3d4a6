package main

import (
	"os"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/runner/setstory"
)

func storyCommand() *cli.Command {
	return &cli.Command{
		Name:      "story",
		Usage:     "write the set's story (<set>\\_vssmirror\\: manifest, writer metadata, scripts, hashes) from the snapshot; used by the copy script before end backup",
		ArgsUsage: "STORYPLAN",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("story takes the story plan (<name>.story.json beside the copy script)")
			}
			host, _ := os.Hostname()
			_, err := setstory.Write(c.Args().First(), setstory.Options{RunDir: os.Getenv("VSSMIRROR_RUN_DIR"), Host: host, Console: c.App.Writer})
			return err
		},
	}
}
