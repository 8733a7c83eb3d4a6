package main

import (
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner/report"
)

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "read robocopy logs (any language or encoding) and diskshadow logs",
		ArgsUsage: "LOG...",
		Description: "Prints per robocopy job the totals, deletions and every failed file with its error, or\n" +
			"with --json: {\"schema\":1,\"jobs\":[{source,dest,options,started,ended,dirs,files,bytes,errors,\n" +
			"errors_total,outcome,...}]}. A diskshadow log is detected and its shadows and failures shown.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print JSON"},
			&cli.IntFlag{Name: "codepage", Usage: "OEM code page of /LOG files: " + codePageList() + "; default: guessed from the text (localized dates, scripts)"},
			&cli.IntFlag{Name: "exit-code", Usage: "robocopy's exit code, combined with the log of its (last) job"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usagef("report needs at least one log file")
			}
			opts := report.ReadOptions{CodePage: c.Int("codepage")}
			if c.IsSet("exit-code") {
				code := c.Int("exit-code")
				opts.ExitCode = &code
			}
			rep, err := report.ReadLogs(c.Args().Slice(), opts)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				return printJSON(c.App.Writer, rep)
			}
			return rep.WriteHuman(c.App.Writer)
		},
	}
}

// codePageList is the code pages --codepage accepts, for its help text.
func codePageList() string {
	var ids []string
	for _, cp := range robocmd.CodePages() {
		ids = append(ids, strconv.Itoa(cp))
	}
	return strings.Join(ids, ", ")
}
