//go:build !windows

package runner

import (
	"errors"
	"os"
	"path/filepath"
)

// platformChecks is false: elevation, drive letters and Windows paths
// cannot be checked here.
const platformChecks = false

var errNotWindows = errors.New("not Windows")

func defaultDiskshadow() string { return "" }

// DefaultStateDir is the user cache folder off Windows.
func DefaultStateDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "vssmirror", "state")
	}
	return filepath.Join(os.TempDir(), "vssmirror-state")
}

func isServer() (bool, error)               { return false, errNotWindows }
func isElevated() (bool, error)             { return false, errNotWindows }
func usedLetters() (map[string]bool, error) { return nil, errNotWindows }
