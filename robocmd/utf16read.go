package robocmd

import (
	"encoding/binary"
	"io"
	"unicode/utf8"
)

// utf16LEReader reads UTF-16LE (a robocopy /UNILOG, its byte order mark
// already skipped) as UTF-8, converting large chunks with a loop that
// handles eight ASCII code units at a time. A surrogate pair is one
// character; an unpaired surrogate, or an odd byte at the end, reads as
// U+FFFD. A code unit or a pair cut by the end of a read is kept for the
// next one.
type utf16LEReader struct {
	r            io.Reader
	buf          []byte // raw UTF-16LE; buf[lo:hi] is not converted yet
	lo, hi       int
	err          error   // from r: once set, buf[lo:hi] is all that is left
	out          [4]byte // a character converted for a Read too short for it
	outLo, outHi int
}

func newUTF16LEReader(r io.Reader, size int) *utf16LEReader {
	return &utf16LEReader{r: r, buf: make([]byte, max(size, 16))}
}

func (u *utf16LEReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if u.outLo < u.outHi {
		n := copy(p, u.out[u.outLo:u.outHi])
		u.outLo += n
		return n, nil
	}
	for {
		if u.lo < u.hi {
			atEOF := u.err != nil
			if len(p) >= utf8.UTFMax {
				nDst, nSrc := utf16LEToUTF8(p, u.buf[u.lo:u.hi], atEOF)
				u.lo += nSrc
				if nDst > 0 {
					return nDst, nil
				}
			} else {
				nDst, nSrc := utf16LEToUTF8(u.out[:], u.buf[u.lo:u.hi], atEOF)
				u.lo += nSrc
				if nDst > 0 {
					n := copy(p, u.out[:nDst])
					u.outLo, u.outHi = n, nDst
					return n, nil
				}
			}
			// Only part of a code unit or of a pair is left: read more.
		}
		if u.err != nil {
			return 0, u.err
		}
		if u.lo > 0 {
			u.hi = copy(u.buf, u.buf[u.lo:u.hi])
			u.lo = 0
		}
		n, err := u.r.Read(u.buf[u.hi:])
		u.hi += n
		if err != nil {
			u.err = err
		}
	}
}

// utf16LEToUTF8 converts UTF-16LE src into dst as far as both allow and
// returns the bytes written and read. Unless atEOF, it stops before a code
// unit or a surrogate pair that src holds only part of; at EOF, an
// unpaired surrogate or a lone last byte becomes U+FFFD.
func utf16LEToUTF8(dst, src []byte, atEOF bool) (nDst, nSrc int) {
	for {
		// Eight ASCII code units (16 bytes) make eight bytes.
		for nSrc+16 <= len(src) && nDst+8 <= len(dst) {
			a := binary.LittleEndian.Uint64(src[nSrc:])
			b := binary.LittleEndian.Uint64(src[nSrc+8:])
			if (a|b)&0xFF80FF80FF80FF80 != 0 {
				break
			}
			a = (a | a>>8) & 0x0000FFFF0000FFFF
			a = (a | a>>16) & 0xFFFFFFFF
			b = (b | b>>8) & 0x0000FFFF0000FFFF
			b = (b | b>>16) & 0xFFFFFFFF
			binary.LittleEndian.PutUint64(dst[nDst:], a|b<<32)
			nSrc += 16
			nDst += 8
		}
		if len(src)-nSrc < 2 {
			if atEOF && nSrc < len(src) && len(dst)-nDst >= 3 {
				nDst += utf8.EncodeRune(dst[nDst:], utf8.RuneError) // odd last byte
				nSrc++
			}
			return nDst, nSrc
		}
		c := rune(src[nSrc]) | rune(src[nSrc+1])<<8
		room := len(dst) - nDst
		switch {
		case c < 0x80:
			if room < 1 {
				return nDst, nSrc
			}
			dst[nDst] = byte(c)
			nDst++
			nSrc += 2
		case c < 0xD800 || c >= 0xDC00:
			// A character of the BMP, or an unpaired low surrogate
			// (EncodeRune writes U+FFFD for a surrogate).
			if room < 3 {
				return nDst, nSrc
			}
			nDst += utf8.EncodeRune(dst[nDst:], c)
			nSrc += 2
		default: // a high surrogate
			if len(src)-nSrc < 4 && !atEOF {
				return nDst, nSrc
			}
			if len(src)-nSrc >= 4 {
				c2 := rune(src[nSrc+2]) | rune(src[nSrc+3])<<8
				if c2 >= 0xDC00 && c2 < 0xE000 {
					if room < 4 {
						return nDst, nSrc
					}
					nDst += utf8.EncodeRune(dst[nDst:], 0x10000+(c-0xD800)<<10+(c2-0xDC00))
					nSrc += 4
					continue
				}
			}
			if room < 3 {
				return nDst, nSrc
			}
			nDst += utf8.EncodeRune(dst[nDst:], utf8.RuneError)
			nSrc += 2
		}
	}
}
