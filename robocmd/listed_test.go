package robocmd

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/internal/utf16text"
)

// A /L /MIR /FP log: copies and folder headers name source paths, extras
// the destination's; the class words may be in any language.
func TestExtraPaths(t *testing.T) {
	const log = "\r\n  Started : x\r\n   Source : S:\\Shares\\\r\n     Dest : \\\\nas\\b\\D\\Shares\\\r\n\r\n" +
		"\t                   3\tS:\\Shares\\\r\n" +
		"\t    Neue Datei  \t\t       5\tS:\\Shares\\new.txt\r\n" +
		"\t  *ZUSÄTZL. Datei \t\t       7\t\\\\nas\\b\\D\\Shares\\gone.txt\r\n" +
		"\t*EXTRA Dir        -1\t\\\\NAS\\b\\D\\Shares\\old dir\\\r\n" +
		"2026/11/21 10:00:00 ERROR 5 (0x00000005) Deleting Extra File \\\\nas\\b\\D\\Shares\\x.txt\r\n" +
		"\t  *EXTRA File \t\t       1\t\\\\nas\\b\\D\\Shares-other\\not-mine.txt\r\n"
	for name, data := range map[string][]byte{"utf-8": []byte(log), "utf-16": utf16text.EncodeLE(log)} {
		t.Run(name, func(t *testing.T) {
			var got []string
			require.NoError(t, ExtraPaths(bytes.NewReader(data), `\\nas\b\D\Shares`, func(p string, dir bool) error {
				if dir {
					p += " (dir)"
				}
				got = append(got, p)
				return nil
			}))
			assert.Equal(t, []string{`\\nas\b\D\Shares\gone.txt`, `\\NAS\b\D\Shares\old dir (dir)`}, got)
		})
	}
}
