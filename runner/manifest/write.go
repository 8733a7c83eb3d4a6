package manifest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/vssmirror/vssmirror/internal/atomicfile"
)

// Writer streams one document (a manifest or a hashes sidecar) to
// <dir>\<name>: the header, each source with its files, the totals. Up to
// GzipAbove bytes are held in memory; a larger document goes on into
// <name>.gz through gzip, written to a temporary file. Close makes the
// document appear at once (atomicfile) and removes the other form of the
// name a previous run may have left; Abort leaves the old document alone.
type Writer struct {
	dir, name string
	limit     int
	buf       bytes.Buffer // the document while it is small
	pending   *atomicfile.Pending
	bw        *bufio.Writer
	gz        *gzip.Writer
	scratch   []byte
	err       error

	inSource   bool
	first      bool // the next entry is the first of its source
	src, total Totals
	prev       []byte // the previous entry's path (a copy: the caller may reuse its buffer)
	sources    int
}

// NewWriter starts a document with its header. limit is the size above
// which it is compressed (GzipAbove; tests pass a smaller one).
func NewWriter(dir, name string, h Header, limit int) (*Writer, error) {
	h.Schema = Schema
	if h.Shadows == nil {
		h.Shadows = []Shadow{}
	}
	if h.Scripts == nil {
		h.Scripts = []string{}
	}
	if h.Writers.Verified == nil {
		h.Writers.Verified = []string{}
	}
	if h.Writers.Excluded == nil {
		h.Writers.Excluded = []string{}
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	w := &Writer{dir: dir, name: name, limit: limit, scratch: make([]byte, 0, 512)}
	w.write(hb[:len(hb)-1]) // without its closing brace
	w.write([]byte(`,"sources":[`))
	return w, w.err
}

func (w *Writer) write(b []byte) {
	if w.err != nil {
		return
	}
	if w.bw != nil {
		_, w.err = w.bw.Write(b)
		return
	}
	w.buf.Write(b)
	if w.buf.Len() <= w.limit {
		return
	}
	// Too large to keep: compress into a temporary file from now on.
	w.pending, w.err = atomicfile.Create(filepath.Join(w.dir, w.name+GzSuffix), 0o644)
	if w.err != nil {
		return
	}
	w.gz, _ = gzip.NewWriterLevel(w.pending, gzip.BestSpeed)
	w.bw = bufio.NewWriterSize(w.gz, 64<<10)
	_, w.err = w.bw.Write(w.buf.Bytes())
	w.buf = bytes.Buffer{}
}

// BeginSource starts the files of a source.
func (w *Writer) BeginSource(s Source) error {
	if w.inSource {
		return errors.New("manifest: BeginSource inside a source")
	}
	sb, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if w.sources > 0 {
		w.write([]byte{','})
	}
	w.sources++
	w.write(sb[:len(sb)-1])
	w.write([]byte(`,"files":[`))
	w.inSource, w.first, w.src, w.prev = true, true, Totals{}, w.prev[:0]
	return w.err
}

// Add writes one file of the current source. Files must come in
// ComparePaths order, each path passing CheckPath.
func (w *Writer) Add(e Entry) error {
	if !w.inSource {
		return errors.New("manifest: Add outside a source")
	}
	if err := CheckPath(e.Path); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	if !w.first && ComparePaths(unsafe.String(unsafe.SliceData(w.prev), len(w.prev)), e.Path) >= 0 {
		return fmt.Errorf("manifest: %q does not come after %q", e.Path, string(w.prev))
	}
	b := w.scratch[:0]
	if !w.first {
		b = append(b, ',')
	}
	b = append(b, `{"path":`...)
	b = appendString(b, e.Path)
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, e.Size, 10)
	b = append(b, `,"mtime":"`...)
	b = e.MTime.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if e.SHA256 != "" {
		b = append(b, `,"sha256":"`...)
		b = append(b, e.SHA256...)
		b = append(b, '"')
	}
	b = append(b, '}')
	w.write(b)
	w.scratch = b
	w.first = false
	w.prev = append(w.prev[:0], e.Path...)
	w.src.Files++
	w.src.Bytes += e.Size
	return w.err
}

// EndSource ends the current source with its totals.
func (w *Writer) EndSource() error {
	if !w.inSource {
		return errors.New("manifest: EndSource outside a source")
	}
	w.inSource = false
	w.write(w.totals(`]`, w.src, `}`))
	w.total.Files += w.src.Files
	w.total.Bytes += w.src.Bytes
	return w.err
}

func (w *Writer) totals(before string, t Totals, after string) []byte {
	b := append(w.scratch[:0], before...)
	b = append(b, `,"file_count":`...)
	b = strconv.AppendInt(b, t.Files, 10)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, t.Bytes, 10)
	return append(b, after...)
}

// Totals returns the counts of every source ended so far.
func (w *Writer) Totals() Totals { return w.total }

// Close ends the document and puts it in place; it returns the file name
// written (name or name.gz).
func (w *Writer) Close() (string, error) {
	if w.inSource {
		w.Abort()
		return "", errors.New("manifest: Close inside a source")
	}
	w.write(w.totals(`]`, w.total, "}\n"))
	if w.err != nil {
		w.Abort()
		return "", w.err
	}
	written, other := w.name, w.name+GzSuffix
	if w.bw != nil {
		written, other = other, written
		if err := errors.Join(w.bw.Flush(), w.gz.Close()); err != nil {
			w.Abort()
			return "", err
		}
		if err := w.pending.Commit(); err != nil {
			return "", err
		}
	} else if err := atomicfile.WriteFile(filepath.Join(w.dir, w.name), w.buf.Bytes(), 0o644); err != nil {
		return "", err
	}
	if err := os.Remove(filepath.Join(w.dir, other)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("removing the previous run's %s: %w", other, err)
	}
	return written, nil
}

// Abort drops the document; the previous one, if any, stays.
func (w *Writer) Abort() {
	if w.pending != nil {
		w.pending.Abort()
	}
	if w.err == nil {
		w.err = errors.New("manifest: aborted")
	}
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Invalid UTF-8 never reaches
// it (CheckPath), but is written as U+FFFD all the same.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
			i++
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			i++
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
		}
	}
	return append(b, '"')
}
