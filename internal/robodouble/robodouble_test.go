package robodouble

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/robocmd/follow"
)

// In slow mode the log grows file line by file line while the copy goes:
// a follower polled after each line sees one more file each time, and the
// finished log parses as the fast mode's does.
func TestSlowModeWritesAsItGoes(t *testing.T) {
	t.Chdir(t.TempDir()) // relative paths: the double reads a leading / as a switch, as robocopy does
	src, dst, log := "src", "dst", "src1.log"
	require.NoError(t, os.MkdirAll(src, 0o755))
	for i := range 12 {
		require.NoError(t, os.WriteFile(filepath.Join(src, fmt.Sprintf("f%02d.txt", i)), bytes.Repeat([]byte("x"), 100+i), 0o644))
	}
	f := follow.New(log)
	var seen []int64
	afterStep = func() {
		st, err := f.Poll()
		require.NoError(t, err)
		assert.False(t, st.Finished, "no summary before the last file")
		seen = append(seen, st.Files)
	}
	defer func() { afterStep = nil }()
	env := map[string]string{"ROBODOUBLE_SLOW": "1ms"}
	var out bytes.Buffer
	code := Main([]string{src, dst, "/MIR", "/NP", "/R:2", "/W:5", "/UNILOG+:" + log}, &out, func(k string) string { return env[k] })
	assert.Equal(t, 1, code, "files copied")
	want := make([]int64, 12)
	for i := range want {
		want[i] = int64(i + 1)
	}
	assert.Equal(t, want, seen)
	st, err := f.Poll()
	require.NoError(t, err)
	assert.True(t, st.Finished)
	assert.True(t, st.Summary)
	assert.Equal(t, int64(12), st.SummaryFiles.Copied)
	data, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.Equal(t, []byte{0xFF, 0xFE}, data[:2], "one byte order mark, at the start")
	assert.Equal(t, -1, bytes.Index(data[2:], []byte{0xFF, 0xFE}))
	l, err := robocmd.ParseLog(bytes.NewReader(data), robocmd.LogOptions{})
	require.NoError(t, err)
	require.Len(t, l.Jobs, 1)
	assert.Equal(t, int64(12), l.Jobs[0].Files.Copied)
	assert.Equal(t, "utf-16le", l.Encoding)
}
