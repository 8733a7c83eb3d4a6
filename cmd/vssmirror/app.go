package main

import (
	"encoding/json"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/vssmirror/vssmirror/job"
)

// run builds the app, runs it with args and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return exitCode(newApp(stdout, stderr).Run(args), stderr)
}

// newApp builds the command-line app writing to stdout and stderr.
func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:    "vssmirror",
		Usage:   "back up a live Windows Server: VSS snapshot with diskshadow, robocopy mirror, cleanup",
		Version: versionLine(),
		Description: "vssmirror turns one declarative job file into reviewable diskshadow (.dsh) and cmd.exe\n" +
			"scripts that snapshot the job's volumes, mirror the frozen snapshot with robocopy /MIR,\n" +
			"and remove the snapshot again. Start with `vssmirror init`.",
		Writer:         stdout,
		ErrWriter:      stderr,
		ExitErrHandler: func(*cli.Context, error) {}, // exit codes are decided in exitCode only
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &usageError{msg: err.Error()}
		},

		Commands: []*cli.Command{
			generateCommand(),
			lintCommand(),
			reportCommand(),
			runCommand(),
			cleanupCommand(),
			scheduleCommand(),
			guardCommand(),
			hashesCommand(),
			snapshotCommand(),
			storyCommand(),
			keepDeletedCommand(),
			verifyCommand(),
			restoreCommand(),
			setsCommand(),
			statusCommand(),
			historyCommand(),
			fleetCommand(),
			validateCommand(),
			initCommand(),
			writersCommand(),
			templatesCommand(),
		},
	}
	app.CustomAppHelpTemplate = cli.AppHelpTemplate + "\n" + exitStatusHelp() + "\n"
	// An unknown command is a usage error (exit 2), never a silent success.
	app.Action = func(c *cli.Context) error {
		if c.Args().Present() {
			return usagef("unknown command %q; see vssmirror --help", c.Args().First())
		}
		return cli.ShowAppHelp(c)
	}
	for _, c := range app.Commands {
		c.OnUsageError = app.OnUsageError
	}
	return app
}

// configFlag is the --config flag every job command takes.
func configFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "config", Aliases: []string{"c"}, Usage: "job file (YAML), required"}
}

// checkArgs refuses positional arguments and missing required flags with a
// usage error (urfave/cli's own Required check returns an untyped error).
func checkArgs(c *cli.Context, required ...string) error {
	if c.Args().Present() {
		return usagef("%s takes no arguments, got %q (did you forget --config?)", c.Command.Name, c.Args().First())
	}
	for _, f := range required {
		if c.String(f) == "" {
			return usagef("%s needs --%s", c.Command.Name, f)
		}
	}
	return nil
}

// loadJob checks the command line (no arguments; --config and the other
// required flags given) and loads the job named by --config.
func loadJob(c *cli.Context, required ...string) (*job.Job, error) {
	if err := checkArgs(c, append([]string{"config"}, required...)...); err != nil {
		return nil, err
	}
	// An invalid job is a usage error (exit 2, job.ErrInvalid); a job
	// file that cannot be read is a file error (exit 4).
	return job.Load(c.String("config"))
}

// printJSON writes v as indented JSON, the form every --json flag prints.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
