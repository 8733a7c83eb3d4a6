//go:build windows

package runner

import (
	"fmt"
	"os/exec"
	"unsafe"

	"golang.org/x/sys/windows"
)

// procTree stops a command and everything it started.
type procTree struct {
	cmd *exec.Cmd
	job windows.Handle
}

// newTree puts diskshadow and every process it starts (the exec'd cmd.exe,
// robocopy) into one job object: killing diskshadow alone would leave its
// children running. The job is killed on Cancel and when its handle closes.
func newTree(cmd *exec.Cmd) *procTree {
	t := &procTree{cmd: cmd}
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return t
	}
	info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{}
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation, uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)))
	t.job = job
	cmd.Cancel = func() error {
		return windows.TerminateJobObject(job, 1)
	}
	return t
}

// started assigns the started process to the job object.
func (t *procTree) started() error {
	if t.job == 0 {
		return nil
	}
	h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(t.cmd.Process.Pid))
	if err != nil {
		return fmt.Errorf("opening diskshadow's process: %w", err)
	}
	defer windows.CloseHandle(h)
	return windows.AssignProcessToJobObject(t.job, h)
}

// close releases the job object, killing anything still in it.
func (t *procTree) close() {
	if t.job != 0 {
		windows.CloseHandle(t.job)
	}
}
