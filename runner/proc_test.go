package runner

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The process-tree tests use the test binary as its own helper processes,
// chosen by procRoleEnv (checked in init, before TestMain):
//
//	sleeper: prints "ready <pid>" on stdout and sleeps for minutes;
//	spawner: diskshadow's stand-in: waits for a line on stdin, then starts a
//	         sleeper (a plain child, like diskshadow's cmd.exe) and waits
//	         for it;
//	parent:  vssmirror's stand-in: starts a sleeper through newTree, prints
//	         "tree started" once procTree.started returned, and waits for
//	         the sleeper until it is killed.
//
// Every helper's stdout is one pipe the test reads. The pipe reaches end of
// file only when every process holding it has ended, so EOF after the
// "ready" line proves the sleeper is gone, on Linux and on Windows alike.
const procRoleEnv = "VSSMIRROR_PROCTEST_ROLE"

// helperSleep is how long a sleeper lives if nothing kills it.
const helperSleep = 5 * time.Minute

func init() {
	switch os.Getenv(procRoleEnv) {
	case "":
		return
	case "sleeper":
		fmt.Printf("ready %d\n", os.Getpid())
		time.Sleep(helperSleep)
		os.Exit(0)
	case "spawner":
		bufio.NewReader(os.Stdin).ReadString('\n')
		os.Exit(runHelper(exec.Command(os.Args[0]), false))
	case "parent":
		os.Exit(runHelper(exec.CommandContext(context.Background(), os.Args[0]), true))
	default:
		fmt.Fprintln(os.Stderr, "unknown", procRoleEnv)
		os.Exit(2)
	}
}

// runHelper starts a sleeper with cmd (through newTree when tree is set)
// and waits for it.
func runHelper(cmd *exec.Cmd, tree bool) int {
	cmd.Env = append(os.Environ(), procRoleEnv+"=sleeper")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	var t *procTree
	if tree {
		t = newTree(cmd)
		defer t.close()
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting the sleeper:", err)
		return 3
	}
	if t != nil {
		if err := t.started(); err != nil {
			fmt.Fprintln(os.Stderr, "procTree.started:", err)
			return 4
		}
		fmt.Println("tree started")
	}
	cmd.Wait()
	return 0
}

// helperOutput reads the helpers' shared stdout.
type helperOutput struct {
	r     *os.File
	lines chan string
	eof   chan struct{}
}

func newHelperOutput(r *os.File) *helperOutput {
	h := &helperOutput{r: r, lines: make(chan string, 10), eof: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			h.lines <- sc.Text()
		}
		io.Copy(io.Discard, r)
		close(h.eof)
	}()
	return h
}

// sleeperPID waits for the sleeper's "ready <pid>" line and, with
// treeStarted, for the parent's "tree started" (the sleeper is in the job).
func (h *helperOutput) sleeperPID(t *testing.T, treeStarted bool) int {
	t.Helper()
	pid := 0
	deadline := time.After(time.Minute)
	for pid == 0 || treeStarted {
		select {
		case l := <-h.lines:
			if l == "tree started" {
				treeStarted = false
				continue
			}
			var err error
			pid, err = strconv.Atoi(strings.TrimPrefix(l, "ready "))
			require.NoError(t, err, "a helper's line: %q", l)
		case <-h.eof:
			t.Fatal("the helpers ended before the sleeper was ready")
		case <-deadline:
			t.Fatal("no sleeper after a minute")
		}
	}
	return pid
}

// gone waits, up to a generous deadline, for the sleeper to end. On
// failure it kills the sleeper so that it does not outlive the test.
func (h *helperOutput) gone(t *testing.T, pid int, what string) {
	t.Helper()
	select {
	case <-h.eof:
	case <-time.After(30 * time.Second):
		if p, err := os.FindProcess(pid); err == nil {
			p.Kill()
		}
		t.Fatalf("%s: the sleeper (pid %d) still runs 30 seconds later", what, pid)
	}
}

// helperCmd is the test binary in a helper role, writing to w (nil: the
// null device).
func helperCmd(ctx context.Context, role string, w *os.File) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), procRoleEnv+"="+role)
	if w != nil {
		cmd.Stdout = w
	}
	cmd.Stderr = os.Stderr
	return cmd
}

// TestTreeCancelKillsGrandchild: cancelling a command started through
// newTree (timeout, interrupt) kills what it started too: diskshadow's
// cmd.exe and robocopy. Unix: the process group; Windows: the job object.
func TestTreeCancelKillsGrandchild(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	cmd := helperCmd(ctx, "spawner", w)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	tree := newTree(cmd)
	defer tree.close()
	require.NoError(t, cmd.Start())
	w.Close()
	require.NoError(t, tree.started())
	// Only now may the spawner start its child: on Windows the child of a
	// process in a job is in the job from birth.
	_, err = io.WriteString(stdin, "go\n")
	require.NoError(t, err)
	out := newHelperOutput(r)
	pid := out.sleeperPID(t, false)

	cancel()
	err = cmd.Wait()
	require.Error(t, err, "the spawner was killed")
	out.gone(t, pid, "after cancel")
}

// TestKilledParentTakesChildDown: when vssmirror itself is killed (kill -9,
// Task Manager), the diskshadow it started through newTree dies too
// instead of running on with the lock already free. Linux: the child's
// parent-death signal (SIGKILL); Windows: the job object is killed when its
// last handle, held by the dead vssmirror, closes.
func TestKilledParentTakesChildDown(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "windows" {
		t.Skipf("%s has no parent-death signal: a killed vssmirror leaves diskshadow running", runtime.GOOS)
	}
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	cmd := helperCmd(context.Background(), "parent", w)
	require.NoError(t, cmd.Start())
	w.Close()
	out := newHelperOutput(r)
	pid := out.sleeperPID(t, true)

	require.NoError(t, cmd.Process.Kill()) // SIGKILL; TerminateProcess on Windows
	cmd.Wait()
	out.gone(t, pid, "after the parent was killed")
}
