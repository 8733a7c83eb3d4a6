//go:build unix

package robocmd

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the test process used so far (user and system,
// all threads: the garbage collector's included). On a shared machine a
// benchmark's wall time grows with the other processes' load; its CPU
// time much less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
