package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/dshgen/script"
)

// lintJSON is the --json output of lint.
type lintJSON struct {
	Schema   int                 `json:"schema"`
	Files    []script.FileReport `json:"files"`
	Errors   int                 `json:"errors"`
	Warnings int                 `json:"warnings"`
	Infos    int                 `json:"infos"`
}

func lintCommand() *cli.Command {
	return &cli.Command{
		Name:      "lint",
		Usage:     "check diskshadow scripts (any, not only generated ones) before they touch a server",
		ArgsUsage: "FILE.dsh...",
		Description: "Prints file:line: error|warning|info: [rule] message for every finding. Exit 0 when clean (or\n" +
			"only warnings and information), 1 with --strict when there are warnings, 3 when there are errors,\n" +
			"4 when a file cannot be read. A script with LF line endings is linted as diskshadow reads it (each\n" +
			"LF line without its last character). A comment `# lint:ignore RULE reason` silences a warning or\n" +
			"information rule in its file. --rules lists every rule with the documentation it rests on.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print the findings as JSON"},
			&cli.BoolFlag{Name: "strict", Usage: "exit 1 when there are warnings"},
			&cli.BoolFlag{Name: "rules", Usage: "list the rules and exit"},
		},
		Action: func(c *cli.Context) error {
			if c.Bool("rules") {
				if c.Bool("json") {
					return printJSON(c.App.Writer, script.Rules)
				}
				for _, r := range script.Rules {
					fmt.Fprintf(c.App.Writer, "%-22s %-7s %s\n%-30s docs: %s\n", r.ID, r.Severity, r.Summary, "", r.Docs)
				}
				return nil
			}
			if c.NArg() == 0 {
				return usagef("lint needs at least one diskshadow script")
			}
			out := lintJSON{Schema: 1, Files: []script.FileReport{}}
			for _, p := range c.Args().Slice() {
				r, err := script.LintFile(p)
				if err != nil {
					return err
				}
				e, w, i := r.Counts()
				out.Errors, out.Warnings, out.Infos = out.Errors+e, out.Warnings+w, out.Infos+i
				out.Files = append(out.Files, r)
				if !c.Bool("json") {
					for _, f := range r.Findings {
						fmt.Fprintln(c.App.Writer, f)
					}
				}
			}
			if c.Bool("json") {
				if err := printJSON(c.App.Writer, out); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(c.App.ErrWriter, "%d file(s): %d error(s), %d warning(s), %d info\n", len(out.Files), out.Errors, out.Warnings, out.Infos)
			}
			switch {
			case out.Errors > 0:
				return &exitError{code: exitLintError}
			case out.Warnings > 0 && c.Bool("strict"):
				return &exitError{code: exitLintWarn}
			}
			return nil
		},
	}
}
