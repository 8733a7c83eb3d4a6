package fakedsh

import (
	"regexp"
	"strings"
)

// PseudoPrefix starts every word Pseudo translates.
const PseudoPrefix = "ÄÖ"

var (
	pseudoPieceRE = regexp.MustCompile(`"[^"]*"|\s+|[^\s"]+|"`)
	pseudoWordRE  = regexp.MustCompile(`[A-Za-z]+`)
	// a token holding one of these is a name, path, code, GUID, %token%,
	// format verb or syntax, never a word a translator changes
	pseudoKeepChars = `\{}%_0123456789[]<>|/=`
)

// Pseudo pseudo-localizes text the way a translation of diskshadow's
// messages would change it: every English word becomes PseudoPrefix and
// the word reversed ("Alias" -> "ÄÖsailA"), while what no translation
// touches is kept as it is: quoted names ("SqlServerWriter", component
// paths), GUIDs, %tokens%, \\?\ volume and device names, drive paths,
// numbers and hex codes, NAMES_WITH_UNDERSCORES (VSS_E_*, VSS_SHADOW_SET,
// attributes), format verbs, a `->` echo, and the words in keep (compared
// without case, e.g. aliases a script set). Line breaks and spacing are
// kept, so Pseudo can translate a whole format string or one output line.
func Pseudo(text string, keep ...string) string {
	if strings.HasPrefix(strings.TrimSpace(text), "->") {
		return text
	}
	var b strings.Builder
	for _, piece := range pseudoPieceRE.FindAllString(text, -1) {
		switch {
		case strings.TrimSpace(piece) == "" || strings.HasPrefix(piece, `"`) || strings.ContainsAny(piece, pseudoKeepChars):
			b.WriteString(piece)
		case keepWord(piece, keep):
			b.WriteString(piece)
		default:
			b.WriteString(pseudoWordRE.ReplaceAllStringFunc(piece, pseudoWord))
		}
	}
	return b.String()
}

func keepWord(piece string, keep []string) bool {
	w := strings.Trim(piece, `.,;:'"()`)
	for _, k := range keep {
		if strings.EqualFold(w, k) {
			return true
		}
	}
	return false
}

func pseudoWord(w string) string {
	r := []rune(w)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return PseudoPrefix + string(r)
}
