package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// ErrLocked is returned when another run of the job holds its lock.
var ErrLocked = errors.New("another run of this job is in progress")

// lockJob takes the job's lock in stateDir. The OS releases it when the
// process ends, however it ends, so a crash never leaves a stale lock.
func lockJob(stateDir, jobName string) (*flock.Flock, error) {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the state folder: %w", err)
	}
	l := flock.New(filepath.Join(stateDir, jobName+".lock"))
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("taking the lock %s: %w", l.Path(), err)
	}
	if !ok {
		return nil, fmt.Errorf("%w (lock %s); wait for it to finish", ErrLocked, l.Path())
	}
	return l, nil
}
