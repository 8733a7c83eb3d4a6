//go:build unix

package job

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLoadRefusesFIFO: opening a named pipe blocks until a writer comes;
// Load must refuse it without opening it.
func TestLoadRefusesFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "job.yaml")
	require.NoError(t, syscall.Mkfifo(p, 0o600))
	done := make(chan error, 1)
	go func() { _, err := Load(p); done <- err }()
	select {
	case err := <-done:
		assert.EqualError(t, err, p+": is a named pipe, not a job file; give the path of a YAML job file")
	case <-time.After(10 * time.Second):
		t.Fatal("Load blocked on a named pipe")
	}
}
