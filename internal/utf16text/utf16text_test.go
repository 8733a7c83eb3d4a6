package utf16text

import (
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
)

func TestRoundTrip(t *testing.T) {
	for _, s := range []string{"", "abc\r\n", "Zürich € 日本 😀"} {
		b := EncodeLE(s)
		assert.Equal(t, BOMLE, b[:2])
		got, be, ok := Decode(b)
		assert.True(t, ok)
		assert.False(t, be)
		assert.Equal(t, s, got)
	}
}

func TestDecodeBigEndianAndOddLength(t *testing.T) {
	got, be, ok := Decode([]byte{0xFE, 0xFF, 0x00, 'h', 0x00, 'i', 0x00})
	assert.True(t, ok)
	assert.True(t, be)
	assert.Equal(t, "hi", got)
	_, _, ok = Decode([]byte("plain"))
	assert.False(t, ok)
}

func TestLen(t *testing.T) {
	for s, want := range map[string]int{
		"":         0,
		"abc":      3,
		"Zürich €": 8, // two and three UTF-8 bytes, one unit each
		"日本":       2,
		"😀":        2, // outside the BMP: a surrogate pair
		"a😀b":      4,
		"\xff\xfe": 2, // invalid UTF-8: one U+FFFD each
	} {
		assert.Equal(t, want, Len(s), "%q", s)
		assert.Equal(t, len(utf16.Encode([]rune(s))), Len(s), "%q", s)
	}
}
