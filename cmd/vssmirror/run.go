package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner"
	"github.com/vssmirror/vssmirror/runner/progress"
	"github.com/vssmirror/vssmirror/runner/report"
)

// stateDirFlag is --state-dir.
func stateDirFlag() cli.Flag {
	return &cli.StringFlag{Name: "state-dir", Usage: "folder of the job's lock and shadow journal (default %ProgramData%\\vssmirror\\state)"}
}

// runFlags are shared by run and cleanup.
func runFlags() []cli.Flag {
	return []cli.Flag{
		configFlag(),
		stateDirFlag(),
		&cli.StringFlag{Name: "diskshadow", EnvVars: []string{"VSSMIRROR_DISKSHADOW"}, Usage: "diskshadow executable (default System32\\diskshadow.exe; a test double elsewhere)"},
		&cli.StringFlag{Name: "report", Usage: "write the JSON report to this file"},
		&cli.BoolFlag{Name: "json", Usage: "print the JSON report on standard output"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "do not stream diskshadow's output or show progress"},
		&cli.DurationFlag{Name: "cleanup-timeout", Value: job.CleanupTimeout, Usage: "bound of the diskshadow that deletes leftover shadows (it runs even after --timeout)"},
	}
}

func runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "take the snapshot, mirror it and clean up, with a JSON report",
		Description: "Renders the scripts into <scripts_dir>\\runs\\<run id>\\ (kept for audit), checks the server,\n" +
			"runs diskshadow there, journals every shadow as it appears, and deletes whatever the run\n" +
			"created if it does not end cleanly. The exit code says what happened (see EXIT STATUS);\n" +
			"each run also writes a Windows event with the outcome's event ID. The job file's timeout\n" +
			"(default 12h) bounds the run, and its retention (keep_runs 30, keep_days 14) prunes old\n" +
			"run folders at the end of each run.",
		Flags: append(runFlags(),
			&cli.DurationFlag{Name: "timeout", Usage: "stop the whole run after this long, then clean up (default: the job's timeout field, 12h unless set)"},
			&cli.StringFlag{Name: "scripts-dir", Usage: "render runs under this folder instead of the job's scripts_dir"},
			&cli.StringFlag{Name: "template-dir", Usage: "folder whose templates replace the embedded defaults of the same name"},
			&cli.StringFlag{Name: "prom", Usage: "write the run's metrics to this Prometheus text file (windows_exporter textfile collector)"},
			&cli.BoolFlag{Name: "force-release", Usage: "delete a held snapshot of the job (vssmirror snapshot start) before the run instead of refusing with exit 13"},
			&cli.StringFlag{Name: "html", Usage: "rewrite the job's history page (as history --html) in this file after the run"},
			&cli.StringSliceFlag{Name: "skip-check", Usage: "skip a preflight check, noted in the report (" + strings.Join(runner.SkippableChecks, ", ") + ")"},
			&cli.DurationFlag{Name: "progress-every", Value: progress.DefaultEvery, Usage: "when standard error is not a terminal, print one progress line this often (on a terminal a bar is redrawn in place; --quiet shows neither)"},
		),
		Action: func(c *cli.Context) error {
			return doRun(c, runner.Run)
		},
	}
}

func cleanupCommand() *cli.Command {
	return &cli.Command{
		Name:  "cleanup",
		Usage: "delete the shadow copies a failed run of this job left behind (and only those)",
		Flags: append(runFlags(), cleanupPromFlag()),
		Action: func(c *cli.Context) error {
			return doRun(c, runner.Cleanup)
		},
	}
}

// cleanupPromFlag is --prom of cleanup and snapshot stop.
func cleanupPromFlag() cli.Flag {
	return &cli.StringFlag{Name: "prom", Usage: "rewrite the metrics file run --prom writes: the last run's series stay, vssmirror_shadows_leaked becomes the shadows still left (0 once all are deleted)"}
}

