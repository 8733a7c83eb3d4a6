//go:build !windows

package state

import (
	"fmt"
	"os"
)

// protect makes dir private to its owner (mode 0700) off Windows.
func protect(dir string) error { return os.Chmod(dir, 0o700) }

// CheckPrivate reports a folder that others can write to. Off Windows: a
// folder writable by group or others.
func CheckPrivate(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil // created private when first used
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%s is writable by group or others (mode %v): anyone who can write there can steer what runs elevated; chmod go-w it", dir, fi.Mode().Perm())
	}
	return nil
}
