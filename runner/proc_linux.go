package runner

import "syscall"

// killWithParent makes the kernel send the child SIGKILL when vssmirror
// dies. Linux sends it when the thread that started the child exits; Go
// only ends a thread when a goroutine exits while locked to it
// (runtime.LockOSThread), which vssmirror never does. Go's fork also
// checks that the parent did not die before the setting took effect.
// Only diskshadow itself gets it: what diskshadow started is killed with
// its process group on timeout or interrupt, not when vssmirror is killed.
func killWithParent(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
