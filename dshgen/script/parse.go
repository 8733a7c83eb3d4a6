package script

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vssmirror/vssmirror/internal/utf16text"
)

// Encoding names reported by Parse.
const (
	EncASCII   = "ascii"
	EncUTF8    = "utf-8"
	EncUTF8BOM = "utf-8-bom"
	EncUTF16LE = "utf-16le"
	EncUTF16BE = "utf-16be"
	EncOther   = "non-ascii" // bytes above 0x7F that are not valid UTF-8 (an OEM or ANSI code page)
)

// Line ending styles reported by Parse.
const (
	EOLNone  = "none" // a single line without a line ending
	EOLCRLF  = "crlf"
	EOLLF    = "lf"
	EOLCR    = "cr"
	EOLMixed = "mixed"
)

// ErrBinary is returned by Parse for content that is not a text file.
var ErrBinary = errors.New("not a text file: it holds NUL or other binary bytes")

// MaxScriptSize and MaxScriptLines bound what Parse reads. diskshadow
// scripts hold a few KB (a generated one for 64 volumes about 5 KB and 200
// lines), and a parsed and linted script takes many times its size in
// memory (a 4 MiB file of one-letter lines took 450 MB), so a bigger input
// is refused rather than read.
const (
	MaxScriptSize  = 1 << 20
	MaxScriptLines = 65536
)

// ErrTooLarge is matched (errors.Is) by the error for an input over
// MaxScriptSize bytes or MaxScriptLines lines.
var ErrTooLarge = errors.New("too large for a diskshadow script")

// Script is a parsed diskshadow script.
type Script struct {
	Encoding      string      // one of the Enc* names
	LineEndings   string      // one of the EOL* names
	LFLines       []int       // lines ending in a bare LF (or CR)
	NonASCIILines []int       // lines holding bytes above 0x7F
	Statements    []Statement // every non-blank, non-comment line, in order
	Comments      []Statement // comment lines (Verb "#"), in order

	raw []string // every line as written, without its line ending (index: line-1)
}

// Statement is one command line of a script.
type Statement struct {
	Line   int      // 1-based line number
	Raw    string   // the line as written, without its line ending
	Verb   string   // first keyword, lower case: "set", "add", "expose", ...
	Sub    string   // second keyword for commands that have one ("context", "volume", "shadows", ...), lower case
	Args   []string // the remaining words; quoted words without their quotes
	Quoted []bool   // per word of Args: it was written in double quotes
	Known  bool     // Verb (and Sub, where required) are diskshadow commands
}

// Word returns argument i in lower case, or "" if there is none.
func (s Statement) Word(i int) string {
	if i < len(s.Args) {
		return strings.ToLower(s.Args[i])
	}
	return ""
}

// verbs maps every diskshadow command to its subcommands; nil means the
// command takes none (Microsoft Learn, diskshadow command reference; add
// shadow and resync are the LUN resynchronization commands of Windows
// Server 2008 R2 and later, in diskshadow's own help but not on Learn).
var verbs = map[string][]string{
	"set":      {"context", "option", "verbose", "metadata"},
	"load":     {"metadata"},
	"writer":   {"verify", "exclude"},
	"begin":    {"backup", "restore"},
	"end":      {"backup", "restore"},
	"add":      {"volume", "alias", "shadow"},
	"resync":   nil,
	"create":   nil,
	"expose":   nil,
	"unexpose": nil,
	"exec":     nil,
	"list":     {"writers", "shadows", "providers"},
	"delete":   {"shadows"},
	"import":   nil,
	"mask":     nil,
	"break":    nil,
	"revert":   nil,
	"reset":    nil,
	"exit":     nil,
	"help":     nil,
	"?":        nil,
}

// Parse reads a whole diskshadow script and splits it into statements. It
// never fails on odd text: encoding and line-ending problems are reported
// in the Script for the linter to judge. Only content that is not text at
// all (NUL bytes outside UTF-16) returns ErrBinary, and an input of more
// than MaxScriptSize bytes or MaxScriptLines lines an error matching
// ErrTooLarge (Parse reads no more than one byte beyond the size limit).
func Parse(r io.Reader) (*Script, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxScriptSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxScriptSize {
		return nil, fmt.Errorf("%w: more than 1 MiB (a script holds a few KB)", ErrTooLarge)
	}
	s := &Script{Encoding: EncASCII}
	text, err := decodeText(data, s)
	if err != nil {
		return nil, err
	}
	if err := s.splitLines(text); err != nil {
		return nil, err
	}
	return s, nil
}

// decodeText detects the encoding and returns the text as a string.
func decodeText(data []byte, s *Script) (string, error) {
	if text, bigEndian, ok := utf16text.Decode(data); ok {
		s.Encoding = EncUTF16LE
		if bigEndian {
			s.Encoding = EncUTF16BE
		}
		return text, nil
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		s.Encoding = EncUTF8BOM
		data = data[3:]
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", ErrBinary
	}
	ctl := 0
	for _, b := range data {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1a {
			ctl++
		}
	}
	if ctl > 0 && ctl*20 > len(data) {
		return "", ErrBinary
	}
	if s.Encoding == EncASCII {
		for _, b := range data {
			if b >= 0x80 {
				s.Encoding = EncUTF8
				if !isValidUTF8(data) {
					s.Encoding = EncOther
				}
				break
			}
		}
	}
	return string(data), nil
}

