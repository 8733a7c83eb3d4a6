//go:build windows

package runner

import (
	"os"
	"path/filepath"
)

// wrapperCommand is how the runner runs a hook's wrapper itself: with
// cmd.exe from System32 (never one found through PATH), /d (no AutoRun
// commands), /c (run it, then exit with its code).
func wrapperCommand(_, _, wrapper string) (string, []string, error) {
	root := os.Getenv("SystemRoot")
	if root == "" {
		root = `C:\Windows`
	}
	return filepath.Join(root, "System32", "cmd.exe"), []string{"/d", "/c", wrapper}, nil
}
