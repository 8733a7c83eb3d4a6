package robocmd

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/unicode"
)

// refUTF16LE decodes UTF-16LE as the standard library does: each unpaired
// surrogate is one U+FFFD, and so is an odd last byte.
func refUTF16LE(b []byte) []byte {
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	out := []byte(string(utf16.Decode(units)))
	if len(b)%2 == 1 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return out
}

// xtextUTF16LE decodes b with golang.org/x/text, what ParseLog used before.
func xtextUTF16LE(t testing.TB, b []byte) []byte {
	out, err := io.ReadAll(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder().Reader(bytes.NewReader(b)))
	require.NoError(t, err)
	return out
}

// lowLowPair reports whether b holds a low surrogate followed by another:
// x/text reads the two as one U+FFFD, the standard library (and
// UTF16LELines) as two.
func lowLowPair(b []byte) bool {
	for i := 0; i+4 <= len(b); i += 2 {
		c1 := uint16(b[i]) | uint16(b[i+1])<<8
		c2 := uint16(b[i+2]) | uint16(b[i+3])<<8
		if c1 >= 0xDC00 && c1 < 0xE000 && c2 >= 0xDC00 && c2 < 0xE000 {
			return true
		}
	}
	return false
}

func u16le(s string) []byte {
	var b []byte
	for _, c := range utf16.Encode([]rune(s)) {
		b = append(b, byte(c), byte(c>>8))
	}
	return b
}

// feedLines decodes chunks with UTF16LELines and returns the lines, each
// followed by "\n"; it checks the cr flag of each.
func feedLines(t testing.TB, chunks ...[]byte) string {
	d := NewUTF16LELines()
	var out []byte
	fn := func(line []byte, cr bool) {
		if cr != bytes.Contains(line, []byte{'\r'}) {
			t.Fatalf("cr flag %v for %q", cr, line)
		}
		out = append(append(out, line...), '\n')
	}
	for _, c := range chunks {
		d.Feed(c, fn)
	}
	d.Flush(fn)
	return string(out)
}

// refLines is what feedLines must return for the text decoded: its lines
// without their LF and a CR just before it, a last line without LF too.
func refLines(text []byte) string {
	var out []byte
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		out = append(append(out, line...), '\n')
	}
	return string(out)
}

// splitReader returns its data in two reads, cut at off.
func splitReader(data []byte, off int) io.Reader {
	return io.MultiReader(bytes.NewReader(data[:off]), bytes.NewReader(data[off:]))
}

// chunksOf cuts b into chunks of n bytes.
func chunksOf(b []byte, n int) [][]byte {
	var out [][]byte
	for len(b) > n {
		out = append(out, b[:n])
		b = b[n:]
	}
	return append(out, b)
}

var utf16Cases = []struct {
	name string
	in   []byte
	want string
}{
	{"empty", nil, ""},
	{"ascii", u16le("Started : Monday, June 3, 2024\r\n"), "Started : Monday, June 3, 2024\r\n"},
	{"long ascii", u16le("\t    Newer     \t\t     100\tC:\\Data\\some\\long\\path\\file.txt\r\n"), "\t    Newer     \t\t     100\tC:\\Data\\some\\long\\path\\file.txt\r\n"},
	{"bmp", u16le("Ошибка: Büro 資料 € \uFEFF"), "Ошибка: Büro 資料 € \uFEFF"},
	{"ascii around non-ascii", u16le("abcdefgh\u00e9ijklmnopqrstuvwxyz0123456789\u4e2dABCDEFGHIJ"), "abcdefgh\u00e9ijklmnopqrstuvwxyz0123456789\u4e2dABCDEFGHIJ"},
	{"pairs", u16le("a😀b𝄞\U0010FFFF\U00010000"), "a😀b𝄞\U0010FFFF\U00010000"},
	{"lone high", []byte{0x00, 0xD8, 'a', 0}, "\uFFFDa"},
	{"lone high at end", []byte{'a', 0, 0x00, 0xD8}, "a\uFFFD"},
	{"high high low", []byte{0x00, 0xD8, 0x3D, 0xD8, 0x00, 0xDE}, "\uFFFD😀"},
	{"lone low", []byte{0x00, 0xDC, 'a', 0}, "\uFFFDa"},
	{"low low", []byte{0x00, 0xDC, 0x00, 0xDC}, "\uFFFD\uFFFD"},
	{"low high", []byte{0x00, 0xDC, 0x00, 0xD8}, "\uFFFD\uFFFD"},
	{"odd byte", []byte{'a', 0, 'b'}, "a\uFFFD"},
	{"high then odd byte", []byte{0x00, 0xD8, 'b'}, "\uFFFD\uFFFD"},
	{"nul", []byte{0, 0, 'a', 0}, "\x00a"},
}

