package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/runner/restore"
)

func restoreCommand() *cli.Command {
	return &cli.Command{
		Name:  "restore",
		Usage: "copy files back from a backup set with robocopy (never /MIR or /PURGE), or generate a writer-aware restore for review",
		Description: "File level: vssmirror restore --config job.yaml --set NAME --to PATH [--path SUBPATH] [--dry-run]\n" +
			"copies from the set (or, with --deleted --from-date D, from the files a run kept from deletion)\n" +
			"into --to with robocopy /E, /B and the job's copy flags; nothing at the target is deleted.\n" +
			"--as-of DATE picks the newest good set written on or before DATE. A target that is (inside)\n" +
			"a source's live folder is refused unless --in-place, which first lists what it overwrites.\n" +
			"Writer aware: --writer exchange|sql|hyperv --generate DIR writes a restore .dsh (load metadata,\n" +
			"begin restore, end restore), its copy-back .cmd and a README of the manual steps, for review.",
		Flags: []cli.Flag{
			configFlag(),
			&cli.StringFlag{Name: "set", Usage: "the set to restore from (weekday or rotating sets)"},
			&cli.StringFlag{Name: "as-of", Usage: "restore from the newest good set written on or before this date (YYYY-MM-DD)"},
			&cli.StringFlag{Name: "to", Usage: "the folder to restore into"},
			&cli.StringFlag{Name: "path", Usage: "a folder of the set to restore, relative to its root (e.g. D\\Shares\\Finance); default: everything"},
			&cli.BoolFlag{Name: "dry-run", Usage: "list what would be copied (robocopy /L), copy nothing"},
			&cli.BoolFlag{Name: "in-place", Usage: "allow --to to be a source's live folder; what it overwrites is listed first"},
			&cli.BoolFlag{Name: "deleted", Usage: "restore the files a run kept from deletion (robocopy.keep_deleted_days), with --from-date"},
			&cli.StringFlag{Name: "from-date", Usage: "with --deleted: the run date whose kept files to restore (YYYY-MM-DD)"},
			&cli.StringFlag{Name: "log-dir", Usage: "folder of the restore's robocopy logs (default <scripts_dir>\\restores\\<time>)"},
			&cli.StringFlag{Name: "writer", Usage: "generate a writer-aware restore: exchange, sql or hyperv (with --generate)"},
			&cli.StringFlag{Name: "generate", Usage: "with --writer: the folder the restore scripts are written to (ASCII, no spaces)"},
			&cli.StringFlag{Name: "template-dir", Usage: "with --writer: folder whose templates replace the embedded defaults"},
			&cli.BoolFlag{Name: "json", Usage: "print the restore report as JSON"},
		},
		Action: func(c *cli.Context) error {
			j, err := loadJob(c)
			if err != nil {
				return err
			}
			if c.String("writer") != "" || c.String("generate") != "" {
				files, err := restore.Generate(restore.GenerateOptions{Job: j, Set: c.String("set"), AsOf: c.String("as-of"),
					Writer: c.String("writer"), Dir: c.String("generate"), TemplateDir: c.String("template-dir")})
				for _, f := range files {
					fmt.Fprintln(c.App.Writer, f)
				}
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			o := restore.Options{Job: j, Set: c.String("set"), AsOf: c.String("as-of"), To: c.String("to"), Path: c.String("path"),
				DryRun: c.Bool("dry-run"), InPlace: c.Bool("in-place"), Deleted: c.Bool("deleted"), FromDate: c.String("from-date"),
				LogDir: c.String("log-dir"), Console: c.App.ErrWriter}
			if !c.Bool("json") {
				o.Console = c.App.Writer
			}
			res, err := restore.Restore(ctx, o)
			if res != nil && c.Bool("json") {
				if perr := printJSON(c.App.Writer, res); perr != nil {
					return perr
				}
			} else if res != nil {
				fmt.Fprintf(c.App.Writer, "vssmirror restore: %s from %s to %s: robocopy exit %d (%s), %d files copied, %d failed; log %s\n",
					res.Outcome, res.From, res.To, res.ExitCode, res.Class, res.Files.Copied, res.Files.Failed, res.Log)
			}
			return err
		},
	}
}
