package job

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/vssmirror/vssmirror/internal/suggest"
	"github.com/vssmirror/vssmirror/internal/utf16text"
)

// Problem is one thing wrong with a job file.
type Problem struct {
	Line    int    // 1-based line in the file, 0 when unknown
	Field   string // field path, e.g. "sources[1].path"; empty for the whole file
	Message string // what is wrong and what to do
}

// Error is returned by Load and Validate when a job file has problems. It
// lists all of them, in file order.
type Error struct {
	File     string
	Problems []Problem
}

// Error implements error: one line per problem, as file:line: field: message.
func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
		if p.Field != "" {
			b.WriteString(p.Field)
			b.WriteString(": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// ErrInvalid is matched (errors.Is) by every *Error.
var ErrInvalid = errors.New("invalid job file")

// Is lets errors.Is(err, ErrInvalid) match a job *Error.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// MaxFileSize is the largest job file Load reads: a job of a hundred
// sources takes a few KB, so anything near the limit is the wrong file (or
// /dev/zero), and reading it would only exhaust memory.
const MaxFileSize = 1 << 20

// Load reads, decodes and validates the job file at path. Only a regular
// file (or a link to one) of at most MaxFileSize bytes is read; anything
// else is refused as an invalid job file before it is read.
func Load(path string) (*Job, error) {
	// Stat before opening: opening a FIFO would block until a writer comes.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading job file: %w", err)
	}
	if p := checkJobFile(path, fi); p != nil {
		return nil, p
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading job file: %w", err)
	}
	defer f.Close()
	// Again on the open file, in case path was replaced in between.
	if fi, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("reading job file: %w", err)
	}
	if p := checkJobFile(path, fi); p != nil {
		return nil, p
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading job file: %w", err)
	}
	if len(data) > MaxFileSize { // it grew since Stat
		return nil, tooBig(path, int64(len(data)))
	}
	return Parse(path, data)
}

// checkJobFile refuses what is not a regular file of at most MaxFileSize.
func checkJobFile(path string, fi os.FileInfo) error {
	if !fi.Mode().IsRegular() {
		kind := "not a regular file"
		switch m := fi.Mode(); {
		case m.IsDir():
			kind = "a folder"
		case m&os.ModeDevice != 0:
			kind = "a device"
		case m&os.ModeNamedPipe != 0:
			kind = "a named pipe"
		case m&os.ModeSocket != 0:
			kind = "a socket"
		}
		return &Error{File: path, Problems: []Problem{{Message: "is " + kind + ", not a job file; give the path of a YAML job file"}}}
	}
	if fi.Size() > MaxFileSize {
		return tooBig(path, fi.Size())
	}
	return nil
}

func tooBig(path string, size int64) error {
	return &Error{File: path, Problems: []Problem{{Message: fmt.Sprintf("the file holds %d bytes, more than the 1 MiB a job file may have (a job file of a hundred sources takes a few KB); is it the right file?", size)}}}
}

// Parse decodes and validates a job file's content; name is used in
// messages. Every problem found is reported in one *Error.
func Parse(name string, data []byte) (*Job, error) {
	j := Defaults()
	j.File = name
	j.lines = map[string]int{}
	j.escapes = map[string]escape{}
	d := &decoder{lines: j.lines, escapes: j.escapes, src: data}

	// Notepad's "Unicode" (UTF-16 with a byte order mark) is read as such.
	if text, _, ok := utf16text.Decode(data); ok {
		data = []byte(text)
		d.src = data
	}
	if p, ok := checkEncoding(data); !ok {
		return nil, &Error{File: name, Problems: []Problem{p}}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: name, Problems: []Problem{{Message: "the file is empty; start from `vssmirror init`"}}}
		}
		return nil, &Error{File: name, Problems: []Problem{yamlProblem(err, data)}}
	}
	// A second document, even a broken one, is refused: it would be
	// ignored, and whatever was meant to be in it with it.
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := secondDocumentLine(data, doc.Line)
		if line == 0 {
			line = extra.Line
		}
		return nil, &Error{File: name, Problems: []Problem{{Line: line, Message: "the file holds more than one YAML document (a second one starts here); a job file holds exactly one: remove the '---' and what follows, or merge it into the first"}}}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	d.decode(root, reflect.ValueOf(&j).Elem(), "")
	if len(d.problems) == 0 {
		d.problems = append(d.problems, j.validate()...)
	}
	if len(d.problems) > 0 {
		sort.SliceStable(d.problems, func(a, b int) bool { return d.problems[a].Line < d.problems[b].Line })
		return nil, &Error{File: name, Problems: d.problems}
	}
	return &j, nil
}

