package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVersionShowsStampedValues: the values a release build stamps with
// -ldflags reach `vssmirror --version`.
func TestVersionShowsStampedValues(t *testing.T) {
	saved := [3]string{version, commit, date}
	t.Cleanup(func() { version, commit, date = saved[0], saved[1], saved[2] })
	version, commit, date = "1.4.0", "0123456789abcdef", "2026-11-22T07:00:00Z"
	code, stdout, _ := vssm(t, "--version")
	require.Equal(t, 0, code)
	assert.Regexp(t, `^vssmirror version 1\.4\.0 \(commit 0123456789ab, built 2026-11-22T07:00:00Z, go[0-9.]+\)\n$`, stdout)
}
