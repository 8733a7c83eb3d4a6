//go:build unix

package progress

import (
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A named pipe named <job>.status.json is refused, not opened: an open
// for reading would wait for a writer and hang vssmirror status (review B).
func TestReadStatusRefusesANamedPipe(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, syscall.Mkfifo(StatusPath(dir, "fs"), 0o600))
	_, err := ReadStatus(dir, "fs")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a regular file")
}
