//go:build !windows && !linux

package runner

import "syscall"

// killWithParent does nothing here: only Linux has a parent-death signal
// (SysProcAttr.Pdeathsig). A killed vssmirror leaves diskshadow running.
func killWithParent(*syscall.SysProcAttr) {}
