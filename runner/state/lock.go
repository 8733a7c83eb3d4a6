package state

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// ErrLocked is returned when another run of the job holds its lock.
var ErrLocked = errors.New("another run of this job is in progress")

// lockPatience is how long Lock waits for a lock held by someone else.
const lockPatience = 2 * time.Second

// Lock takes the job's lock in stateDir. The OS releases it when the
// process ends, however it ends, so a crash never leaves a stale lock.
func Lock(stateDir, jobName string) (*flock.Flock, error) {
	if err := MkdirPrivate(stateDir); err != nil {
		return nil, fmt.Errorf("creating the state folder: %w", err)
	}
	l := flock.New(filepath.Join(stateDir, jobName+".lock"))
	// Retried for a moment: `vssmirror sets` probes the lock by taking it
	// for an instant, which must never make a starting run exit 13.
	ctx, cancel := context.WithTimeout(context.Background(), lockPatience)
	defer cancel()
	ok, err := l.TryLockContext(ctx, 50*time.Millisecond)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("taking the lock %s: %w", l.Path(), err)
	}
	if !ok {
		return nil, fmt.Errorf("%w (lock %s); wait for it to finish", ErrLocked, l.Path())
	}
	return l, nil
}

// Running reports whether a run of the job holds its lock now.
func Running(stateDir, jobName string) bool {
	l := flock.New(filepath.Join(stateDir, jobName+".lock"))
	if _, err := os.Stat(l.Path()); err != nil {
		return false
	}
	ok, err := l.TryLock()
	if err != nil {
		return false
	}
	if ok {
		l.Unlock()
	}
	return !ok
}

// MkdirPrivate creates dir and every missing folder above it, each one
// private from the moment it exists: on Windows created with a protected
// DACL (SYSTEM and Administrators full control, nothing inherited, nothing
// for anyone else; see acl_windows.go), elsewhere with mode 0700. An
// existing folder is left as it is: CheckPrivate judges it. A folder that
// appears between the look and the creation (another run creating it too,
// or someone racing it) is judged by CheckPrivate instead of trusted.
func MkdirPrivate(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	// The missing folders, from dir up to the first that exists.
	var missing []string
	for d := filepath.Clean(dir); ; {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return mkdirEach(missing)
}

// mkdirEach creates the folders of missing, the last (topmost) first.
func mkdirEach(missing []string) error {
	for i := len(missing) - 1; i >= 0; i-- {
		err := mkdirPrivate(missing[i])
		if errors.Is(err, fs.ErrExist) {
			err = CheckPrivate(missing[i])
		}
		if err != nil {
			return err
		}
	}
	return nil
}
