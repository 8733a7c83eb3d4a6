package robocmd

import (
	"bytes"
	"io"
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
// utf16LEReader) as two.
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

func readAllUTF16LE(t testing.TB, r io.Reader, bufSize int) []byte {
	out, err := io.ReadAll(newUTF16LEReader(r, bufSize))
	require.NoError(t, err)
	return out
}

// splitReader returns its data in two reads, cut at off.
func splitReader(data []byte, off int) io.Reader {
	return io.MultiReader(bytes.NewReader(data[:off]), bytes.NewReader(data[off:]))
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

func TestUTF16LEReader(t *testing.T) {
	for _, c := range utf16Cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, string(refUTF16LE(c.in)), "reference")
			assert.Equal(t, c.want, string(readAllUTF16LE(t, bytes.NewReader(c.in), 64)))
			// Every cut of the input between two reads.
			for off := 0; off <= len(c.in); off++ {
				assert.Equal(t, c.want, string(readAllUTF16LE(t, splitReader(c.in, off), 64)), "cut at %d", off)
			}
			// One byte per read, and the smallest buffer.
			assert.Equal(t, c.want, string(readAllUTF16LE(t, iotest.OneByteReader(bytes.NewReader(c.in)), 16)))
			// Reads into one, two and three bytes.
			for n := 1; n <= 3; n++ {
				r := newUTF16LEReader(bytes.NewReader(c.in), 16)
				var out []byte
				p := make([]byte, n)
				for {
					k, err := r.Read(p)
					out = append(out, p[:k]...)
					if err == io.EOF {
						break
					}
					require.NoError(t, err)
				}
				assert.Equal(t, c.want, string(out), "reads of %d bytes", n)
			}
		})
	}
}

// A long text whose every character, pair and chunk boundary falls at
// every offset of the reader's buffer and of the reads under it.
func TestUTF16LEReaderChunkBoundaries(t *testing.T) {
	var text []byte
	for i := 0; len(text) < 600; i++ {
		text = append(text, "abcdefghijklmnop"[:i%17]...)
		text = append(text, []string{"é", "資", "😀", "\r\n", "\t"}[i%5]...)
	}
	in := u16le(string(text))
	bad := append(append(append([]byte{}, in[:100]...), 0x00, 0xDC, 0x00, 0xD8, 'x'), in[100:]...)
	wantBad := string(refUTF16LE(bad))
	for bufSize := 16; bufSize <= 40; bufSize++ {
		for off := 0; off <= len(in); off += 1 + off/64 {
			require.Equal(t, string(text), string(readAllUTF16LE(t, splitReader(in, off), bufSize)), "buffer %d, cut at %d", bufSize, off)
			require.Equal(t, wantBad, string(readAllUTF16LE(t, splitReader(bad, min(off, len(bad))), bufSize)), "buffer %d, cut at %d", bufSize, off)
		}
		require.Equal(t, string(text), string(readAllUTF16LE(t, iotest.HalfReader(bytes.NewReader(in)), bufSize)))
	}
	// The converter alone, with every room in dst.
	for room := 0; room <= 40; room++ {
		var out []byte
		src := in
		dst := make([]byte, room)
		for len(src) > 0 {
			nDst, nSrc := utf16LEToUTF8(dst, src, true)
			if nSrc == 0 {
				require.Less(t, room, utf8.UTFMax, "no progress with room %d", room)
				break
			}
			out = append(out, dst[:nDst]...)
			src = src[nSrc:]
		}
		if room >= utf8.UTFMax {
			require.Equal(t, string(text), string(out), "room %d", room)
		}
	}
}

// An error from the reader underneath comes after the bytes before it.
func TestUTF16LEReaderError(t *testing.T) {
	r := newUTF16LEReader(io.MultiReader(bytes.NewReader(u16le("abc")), iotest.ErrReader(io.ErrUnexpectedEOF)), 64)
	out, err := io.ReadAll(r)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, "abc", string(out))
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

func FuzzUTF16LEReader(f *testing.F) {
	for _, c := range utf16Cases {
		f.Add(c.in, uint16(0), uint8(16))
	}
	f.Add(u16le("ROBOCOPY     ::     Robust File Copy for Windows\r\n\t    New File  \t\t     100\tá😀.txt\r\n"), uint16(7), uint8(17))
	f.Fuzz(func(t *testing.T, data []byte, cut uint16, bufSize uint8) {
		got := readAllUTF16LE(t, splitReader(data, int(cut)%(len(data)+1)), int(bufSize))
		require.Equal(t, refUTF16LE(data), got)
		if !lowLowPair(data) {
			require.Equal(t, xtextUTF16LE(t, data), got)
		}
		require.True(t, utf8.Valid(got))
	})
}
