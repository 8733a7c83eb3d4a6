package robocmd

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// UTF16LELines splits UTF-16LE bytes (a robocopy /UNILOG, its byte order
// mark already skipped) into UTF-8 lines in one pass: each code unit is
// read once, converted and checked for a line end at the same time, eight
// ASCII code units at a time. Bytes come in chunks of any size (Feed); a
// code unit or a surrogate pair cut by the end of a chunk is kept for the
// next one, and so is the line being read. A surrogate pair is one
// character; an unpaired surrogate, or an odd byte at the end, reads as
// U+FFFD. A line longer than 64 KiB is cut (no path is that long); memory
// stays at one line buffer whatever the input.
//
// ParseLog reads /UNILOG logs through it; robocmd/follow reads the logs of
// a running robocopy through it, chunk by chunk as they grow.
type UTF16LELines struct {
	buf   []byte  // the line being read, as UTF-8; max bytes and slack for one block
	max   int     // longer lines are cut
	n     int     // bytes of buf in use
	cr    int     // CRs in buf[:n]
	carry [4]byte // bytes of a code unit or a pair cut by the end of a chunk
	nc    int
}

// lineSlack is room past the longest line for the fast path's eight-byte writes and
// one character of the slow path.
const lineSlack = 16

// NewUTF16LELines returns a decoder at the start of a line.
func NewUTF16LELines() *UTF16LELines {
	return newUTF16LELinesMax(maxLine)
}

// newUTF16LELinesMax returns a decoder that cuts lines at max bytes.
func newUTF16LELinesMax(max int) *UTF16LELines {
	return &UTF16LELines{buf: make([]byte, max+lineSlack), max: max}
}

// Feed decodes p and calls fn for each line it completes: the line's UTF-8
// bytes without its LF and without a CR just before it; cr says whether
// CRs are left inside the line (robocopy's progress output). The bytes
// belong to the decoder and are overwritten after fn returns.
func (d *UTF16LELines) Feed(p []byte, fn func(line []byte, cr bool)) {
	for d.nc > 0 && len(p) > 0 {
		// Finish the code unit or pair the last chunk cut.
		m := copy(d.carry[d.nc:], p)
		total := d.nc + m
		c := d.decode(d.carry[:total], false, fn)
		if c == 0 {
			d.nc = total // still incomplete: p was too short
			return
		}
		if c >= d.nc {
			p = p[c-d.nc:]
			d.nc = 0
			break
		}
		d.nc = copy(d.carry[:], d.carry[c:d.nc])
	}
	c := d.decode(p, false, fn)
	d.nc += copy(d.carry[d.nc:], p[c:])
}

// Flush ends the input: a code unit or pair left incomplete reads as
// U+FFFD, and a last line without a line end is passed to fn.
func (d *UTF16LELines) Flush(fn func(line []byte, cr bool)) {
	if d.nc > 0 {
		if c := d.decode(d.carry[:d.nc], true, fn); c < d.nc {
			d.put(utf8.RuneError) // an odd last byte
		}
		d.nc = 0
	}
	if d.n > 0 {
		d.emit(fn)
	}
}

// Reset drops the line being read and any cut code unit.
func (d *UTF16LELines) Reset() {
	d.n, d.cr, d.nc = 0, 0, 0
}

func (d *UTF16LELines) emit(fn func([]byte, bool)) {
	line := d.buf[:d.n]
	if d.n > 0 && line[d.n-1] == '\r' {
		line = line[:d.n-1]
		d.cr--
	}
	cr := d.cr > 0
	d.n, d.cr = 0, 0
	fn(line, cr)
}

// put appends r to the line, unless the line is already cut.
func (d *UTF16LELines) put(r rune) {
	if d.n < d.max {
		d.n += utf8.EncodeRune(d.buf[d.n:], r)
	}
}

// Masks of the fast path: a code unit above 0x7F in any of four lanes;
// one in every byte of a packed word.
const (
	nonASCII16 = 0xFF80FF80FF80FF80
	ones8      = 0x0101010101010101
	highs8     = 0x8080808080808080
)

// decode converts src as far as it can and returns the bytes it read: all
// of them, but for a code unit or a pair src holds only part of (unless
// atEOF, where a lone last byte is left for Flush).
func (d *UTF16LELines) decode(src []byte, atEOF bool, fn func([]byte, bool)) int {
	i := 0
	for {
		// Eight ASCII code units (16 bytes) without CR or LF make
		// eight bytes of the line.
		for i+16 <= len(src) {
			a := binary.LittleEndian.Uint64(src[i:])
			b := binary.LittleEndian.Uint64(src[i+8:])
			if (a|b)&nonASCII16 != 0 {
				break
			}
			a = (a | a>>8) & 0x0000FFFF0000FFFF
			a = (a | a>>16) & 0xFFFFFFFF
			b = (b | b>>8) & 0x0000FFFF0000FFFF
			b = (b | b>>16) & 0xFFFFFFFF
			w := a | b<<32
			lf, cr := w^(ones8*'\n'), w^(ones8*'\r')
			if m := ((lf-ones8)&^lf | (cr-ones8)&^cr) & highs8; m != 0 {
				// A CR or LF in the block: the lowest flagged byte is
				// the first (a borrow only flags bytes above a match).
				// The characters before it are taken here, the CR or
				// LF below.
				k := bits.TrailingZeros64(m) / 8
				if d.n < d.max {
					binary.LittleEndian.PutUint64(d.buf[d.n:], w)
					d.n = min(d.n+k, d.max)
				}
				i += 2 * k
				break
			}
			if d.n < d.max {
				binary.LittleEndian.PutUint64(d.buf[d.n:], w)
				d.n = min(d.n+8, d.max)
			}
			i += 16
		}
		if len(src)-i < 2 {
			return i
		}
		c := rune(src[i]) | rune(src[i+1])<<8
		switch {
		case c == '\n':
			d.emit(fn)
			i += 2
		case c < 0x80:
			if d.n < d.max {
				if c == '\r' {
					d.cr++
				}
				d.buf[d.n] = byte(c)
				d.n++
			}
			i += 2
		case c < 0xD800 || c >= 0xDC00:
			// A character of the BMP, or an unpaired low surrogate
			// (EncodeRune writes U+FFFD for a surrogate).
			d.put(c)
			i += 2
		default: // a high surrogate
			if len(src)-i < 4 {
				if !atEOF {
					return i
				}
				d.put(utf8.RuneError)
				i += 2
				continue
			}
			c2 := rune(src[i+2]) | rune(src[i+3])<<8
			if c2 >= 0xDC00 && c2 < 0xE000 {
				d.put(0x10000 + (c-0xD800)<<10 + (c2 - 0xDC00))
				i += 4
				continue
			}
			d.put(utf8.RuneError)
			i += 2
		}
	}
}
