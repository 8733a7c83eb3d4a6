package manifest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// ErrNotFound is returned by Open when the story folder holds neither
// form of the document.
var ErrNotFound = errors.New("not found")

// Reader reads a document written by Writer, one entry at a time, and
// checks what it reads: the schema and kind, every entry's path
// (CheckPath) and their order (ComparePaths), the totals against the
// entries. It never holds more than one entry.
type Reader struct {
	Name   string // the file read
	Header Header
	f      *os.File
	gz     *gzip.Reader
	dec    *json.Decoder

	src      *Source
	inFiles  bool
	prev     string
	first    bool
	srcCount Totals // counted
	srcSaid  Totals // written after the files
	total    Totals
	said     Totals
	done     bool
}

// Open opens <dir>\<name> or <dir>\<name>.gz (both at once is an error:
// one of them was not written by vssmirror), reads and checks the header.
func Open(dir, name, kind string) (*Reader, error) {
	plain, gzName := filepath.Join(dir, name), filepath.Join(dir, name+GzSuffix)
	_, e1 := os.Stat(plain)
	_, e2 := os.Stat(gzName)
	var path string
	switch {
	case e1 == nil && e2 == nil:
		return nil, fmt.Errorf("%s and %s both exist: remove the one vssmirror did not write last (see the good marker's run)", plain, gzName)
	case e1 == nil:
		path = plain
	case e2 == nil:
		path = gzName
	case errors.Is(e1, fs.ErrNotExist) && errors.Is(e2, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: %w", plain, ErrNotFound)
	default:
		return nil, fmt.Errorf("%s: %w", plain, errors.Join(e1, e2))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r := &Reader{Name: path, f: f}
	var in io.Reader = bufio.NewReaderSize(f, 64<<10)
	if path == gzName {
		if r.gz, err = gzip.NewReader(in); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		in = r.gz
	}
	r.dec = json.NewDecoder(&tokenGuard{in: in})
	if err := r.readHeader(kind); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// Close closes the file.
func (r *Reader) Close() error { return r.f.Close() }

func (r *Reader) delim(want json.Delim) error {
	t, err := r.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, found %v", want, t)
	}
	return nil
}

func (r *Reader) key() (string, error) {
	t, err := r.dec.Token()
	if err != nil {
		return "", err
	}
	k, ok := t.(string)
	if !ok {
		return "", fmt.Errorf("expected a key, found %v", t)
	}
	return k, nil
}

var guidRE = regexp.MustCompile(`^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$`)

// readHeader reads the keys before "sources" into Header.
func (r *Reader) readHeader(kind string) error {
	if err := r.delim('{'); err != nil {
		return fmt.Errorf("not a vssmirror document: %w", err)
	}
	var obj bytes.Buffer
	obj.WriteByte('{')
	for {
		k, err := r.key()
		if err != nil {
			return fmt.Errorf("not a vssmirror document: %w", err)
		}
		if k == "sources" {
			break
		}
		var raw json.RawMessage
		if err := r.dec.Decode(&raw); err != nil {
			return err
		}
		if obj.Len() > 1 {
			obj.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		obj.Write(kb)
		obj.WriteByte(':')
		obj.Write(raw)
		if obj.Len() > 16<<20 {
			return errors.New("the header is larger than 16 MiB: not a vssmirror document")
		}
	}
	obj.WriteByte('}')
	if err := json.Unmarshal(obj.Bytes(), &r.Header); err != nil {
		return fmt.Errorf("header: %w", err)
	}
	h := r.Header
	switch {
	case h.Schema != Schema:
		return fmt.Errorf("schema %d; this vssmirror reads schema %d", h.Schema, Schema)
	case h.Kind != kind:
		return fmt.Errorf("kind %q, expected %q", h.Kind, kind)
	}
	for _, s := range h.Shadows {
		if s.ID != "" && !guidRE.MatchString(s.ID) {
			return fmt.Errorf("shadow ID %q is not a {GUID}", s.ID)
		}
	}
	return r.delim('[')
}

// NextSource moves to the next source; ok is false after the last one
// (the document's totals are then checked). The files of the previous
// source must have been read to the end.
func (r *Reader) NextSource() (src Source, ok bool, err error) {
	if r.done {
		return Source{}, false, nil
	}
	if r.inFiles {
		return Source{}, false, errors.New("manifest: NextSource before the files of the previous source were read")
	}
	if !r.dec.More() {
		r.done = true
		return Source{}, false, r.readTrailer()
	}
	if err := r.delim('{'); err != nil {
		return Source{}, false, err
	}
	for {
		k, err := r.key()
		if err != nil {
			return Source{}, false, err
		}
		if k == "files" {
			break
		}
		switch k {
		case "index":
			err = r.dec.Decode(&src.Index)
		case "path":
			err = r.dec.Decode(&src.Path)
		case "target":
			err = r.dec.Decode(&src.Target)
		default:
			var skip json.RawMessage
			err = r.dec.Decode(&skip)
		}
		if err != nil {
			return Source{}, false, fmt.Errorf("source: %w", err)
		}
	}
	if err := CheckPath(src.Target); err != nil {
		return Source{}, false, fmt.Errorf("source %d: target: %w", src.Index, err)
	}
	if err := r.delim('['); err != nil {
		return Source{}, false, err
	}
	r.src, r.inFiles, r.first, r.srcCount = &src, true, true, Totals{}
	return src, true, nil
}

// NextFile returns the next file of the current source; ok is false after
// its last file (its totals are then checked).
func (r *Reader) NextFile() (e Entry, ok bool, err error) {
	if !r.inFiles {
		return Entry{}, false, nil
	}
	if !r.dec.More() {
		r.inFiles = false
		return Entry{}, false, r.endSource()
	}
	if err := r.dec.Decode(&e); err != nil {
		return Entry{}, false, fmt.Errorf("source %d, after %q: %w", r.src.Index, r.prev, err)
	}
	if err := CheckPath(e.Path); err != nil {
		return Entry{}, false, fmt.Errorf("source %d: %w", r.src.Index, err)
	}
	if e.Size < 0 {
		return Entry{}, false, fmt.Errorf("source %d: %q has a negative size", r.src.Index, e.Path)
	}
	if e.SHA256 != "" && !sha256RE.MatchString(e.SHA256) {
		return Entry{}, false, fmt.Errorf("source %d: %q: %q is not a SHA-256", r.src.Index, e.Path, e.SHA256)
	}
	if !r.first && ComparePaths(r.prev, e.Path) >= 0 {
		return Entry{}, false, fmt.Errorf("source %d: %q comes after %q: not in the order vssmirror writes", r.src.Index, e.Path, r.prev)
	}
	r.first = false
	r.prev = e.Path
	r.srcCount.Files++
	r.srcCount.Bytes += e.Size
	return e, true, nil
}

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (r *Reader) endSource() error {
	if err := r.delim(']'); err != nil {
		return err
	}
	if err := r.totals(&r.srcSaid); err != nil {
		return fmt.Errorf("source %d: %w", r.src.Index, err)
	}
	if r.srcSaid != r.srcCount {
		return fmt.Errorf("source %d: the totals say %d files, %d bytes, but %d files, %d bytes are listed", r.src.Index, r.srcSaid.Files, r.srcSaid.Bytes, r.srcCount.Files, r.srcCount.Bytes)
	}
	r.total.Files += r.srcCount.Files
	r.total.Bytes += r.srcCount.Bytes
	return nil
}

// SourceTotals returns the counts of the source whose files were just read.
func (r *Reader) SourceTotals() Totals { return r.srcCount }

// totals reads keys until the object's end, keeping file_count and bytes.
func (r *Reader) totals(t *Totals) error {
	*t = Totals{}
	for r.dec.More() {
		k, err := r.key()
		if err != nil {
			return err
		}
		switch k {
		case "file_count":
			err = r.dec.Decode(&t.Files)
		case "bytes":
			err = r.dec.Decode(&t.Bytes)
		default:
			var skip json.RawMessage
			err = r.dec.Decode(&skip)
		}
		if err != nil {
			return err
		}
	}
	return r.delim('}')
}

func (r *Reader) readTrailer() error {
	if err := r.delim(']'); err != nil {
		return err
	}
	if err := r.totals(&r.said); err != nil {
		return err
	}
	if r.said != r.total {
		return fmt.Errorf("the totals say %d files, %d bytes, but %d files, %d bytes are listed", r.said.Files, r.said.Bytes, r.total.Files, r.total.Bytes)
	}
	return nil
}

// Totals returns the counts of every source read so far.
func (r *Reader) Totals() Totals { return r.total }

// MaxToken bounds one JSON value's bytes between two of JSON's structural
// characters ({ } [ ] , :) in a manifest or hash sidecar. encoding/json
// reads a value whole before it can be checked, so without this bound a
// crafted file with one endless string would take all the memory of an
// elevated process; no value vssmirror writes comes near it.
const MaxToken = 1 << 20

// tokenGuard passes bytes through and fails when MaxToken bytes go by
// without a structural character outside a string.
type tokenGuard struct {
	in       io.Reader
	n        int
	inString bool
	escaped  bool
}

// errTokenTooLong is returned by tokenGuard.
var errTokenTooLong = fmt.Errorf("a value longer than %d bytes: not a manifest vssmirror wrote", MaxToken)

func (g *tokenGuard) Read(p []byte) (int, error) {
	n, err := g.in.Read(p)
	for _, c := range p[:n] {
		switch {
		case g.escaped:
			g.escaped = false
		case g.inString && c == '\\':
			g.escaped = true
		case c == '"':
			g.inString = !g.inString
		case !g.inString && (c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':'):
			g.n = 0
			continue
		}
		if g.n++; g.n > MaxToken {
			return 0, errTokenTooLong
		}
	}
	return n, err
}