func TestUTF16LELines(t *testing.T) {
	for _, c := range utf16Cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, string(refUTF16LE(c.in)), "reference")
			want := refLines([]byte(c.want))
			assert.Equal(t, want, feedLines(t, c.in))
			// Every cut of the input between two chunks.
			for off := 0; off <= len(c.in); off++ {
				assert.Equal(t, want, feedLines(t, c.in[:off], c.in[off:]), "cut at %d", off)
			}
			// Chunks of one, two and three bytes.
			for n := 1; n <= 3; n++ {
				assert.Equal(t, want, feedLines(t, chunksOf(c.in, n)...), "chunks of %d bytes", n)
			}
		})
	}
}

// A long text whose every character, pair and line end falls at every
// offset of a chunk and of the eight-unit blocks.
func TestUTF16LELinesChunkBoundaries(t *testing.T) {
	var text []byte
	for i := 0; len(text) < 600; i++ {
		text = append(text, "abcdefghijklmnop"[:i%17]...)
		text = append(text, []string{"é", "資", "😀", "\r\n", "\t", "\n", " 5%\r"}[i%7]...)
	}
	in := u16le(string(text))
	bad := append(append(append([]byte{}, in[:100]...), 0x00, 0xDC, 0x00, 0xD8, 'x'), in[100:]...)
	want, wantBad := refLines(text), refLines(refUTF16LE(bad))
	for off := 0; off <= len(in); off++ {
		require.Equal(t, want, feedLines(t, in[:off], in[off:]), "cut at %d", off)
		require.Equal(t, wantBad, feedLines(t, bad[:min(off, len(bad))], bad[min(off, len(bad)):]), "cut at %d", off)
	}
	for n := 1; n <= 40; n++ {
		require.Equal(t, want, feedLines(t, chunksOf(in, n)...), "chunks of %d", n)
	}
}

// A line longer than maxLine is cut at maxLine bytes; the next line is
// whole.
func TestUTF16LELinesLongLine(t *testing.T) {
	long := strings.Repeat("abcdefgh", maxLine/8+100)
	got := feedLines(t, u16le(long+"x\r\nnext\r\n"))
	assert.Equal(t, long[:maxLine]+"\nnext\n", got)
	long = strings.Repeat("é", maxLine)
	lines := strings.Split(feedLines(t, chunksOf(u16le(long+"\nnext"), 4097)...), "\n")
	require.Len(t, lines, 3)
	assert.LessOrEqual(t, len(lines[0]), maxLine)
	assert.True(t, utf8.ValidString(lines[0]))
	assert.Equal(t, "next", lines[1])
}

// A read error from the log comes out of ParseLog.
func TestParseLogUTF16LEReadError(t *testing.T) {
	r := io.MultiReader(bytes.NewReader(append([]byte{0xFF, 0xFE}, u16le("abc")...)), iotest.ErrReader(io.ErrUnexpectedEOF))
	_, err := ParseLog(r, LogOptions{})
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

// A UTF-16LE log is read the same with a /UNILOG byte order mark whatever
// the cuts between reads.
func TestParseLogUTF16LECuts(t *testing.T) {
	data, err := io.ReadAll(&genLog{jobs: 2, filesPerJob: 50})
	require.NoError(t, err)
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(data)
	require.NoError(t, err)
	want, err := ParseLog(bytes.NewReader(data), LogOptions{})
	require.NoError(t, err)
	for _, r := range []io.Reader{iotest.OneByteReader(bytes.NewReader(u16)), iotest.HalfReader(bytes.NewReader(u16)), splitReader(u16, 3)} {
		got, err := ParseLog(r, LogOptions{})
		require.NoError(t, err)
		assert.Equal(t, "utf-16le", got.Encoding)
		got.Encoding = want.Encoding
		assert.Equal(t, want, got)
	}
}

func FuzzUTF16LELines(f *testing.F) {
	for _, c := range utf16Cases {
		f.Add(c.in, uint16(0), uint8(16))
	}
	f.Add(u16le("ROBOCOPY     ::     Robust File Copy for Windows\r\n\t    New File  \t\t     100\tá😀.txt\r\n"), uint16(7), uint8(17))
	f.Fuzz(func(t *testing.T, data []byte, cut uint16, chunk uint8) {
		off := int(cut) % (len(data) + 1)
		want := refUTF16LE(data)
		require.Equal(t, refLines(want), feedLines(t, data[:off], data[off:]))
		require.Equal(t, refLines(want), feedLines(t, chunksOf(data, max(int(chunk), 1))...))
		if !lowLowPair(data) {
			require.Equal(t, refLines(xtextUTF16LE(t, data)), feedLines(t, data))
		}
	})
}
