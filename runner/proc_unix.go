//go:build !windows

package runner

import (
	"os/exec"
	"syscall"
)

// procTree stops a command and everything it started.
type procTree struct{ cmd *exec.Cmd }

// newTree makes cmd the leader of a new process group so that the whole
// tree it starts can be killed at once on timeout or interrupt. Where the
// system offers it (Linux), cmd also gets SIGKILL when vssmirror dies, even
// by SIGKILL: in its own process group it would otherwise outlive
// vssmirror and keep running with the job's lock already free.
func newTree(cmd *exec.Cmd) *procTree {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	killWithParent(cmd.SysProcAttr)
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	return &procTree{cmd: cmd}
}

// started is called once the process runs.
func (t *procTree) started() error { return nil }

// close releases the tree's resources.
func (t *procTree) close() {}