// needFolders refuses (usage error, exit 2) an output file flag whose
// folder does not exist: vssmirror runs elevated, and a typo in a path must
// not create a folder tree (atomicfile would).
func needFolders(c *cli.Context, flags ...string) error {
	for _, f := range flags {
		if p := c.String(f); p != "" {
			if fi, err := os.Stat(filepath.Dir(p)); err != nil || !fi.IsDir() {
				return usagef("--%s %s: the folder %s does not exist; create it first", f, p, filepath.Dir(p))
			}
		}
	}
	return nil
}

// isTerminal reports whether w is a console a bar can be redrawn on: one
// that tells its size (a console of 0 rows would show no bar at all, so it
// gets the plain lines).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false
	}
	cols, rows, err := term.GetSize(int(f.Fd()))
	return err == nil && cols > 0 && rows > 0
}

// doRun reads the flags into runner.Options, runs fn and writes the report.
func doRun(c *cli.Context, fn func(ctx context.Context, o runner.Options) (*report.Report, error)) error {
	j, err := loadJob(c)
	if err != nil {
		return err
	}
	if d := c.Duration("progress-every"); d < 0 {
		return usagef("--progress-every %s: give a positive interval such as 30s (0 = the default, 30s)", d)
	}
	// The report's folder must exist before the run: a report that cannot
	// be written after a backup would make the exit code disagree with the
	// history, metrics and event already recorded.
	if err := needFolders(c, "report", "html"); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	console := io.Writer(c.App.ErrWriter)
	// Progress goes where the console goes (standard error: --json keeps
	// standard output for the report).
	prog := runner.ProgressOptions{Out: c.App.ErrWriter, Bar: isTerminal(c.App.ErrWriter), Every: c.Duration("progress-every")}
	if c.Bool("quiet") {
		console, prog.Out = io.Discard, nil
	}
	rep, runErr := fn(ctx, runner.Options{Job: j, ConfigPath: c.String("config"), Diskshadow: c.String("diskshadow"),
		StateDir: c.String("state-dir"), ScriptsDir: c.String("scripts-dir"), TemplateDir: c.String("template-dir"),
		Timeout: c.Duration("timeout"), CleanupTimeout: c.Duration("cleanup-timeout"), Console: console, SkipChecks: c.StringSlice("skip-check"), ForceRelease: c.Bool("force-release"),
		Progress: prog})
	if c.Command.Name == "run" {
		for _, w := range runner.AfterRun(rep, j, runner.AfterRunOptions{StateDir: c.String("state-dir"), PromFile: c.String("prom"),
			HTMLFile: c.String("html"), ScriptsDir: c.String("scripts-dir")}) {
			fmt.Fprintln(c.App.ErrWriter, "vssmirror: warning:", w)
		}
	} else if p := c.String("prom"); p != "" { // cleanup, snapshot stop
		for _, w := range runner.AfterCleanup(rep, runner.AfterRunOptions{StateDir: c.String("state-dir"), PromFile: p}) {
			fmt.Fprintln(c.App.ErrWriter, "vssmirror: warning:", w)
		}
	}
	var outErr error
	if p := c.String("report"); p != "" {
		if outErr = report.WriteFile(p, rep); outErr != nil && runErr == nil {
			// The exit code says the report is missing; the summary must agree.
			rep.ExitCode = exitFailure
			rep.Notes = append(rep.Notes, "the report could not be written: "+outErr.Error())
		}
	}
	if c.Bool("json") {
		outErr = errors.Join(outErr, printJSON(c.App.Writer, rep))
	}
	rep.WriteSummary(c.App.ErrWriter)
	if runErr != nil {
		// The run's own exit class wins; a report that could not be written is still said.
		if outErr != nil {
			fmt.Fprintln(c.App.ErrWriter, "vssmirror: warning:", outErr)
		}
		return runErr
	}
	return outErr
}