// checkEncoding refuses NUL bytes (UTF-16 without a byte order mark, or
// not a text file) so that the message says what to do rather than what
// the YAML parser trips over. UTF-16 with a byte order mark was decoded
// before.
func checkEncoding(data []byte) (Problem, bool) {
	switch {
	case bytes.IndexByte(data, 0) >= 0:
		line := 1 + bytes.Count(data[:bytes.IndexByte(data, 0)], []byte{'\n'})
		return Problem{Line: line, Message: "the file holds NUL bytes (UTF-16 without a byte order mark, or not a text file); save the file as UTF-8"}, false
	}
	return Problem{}, true
}

// lineAt returns line n (1-based) of data without its line ending.
func lineAt(data []byte, n int) (string, bool) {
	for i := 1; len(data) > 0; i++ {
		l, rest, _ := bytes.Cut(data, []byte{'\n'})
		if i == n {
			return strings.TrimSuffix(string(l), "\r"), true
		}
		data = rest
	}
	return "", false
}

// isMarker reports whether line is a YAML document marker: "---" or "..."
// at the start of the line, followed by nothing or white space.
func isMarker(line, marker string) bool {
	rest, ok := strings.CutPrefix(line, marker)
	return ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t')
}

// secondDocumentLine finds where a second document starts: the first
// "---" after the first document's start line, or the first content line
// after a "..." there. Document markers cannot occur inside a YAML value,
// so a line scan is exact. 0 when not found.
func secondDocumentLine(data []byte, first int) int {
	ended := false
	n := 0
	for len(data) > 0 {
		var l []byte
		l, data, _ = bytes.Cut(data, []byte{'\n'})
		n++
		line := strings.TrimSuffix(string(l), "\r")
		if n <= first {
			continue
		}
		switch t := strings.TrimSpace(line); {
		case isMarker(line, "---"):
			return n
		case isMarker(line, "..."):
			ended = true
		case ended && t != "" && !strings.HasPrefix(t, "#"):
			return n
		}
	}
	return 0
}

// yamlProblem turns a YAML syntax error into a Problem with its line, and
// a hint for the usual causes: a tab in the indentation, and a Windows
// path in double quotes.
func yamlProblem(err error, data []byte) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ":"); ok {
			if v, err := strconv.Atoi(n); err == nil {
				line, msg = v, strings.TrimSpace(after)
			}
		}
	}
	text, _ := lineAt(data, line)
	hint := ""
	switch indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]; {
	case strings.Contains(indent, "\t"):
		hint = fmt.Sprintf("; line %d is indented with a tab; YAML forbids tabs for indentation: use spaces", line)
	case strings.Contains(msg, "escape"):
		example := `'D:\Shares'`
		if q := strings.Index(text, `"`); q >= 0 && !strings.Contains(text, "password") {
			if raw, ok := quotedRaw(text[q:]); ok {
				example = singleQuoted(raw)
			}
		}
		hint = ` (in double quotes YAML reads \ as the start of an escape: use single quotes for Windows paths, ` + example + `)`
	case strings.Contains(msg, "cannot start any token") && strings.Contains(text, "\t"):
		hint = fmt.Sprintf("; line %d holds a tab; YAML forbids tabs for indentation: use spaces", line)
	}
	return Problem{Line: line, Message: "YAML syntax: " + msg + hint}
}

// secretFields are the fields whose value no message shows: a password
// typed into password_env (instead of the name of the variable holding
// it) must not end up on a console, in a log or in a scheduled task's
// history.
var secretFields = map[string]bool{"notify.email.password_env": true}

const passwordEnvMsg = "must name an environment variable ([A-Za-z_][A-Za-z0-9_]*), not hold the password; the value is not shown"

// nodeDecoder is a field type that decodes its own YAML node; it returns
// a message for a bad value.
type nodeDecoder interface {
	decodeNode(n *yaml.Node) string
}

type decoder struct {
	lines    map[string]int
	escapes  map[string]escape
	src      []byte // the file, to read double-quoted values as written
	starts   []int  // offsets of the lines of src, made when first needed
	problems []Problem
}

func (d *decoder) add(n *yaml.Node, path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if e, ok := d.escapes[path]; ok {
		msg += e.hint()
	}
	d.problems = append(d.problems, Problem{Line: n.Line, Field: path, Message: msg})
}

// escape is a double-quoted value written with a backslash escape other
// than \\ and \" (a Windows path in double quotes, most likely): YAML
// read "E:\b" as E: and a backspace.
type escape struct {
	seq   string // the first such escape as written, e.g. `\b`
	raw   string // the value as written between the quotes
	value string // the value as YAML read it
}

