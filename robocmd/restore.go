package robocmd

import (
	"fmt"
	"runtime"
	"strings"
)

// RestoreOptions are the switches of a restore: the job's copy flags
// (/COPY, /DCOPY, /B), its retries, wait and threads, and what to leave
// out of the set (its story folder, the good marker).
type RestoreOptions struct {
	Copy, DCopy      string
	BackupMode       bool
	Retries, Wait    int
	Threads          int
	ExcludeJunctions bool
	FFT              bool
	ExcludeDirs      []string
	ExcludeFiles     []string
	Files            []string // file names to copy (robocopy's file filter after the destination); none = all
	ListOnly         bool     // /L: list what would be copied, copy nothing (--dry-run)
}

// deletingSwitches are the robocopy switches that delete at the
// destination or the source; a restore never uses them.
var deletingSwitches = []string{"/MIR", "/PURGE", "/MOV", "/MOVE"}

// RestoreArgs returns robocopy's arguments to copy src back to dst (only
// o.Files of it when given): /E
// (every folder, empty ones too), never /MIR or /PURGE (nothing at dst is
// deleted), the job's copy flags, /NP. The log switch is added by the
// caller. An argument that is one of the deleting switches, wherever it
// came from, is an error: the list is checked after it is built.
func RestoreArgs(src, dst string, o RestoreOptions) ([]string, error) {
	for _, p := range []string{src, dst} {
		// Off Windows an absolute POSIX path is a folder (the test doubles
		// use them); on Windows a leading '/' makes a switch.
		posix := runtime.GOOS != "windows" && strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && strings.Count(p, "/") > 1
		if p == "" || strings.HasPrefix(p, "/") && !posix {
			return nil, fmt.Errorf("restore: %q is not a folder robocopy can take (empty or starting with '/')", p)
		}
	}
	// The mirror's switch list without /MIR (so /E) and without the
	// job's extra_args: only what a copy back needs.
	args := Args(src, dst, Options{FFT: o.FFT, Retries: o.Retries, WaitSeconds: o.Wait, Threads: o.Threads,
		Copy: o.Copy, DCopy: o.DCopy, BackupMode: o.BackupMode, ExcludeJunctions: o.ExcludeJunctions,
		ExcludeDirs: o.ExcludeDirs, ExcludeFiles: o.ExcludeFiles})
	if len(o.Files) > 0 {
		args = append(append(append([]string{}, args[:2]...), o.Files...), args[2:]...)
	}
	if o.ListOnly {
		args = append(args, "/L")
	}
	if err := CheckRestoreArgs(args); err != nil {
		return nil, err
	}
	return args, nil
}

// CheckRestoreArgs refuses an argument list with a deleting switch.
func CheckRestoreArgs(args []string) error {
	for _, a := range args {
		name, _, _ := strings.Cut(strings.ToUpper(a), ":")
		for _, d := range deletingSwitches {
			if name == d {
				return fmt.Errorf("restore: %s would delete files; a restore never uses it", d)
			}
		}
		if err := checkQuotable(a); err != nil {
			return err
		}
	}
	return nil
}
