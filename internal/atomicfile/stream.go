package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Pending is a file being written in full before it replaces its target:
// Write streams into a temporary file in the target's folder, Commit
// fsyncs it and renames it into place, Abort removes it. A reader of the
// target sees the old content or the new, never a part.
type Pending struct {
	f      *os.File
	path   string
	perm   fs.FileMode
	closed bool
}

// Create starts writing path (its folder is created if needed). Call
// Commit or Abort exactly once; Abort after Commit does nothing, so
// `defer p.Abort()` is safe.
func Create(path string, perm fs.FileMode) (*Pending, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return &Pending{f: f, path: path, perm: perm}, nil
}

// Write writes to the temporary file.
func (p *Pending) Write(b []byte) (int, error) { return p.f.Write(b) }

// Commit makes the written content the target's.
func (p *Pending) Commit() error {
	if p.closed {
		return fmt.Errorf("writing %s: already committed or aborted", p.path)
	}
	p.closed = true
	serr := p.f.Sync()
	cerr := p.f.Close()
	if err := errors.Join(serr, cerr, os.Chmod(p.f.Name(), p.perm)); err != nil {
		os.Remove(p.f.Name())
		return fmt.Errorf("writing %s: %w", p.path, err)
	}
	if err := os.Rename(p.f.Name(), p.path); err != nil {
		os.Remove(p.f.Name())
		return fmt.Errorf("writing %s: %w", p.path, err)
	}
	syncDir(filepath.Dir(p.path))
	return nil
}

// Abort drops what was written; the target is left as it was.
func (p *Pending) Abort() {
	if p.closed {
		return
	}
	p.closed = true
	p.f.Close()
	os.Remove(p.f.Name())
}
