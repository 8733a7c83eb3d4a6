//go:build !windows

package runner

import (
	"os"
	"path/filepath"
)

// wrapperCommand is how the runner runs a hook's wrapper itself. Off
// Windows the runner only ever drives the diskshadow test double, which
// plays cmd.exe: the wrapper is run through its exec, from a one-line
// script written into the run folder.
func wrapperCommand(diskshadow, dir, wrapper string) (string, []string, error) {
	script := filepath.Join(dir, "vssmirror-resume.dsh")
	if err := os.WriteFile(script, []byte("exec "+wrapper+"\r\nexit\r\n"), 0o600); err != nil {
		return "", nil, err
	}
	return diskshadow, []string{"/s", script}, nil
}
