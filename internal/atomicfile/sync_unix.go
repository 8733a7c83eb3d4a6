//go:build !windows

package atomicfile

import "os"

// syncDir fsyncs a folder so a rename in it survives a crash.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
