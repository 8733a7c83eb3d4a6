// Package utf16text reads and writes the UTF-16 text Windows tools use
// (robocopy /UNILOG, Task Scheduler XML, scripts saved as "Unicode") with
// golang.org/x/text, so no part of vssmirror hand-rolls the encoding.
package utf16text

import (
	"bytes"
	"unicode/utf16"

	"golang.org/x/text/encoding/unicode"
)

// BOMs of UTF-16 little and big endian.
var (
	BOMLE = []byte{0xFF, 0xFE}
	BOMBE = []byte{0xFE, 0xFF}
)

// EncodeLE returns s as UTF-16LE with a byte order mark, the form Windows
// calls "Unicode".
func EncodeLE(s string) []byte {
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil { // only invalid UTF-8 can fail; it is replaced, never dropped
		b, _ = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(bytes.ToValidUTF8([]byte(s), []byte("\uFFFD")))
	}
	return b
}

// Decode returns the text of data when it starts with a UTF-16 byte order
// mark (little or big endian), and whether it did. A trailing odd byte is
// dropped; invalid surrogates become U+FFFD.
func Decode(data []byte) (text string, bigEndian, ok bool) {
	var order unicode.Endianness
	switch {
	case bytes.HasPrefix(data, BOMLE):
		order = unicode.LittleEndian
	case bytes.HasPrefix(data, BOMBE):
		order, bigEndian = unicode.BigEndian, true
	default:
		return "", false, false
	}
	data = data[:len(data)&^1]
	out, _ := unicode.UTF16(order, unicode.ExpectBOM).NewDecoder().Bytes(data)
	return string(out), bigEndian, true
}

// Len returns the length of s in UTF-16 code units, which is what Windows
// counts (cmd.exe's line limit, an event's text): a character outside the
// Basic Multilingual Plane (an emoji, rare CJK) takes two, every other one,
// and every byte of invalid UTF-8 (which becomes U+FFFD), one.
func Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