func isValidUTF8(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }

func (s *Script) splitLines(text string) error {
	crlf, lf, cr := 0, 0, 0
	line := 1
	for len(text) > 0 {
		if line > MaxScriptLines {
			return fmt.Errorf("%w: more than %d lines (a script holds a few hundred)", ErrTooLarge, MaxScriptLines)
		}
		i := strings.IndexAny(text, "\r\n")
		var l string
		switch {
		case i < 0:
			l, text = text, ""
		case text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n':
			l, text = text[:i], text[i+2:]
			crlf++
		case text[i] == '\r':
			l, text = text[:i], text[i+1:]
			cr++
			s.LFLines = append(s.LFLines, line)
		default:
			l, text = text[:i], text[i+1:]
			lf++
			s.LFLines = append(s.LFLines, line)
		}
		s.raw = append(s.raw, l)
		s.addLine(line, l)
		line++
	}
	switch {
	case crlf+lf+cr == 0:
		s.LineEndings = EOLNone
	case lf == 0 && cr == 0:
		s.LineEndings = EOLCRLF
	case crlf == 0 && cr == 0:
		s.LineEndings = EOLLF
	case crlf == 0 && lf == 0:
		s.LineEndings = EOLCR
	default:
		s.LineEndings = EOLMixed
	}
	return nil
}

func (s *Script) addLine(n int, raw string) {
	for i := 0; i < len(raw); i++ {
		if raw[i] >= 0x80 {
			s.NonASCIILines = append(s.NonASCIILines, n)
			break
		}
	}
	trimmed := strings.TrimSpace(strings.TrimLeft(raw, "\ufeff"))
	if trimmed == "" {
		return
	}
	if strings.HasPrefix(trimmed, "#") {
		s.Comments = append(s.Comments, Statement{Line: n, Raw: raw, Verb: "#", Args: []string{strings.TrimSpace(trimmed[1:])}})
		return
	}
	words, quoted := tokenize(trimmed)
	st := Statement{Line: n, Raw: raw, Verb: strings.ToLower(words[0])}
	words, quoted = words[1:], quoted[1:]
	subs, known := verbs[st.Verb]
	st.Known = known
	if known && subs != nil {
		if len(words) > 0 && slices.Contains(subs, strings.ToLower(words[0])) {
			st.Sub = strings.ToLower(words[0])
			words, quoted = words[1:], quoted[1:]
		} else {
			st.Known = false
			if len(words) > 0 {
				st.Sub = strings.ToLower(words[0])
				words, quoted = words[1:], quoted[1:]
			}
		}
	}
	st.Args, st.Quoted = words, quoted
	s.Statements = append(s.Statements, st)
}

// tokenize splits a line into words on spaces and tabs; a double-quoted
// part is one word without its quotes, and quoted tells which words held
// one.
func tokenize(line string) (words []string, quoted []bool) {
	var cur strings.Builder
	inq, have, q := false, false, false
	for _, r := range line {
		switch {
		case r == '"':
			inq = !inq
			have, q = true, true
		case (r == ' ' || r == '\t') && !inq:
			if have {
				words, quoted = append(words, cur.String()), append(quoted, q)
				cur.Reset()
				have, q = false, false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		words, quoted = append(words, cur.String()), append(quoted, q)
	}
	return words, quoted
}

// String returns the statement's command as written in diskshadow's
// grammar, e.g. "set context" or "expose".
func (s Statement) String() string {
	if s.Sub != "" {
		return fmt.Sprintf("%s %s", s.Verb, s.Sub)
	}
	return s.Verb
}

// AsRead returns the script as diskshadow reads it: every line that ends
// in a bare LF (or CR) loses its last character, because diskshadow takes
// the character before the line feed for the carriage return it expects
// (docs/WINDOWS.md: `-> end backu` in real logs). A script without such
// lines is returned unchanged. The result keeps the original's encoding
// and line numbers; its LineEndings are those diskshadow acts on (CRLF).
func (s *Script) AsRead() *Script {
	if len(s.LFLines) == 0 {
		return s
	}
	r := &Script{Encoding: s.Encoding, LineEndings: EOLCRLF, NonASCIILines: s.NonASCIILines}
	cut := map[int]bool{}
	for _, n := range s.LFLines {
		cut[n] = true
	}
	for i, l := range s.raw {
		n := i + 1
		if cut[n] && l != "" {
			_, size := utf8.DecodeLastRuneInString(l)
			l = l[:len(l)-size]
		}
		r.raw = append(r.raw, l)
		r.addLine(n, l)
	}
	return r
}

// Line returns line n (1-based) as written, without its line ending, or ""
// beyond the end.
func (s *Script) Line(n int) string {
	if n >= 1 && n <= len(s.raw) {
		return s.raw[n-1]
	}
	return ""
}