// hint is appended to a problem of the value.
func (e escape) hint() string {
	return fmt.Sprintf(" (in double quotes YAML reads %s as an escape: use single quotes, %s)", e.seq, singleQuoted(e.raw))
}

// singleQuoted writes raw, a double-quoted value as written, as the
// single-quoted value that was most likely meant: \\ and \" become \ and
// ", other backslashes stay, ' is doubled, line breaks are joined.
func singleQuoted(raw string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < len(raw) && (raw[i+1] == '\\' || raw[i+1] == '"'):
			b.WriteByte(raw[i+1])
			i++
		case c == '\'':
			b.WriteString("''")
		case c == '\n' || c == '\r':
			for i+1 < len(raw) && strings.IndexByte(" \t\r\n", raw[i+1]) >= 0 {
				i++
			}
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// quotedRaw returns the text between the double quote that s starts with
// and its closing quote, as written (escapes not applied).
func quotedRaw(s string) (string, bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", false
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return s[1:i], true
		}
	}
	return "", false
}

// firstEscape returns the first backslash escape of raw other than \\ and
// \" (and an escaped line break), or "".
func firstEscape(raw string) string {
	for i := 0; i+1 < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		switch raw[i+1] {
		case '\\', '"', '\n', '\r':
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(raw[i+1:])
		return raw[i : i+1+size]
	}
	return ""
}

// noteEscape records a double-quoted value of n written with an escape.
func (d *decoder) noteEscape(n *yaml.Node, path string) {
	if n.Style&yaml.DoubleQuotedStyle == 0 || n.Line < 1 || n.Column < 1 {
		return
	}
	if d.starts == nil {
		d.starts = []int{0}
		for i, c := range d.src {
			if c == '\n' {
				d.starts = append(d.starts, i+1)
			}
		}
	}
	if n.Line > len(d.starts) {
		return
	}
	rest := string(d.src[d.starts[n.Line-1]:])
	for col := 1; col < n.Column && rest != ""; col++ { // columns count characters
		_, size := utf8.DecodeRuneInString(rest)
		rest = rest[size:]
	}
	raw, ok := quotedRaw(rest)
	if !ok {
		return
	}
	if seq := firstEscape(raw); seq != "" {
		d.escapes[path] = escape{seq: seq, raw: raw, value: n.Value}
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// decode sets v from n strictly, recording the line of every field.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if path != "" {
		d.lines[path] = n.Line
	}
	if n.Kind == yaml.AliasNode {
		d.add(n, path, "YAML aliases are not supported in job files; write the value out")
		return
	}
	if nd, ok := v.Addr().Interface().(nodeDecoder); ok {
		if msg := nd.decodeNode(n); msg != "" {
			d.add(n, path, "%s", msg)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.add(n, path, "expected a mapping of fields, got %s", kindName(n))
			return
		}
		fields := map[string]reflect.Value{}
		var names []string
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			fields[tag] = v.Field(i)
			names = append(names, tag)
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := k.Value
			fp := join(path, key)
			if seen[key] {
				d.add(k, fp, "the key is given twice; keep one")
				continue
			}
			seen[key] = true
			f, ok := fields[key]
			if !ok {
				msg := "unknown field"
				if s := suggest.Nearest(key, names); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				} else {
					msg += fmt.Sprintf("; known fields here: %s", strings.Join(names, ", "))
				}
				d.add(k, fp, "%s", msg)
				continue
			}
			d.decode(val, f, fp)
		}
	case reflect.Slice:
		if n.Tag == "!!null" {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.add(n, path, "expected a list, got %s", kindName(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.String:
		if secretFields[path] {
			// Whatever is wrong, the message never shows the value: it
			// may be a password typed into the wrong field.
			if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
				d.add(n, path, "%s", passwordEnvMsg)
				return
			}
			v.SetString(n.Value)
			return
		}
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
			d.add(n, path, "expected a string, got %s", kindName(n))
			return
		}
		if n.Tag != "!!str" {
			d.add(n, path, "expected a string, got %s; put it in single quotes", kindName(n))
			return
		}
		d.noteEscape(n, path)
		v.SetString(n.Value)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.add(n, path, "expected true or false, got %s", kindName(n))
			return
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			d.add(n, path, "expected true or false, got %s", kindName(n))
			return
		}
		v.SetBool(b)
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			d.add(n, path, "expected a whole number, got %s", kindName(n))
			return
		}
		var i int
		if err := n.Decode(&i); err != nil {
			d.add(n, path, "expected a whole number, got %s", kindName(n))
			return
		}
		v.SetInt(int64(i))
	default:
		panic(fmt.Sprintf("job: field %s has unsupported kind %s", path, v.Kind()))
	}
}
