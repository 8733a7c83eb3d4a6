//go:build !windows

package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// mkdirPrivate creates one folder private to its owner (mode 0700) off
// Windows. The umask can only take bits away, so the folder is never
// open to others; the chmod restores owner bits a strict umask removed.
func mkdirPrivate(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}

// CheckPrivate reports a folder or file that someone other than root and
// the account running vssmirror can change. Off Windows (where vssmirror
// runs only test doubles) that is a path owned by another account (its
// owner can chmod it at any time) or one writable by others. Group write
// is allowed: user accounts' usual umask 002 gives their files to their
// own private group, and a fresh clone must pass its tests under it. The path itself is judged, through
// symbolic links; a path that does not exist passes (vssmirror creates
// its folders private; a missing file is reported by what reads it).
func CheckPrivate(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) || isNotDir(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checking who can write %s: %w", path, err)
	}
	kind := "file"
	if fi.IsDir() {
		kind = "folder"
	}
	var problems []string
	if uid, ok := ownerOf(fi); ok && uid != 0 && uid != os.Getuid() {
		problems = append(problems, fmt.Sprintf("%s is owned by %s, neither root nor the account running vssmirror (%s): its owner can change its mode at any time; chown root %q (or to the account running vssmirror) or use another %s",
			path, account(uid), account(os.Getuid()), path, kind))
	}
	if perm := fi.Mode().Perm(); perm&0o002 != 0 {
		problems = append(problems, fmt.Sprintf("%s is writable by others (mode %v): anyone who can write there can steer what runs elevated; chmod o-w %q",
			path, perm, path))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}
