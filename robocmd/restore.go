package robocmd

import (
	"fmt"
	"runtime"
	"strconv"
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
	ListOnly         bool // /L: list what would be copied, copy nothing (--dry-run)
}

// deletingSwitches are the robocopy switches that delete at the
// destination or the source; a restore never uses them.
var deletingSwitches = []string{"/MIR", "/PURGE", "/MOV", "/MOVE"}

// RestoreArgs returns robocopy's arguments to copy src back to dst: /E
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
	args := []string{src, dst, "/E"}
	if o.FFT {
		args = append(args, "/FFT")
	}
	args = append(args, "/R:"+strconv.Itoa(o.Retries), "/W:"+strconv.Itoa(o.Wait))
	if o.Threads > 0 {
		args = append(args, "/MT:"+strconv.Itoa(o.Threads))
	}
	if o.Copy != "" {
		args = append(args, "/COPY:"+o.Copy)
	}
	if o.DCopy != "" {
		args = append(args, "/DCOPY:"+o.DCopy)
	}
	if o.BackupMode {
		args = append(args, "/B")
	}
	if o.ExcludeJunctions {
		args = append(args, "/XJ")
	}
	args = append(args, "/NP")
	if o.ListOnly {
		args = append(args, "/L")
	}
	if len(o.ExcludeDirs) > 0 {
		args = append(append(args, "/XD"), o.ExcludeDirs...)
	}
	if len(o.ExcludeFiles) > 0 {
		args = append(append(args, "/XF"), o.ExcludeFiles...)
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
