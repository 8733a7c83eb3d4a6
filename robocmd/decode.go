package robocmd

import (
	"fmt"
	"sort"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// codePages are the OEM code pages robocopy's /LOG may be written in, in
// the order preferred when two explain the bytes equally well.
// ANSI code pages (1250-1252) are accepted by --codepage but never guessed:
// robocopy's /LOG writes the OEM code page.
var codePages = []struct {
	id    int
	enc   encoding.Encoding
	guess bool
}{
	{850, charmap.CodePage850, true},
	{437, charmap.CodePage437, true},
	{866, charmap.CodePage866, true},
	{852, charmap.CodePage852, true},
	{936, simplifiedchinese.GBK, true},
	{932, japanese.ShiftJIS, true},
	{949, korean.EUCKR, true},
	{950, traditionalchinese.Big5, true},
	{1250, charmap.Windows1250, false},
	{1251, charmap.Windows1251, false},
	{1252, charmap.Windows1252, false},
}

// CodePages lists the code page numbers --codepage accepts.
func CodePages() []int {
	ids := make([]int, len(codePages))
	for i, c := range codePages {
		ids[i] = c.id
	}
	sort.Ints(ids)
	return ids
}

func codePage(id int) (encoding.Encoding, error) {
	for _, c := range codePages {
		if c.id == id {
			return c.enc, nil
		}
	}
	return nil, fmt.Errorf("code page %d is not supported; use one of %v", id, CodePages())
}

// guessCodePage picks the code page under which the non-UTF-8 lines read
// most like text: letters of one script with natural letter case, few
// symbols, box-drawing characters or undecodable bytes.
func guessCodePage(lines [][]byte) int {
	best, bestScore := 850, -1e18
	for _, c := range codePages {
		if !c.guess {
			continue
		}
		var score float64
		dec := c.enc.NewDecoder()
		for _, l := range lines {
			out, err := dec.Bytes(l)
			if err != nil {
				score -= 1000
				continue
			}
			score += textScore(out, c.id)
		}
		if score > bestScore {
			best, bestScore = c.id, score
		}
	}
	return best
}

// textScore rates how plausible decoded text is; higher is better.
func textScore(b []byte, cp int) float64 {
	var score float64
	scripts := map[string]int{}
	prevLower := false
	letters := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if r < 0x80 {
			prevLower = unicode.IsLower(r)
			continue
		}
		switch {
		case r == utf8.RuneError || r == '\uFFFD' || unicode.Is(unicode.Co, r):
			score -= 20
		case r >= 0xFF61 && r <= 0xFF9F: // half-width katakana: rare in logs
			score -= 3
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			score += 2.4 // one character from two bytes: as much per byte as a letter
			letters++
			scripts[scriptOf(r)]++
		case unicode.IsLetter(r):
			score += 1.2
			letters++
			scripts[scriptOf(r)]++
			if prevLower && unicode.IsUpper(r) {
				score -= 3
			}
		case r == 0xA0 || r == 0x202F || unicode.IsPunct(r):
			// grouping spaces and punctuation are neutral
		case r >= 0x2500 && r <= 0x259F, unicode.IsControl(r):
			score -= 5
		default:
			score -= 2
		}
		prevLower = unicode.IsLower(r)
	}
	// Text is written in one script: reward the dominant one.
	maxScript := 0
	for _, n := range scripts {
		maxScript = max(maxScript, n)
	}
	score -= float64(letters-maxScript) * 1.5
	return score
}

func scriptOf(r rune) string {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
		return "CJK"
	case unicode.Is(unicode.Latin, r):
		return "Latin"
	case unicode.Is(unicode.Cyrillic, r):
		return "Cyrillic"
	case unicode.Is(unicode.Greek, r):
		return "Greek"
	}
	return "other"
}
