package output

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// quoteClosers maps each opening quote a translation of diskshadow may put
// around a name to the quotes that close it: "…" (English), „…“ and „…”
// (German, Polish), “…” (typographic English), ”…” (Swedish), «…» and
// »…« (French, German), ‹…› and ›…‹, '…', ‘…’ and ‚…‘, 「…」 and 『…』
// (Japanese, Chinese).
var quoteClosers = map[rune]string{
	'"':      `"`,
	'\u201e': "\u201c\u201d", // „ -> “ ”
	'\u201c': "\u201d",       // “ -> ”
	'\u201d': "\u201d",       // ” -> ”
	'\u00ab': "\u00bb",       // « -> »
	'\u00bb': "\u00ab",       // » -> «
	'\u2039': "\u203a",       // ‹ -> ›
	'\u203a': "\u2039",       // › -> ‹
	'\'':     "'",
	'\u2018': "\u2019",       // ‘ -> ’
	'\u201a': "\u2018\u2019", // ‚ -> ‘ ’
	'\u300c': "\u300d",       // 「 -> 」
	'\u300e': "\u300f",       // 『 -> 』
}

// apostrophes are quotes that also stand inside words (l'enregistreur,
// l’enregistreur, dell'writer): one of them opens a name only after a
// character that is not a letter or digit, and closes it only before one.
const apostrophes = "'\u2018\u2019\u201a"

// quoted is one name in quotes: its text without the quotes (and the
// spaces a French translation puts inside « »), and where the quotes are.
type quoted struct {
	text       string
	start, end int // byte offsets of the opening quote and just past the closing one
}

// quotedNames returns the names in quotes on a line, left to right, in any
// of the quote styles of quoteClosers. An opening quote without its
// closing one is no name.
func quotedNames(line string) []quoted {
	var out []quoted
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		closers, ok := quoteClosers[r]
		if !ok || strings.ContainsRune(apostrophes, r) && wordRune(lastRune(line[:i])) {
			i += size
			continue
		}
		end := -1
		for j := i + size; j < len(line); {
			c, csize := utf8.DecodeRuneInString(line[j:])
			if strings.ContainsRune(closers, c) && (!strings.ContainsRune(apostrophes, c) || !wordRune(firstRune(line[j+csize:]))) {
				end = j
				break
			}
			j += csize
		}
		if end < 0 {
			i += size
			continue
		}
		_, csize := utf8.DecodeRuneInString(line[end:])
		out = append(out, quoted{text: strings.TrimSpace(line[i+size : end]), start: i, end: end + csize})
		i = end + csize
	}
	return out
}

// stripQuoted replaces every name in quotes with a space.
func stripQuoted(line string) string {
	q := quotedNames(line)
	if len(q) == 0 {
		return line
	}
	var b strings.Builder
	last := 0
	for _, n := range q {
		b.WriteString(line[last:n.start])
		b.WriteByte(' ')
		last = n.end
	}
	b.WriteString(line[last:])
	return b.String()
}

// isQuote reports whether r opens or closes a name in one of the quote
// styles of quoteClosers.
func isQuote(r rune) bool {
	if _, ok := quoteClosers[r]; ok {
		return true
	}
	for _, c := range quoteClosers {
		if strings.ContainsRune(c, r) {
			return true
		}
	}
	return false
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
