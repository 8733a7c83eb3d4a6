package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/vssmirror/vssmirror/dshgen/output"
)

// tailLines is how many lines of output an error message quotes.
const tailLines = 15

// dsResult is the result of one diskshadow invocation.
type dsResult struct {
	ExitCode int // -1 when killed or not started
	Output   *output.Output
	Tail     []string // last lines of output
	Killed   bool     // stopped by timeout or interrupt
}

// runDiskshadow runs `exe /s script /l log` in dir, streaming every output
// line to console and to the run log, and to the output reader; onLine is
// called after every line so the caller can journal shadows as they
// appear (it handles its own failures: nothing it does stops the reading).
func runDiskshadow(ctx context.Context, exe, script, logPath, dir string, env []string, console, runLog io.Writer, onLine func(*output.Reader)) (*dsResult, error) {
	res := &dsResult{ExitCode: -1}
	cmd := exec.CommandContext(ctx, exe, "/s", script, "/l", logPath)
	cmd.Dir = dir
	cmd.Env = env
	cmd.WaitDelay = 10 * time.Second // a grandchild holding the pipe must not hang Wait
	tree := newTree(cmd)
	defer tree.close()
	pr, pw, err := os.Pipe()
	if err != nil {
		return res, err
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		return res, fmt.Errorf("starting diskshadow (%s): %w", exe, err)
	}
	pw.Close()
	if err := tree.started(); err != nil {
		fmt.Fprintf(console, "vssmirror: warning: %v; on timeout only diskshadow itself can be stopped\n", err)
	}
	reader := output.NewReader()
	readErr := output.ReadLines(pr, func(line string) {
		fmt.Fprintln(console, line)
		fmt.Fprintln(runLog, line)
		res.Tail = append(res.Tail, line)
		if len(res.Tail) > tailLines {
			res.Tail = res.Tail[1:]
		}
		reader.Line(line)
		if onLine != nil {
			onLine(reader)
		}
	})
	pr.Close()
	werr := cmd.Wait()
	res.Output = reader.Output()
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		res.Killed = true
	}
	var ee *exec.ExitError
	if werr != nil && !errors.As(werr, &ee) && !res.Killed {
		return res, fmt.Errorf("running diskshadow: %w", werr)
	}
	if readErr != nil {
		return res, fmt.Errorf("reading diskshadow's output: %w", readErr)
	}
	return res, nil
}
