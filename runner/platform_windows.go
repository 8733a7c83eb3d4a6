//go:build windows

package runner

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// platformChecks is true where the Windows-only preflight checks can run.
const platformChecks = true

// defaultDiskshadow is diskshadow.exe in System32.
func defaultDiskshadow() string {
	root := os.Getenv("SystemRoot")
	if root == "" {
		root = `C:\Windows`
	}
	return filepath.Join(root, "System32", "diskshadow.exe")
}

// DefaultStateDir is %ProgramData%\vssmirror\state.
func DefaultStateDir() string {
	pd := os.Getenv("ProgramData")
	if pd == "" {
		pd = `C:\ProgramData`
	}
	return filepath.Join(pd, "vssmirror", "state")
}

// isServer reports whether this is Windows Server (product type not workstation).
func isServer() (bool, error) {
	v := windows.RtlGetVersion()
	return v.ProductType != 1, nil // VER_NT_WORKSTATION
}

// isElevated reports whether the process runs with an elevated token.
func isElevated() (bool, error) {
	return windows.GetCurrentProcessToken().IsElevated(), nil
}

// usedLetters returns the drive letters in use.
func usedLetters() (map[string]bool, error) {
	mask, err := windows.GetLogicalDrives()
	if err != nil {
		return nil, fmt.Errorf("listing drive letters: %w", err)
	}
	used := map[string]bool{}
	for i := 0; i < 26; i++ {
		if mask&(1<<uint(i)) != 0 {
			used[string(rune('A'+i))] = true
		}
	}
	return used, nil
}
