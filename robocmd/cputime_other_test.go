//go:build !unix

package robocmd

import "time"

// cpuTime is not measured here: the cpu-MB/s metric is left out.
func cpuTime() time.Duration { return 0 }
