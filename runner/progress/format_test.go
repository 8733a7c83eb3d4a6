package progress

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Names from a log or a status file reach a console: control characters
// (a terminal escape in a file name) are replaced; the rest stays.
func TestCleanAndFormats(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`S:\Shares\Büro\資料.docx`, `S:\Shares\Büro\資料.docx`},
		{"evil\x1b[2J\x1b]0;owned\x07.txt", "evil?[2J?]0;owned?.txt"},
		{"tab\there\r\nnext\u0085\u009b", "tab?here??next??"},
	} {
		assert.Equal(t, c.want, Clean(c.in))
	}
	assert.Equal(t, "…ir\\file.txt", Tail(`S:\a\long\dir\file.txt`, 12))
	assert.Equal(t, "short", Tail("short", 12))
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 5 << 30: "5.0 GiB", 1536 << 20: "1.5 GiB"} {
		assert.Equal(t, want, Bytes(n))
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -48210: "-48,210"} {
		assert.Equal(t, want, Count(n))
	}
	for d, want := range map[time.Duration]string{45 * time.Second: "45s", 10*time.Minute + 20*time.Second: "10m20s", 3*time.Hour + 5*time.Minute + 40*time.Second: "3h05m"} {
		assert.Equal(t, want, Duration(d))
	}
}
