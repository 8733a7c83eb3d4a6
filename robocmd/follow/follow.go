package follow

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"unsafe"

	"github.com/vssmirror/vssmirror/robocmd"
)

// Stats is what a robocopy log says so far.
type Stats struct {
	Exists   bool   // the log is there (robocopy started)
	Started  bool   // a job's header was read
	Finished bool   // the job's summary began: robocopy is done with it
	ListOnly bool   // a /L pass: nothing is copied, counts are what would be
	Files    int64  // files copied (or listed for copying); one whose copy failed is taken back
	Bytes    int64  // their bytes
	Extras   int64  // extra files in the destination (/MIR deletes them)
	Failed   int64  // operations robocopy gave up on (after its retries)
	Errors   int64  // error lines, retries included
	Dirs     int64  // folders seen
	Scanned  int64  // files in the folders seen (each folder line gives its count): how far robocopy went through the source
	Current  string // the file copied last (full path when the log gives it)
	// Summary is true once the summary's Dirs, Files and Bytes rows were
	// read; SummaryFiles and SummaryBytes are its Files and Bytes rows.
	Summary      bool
	SummaryFiles robocmd.Counts
	SummaryBytes robocmd.Counts
	// Offset is how many bytes of the log were read.
	Offset int64
}

// maxPartial bounds a line cut by the end of what robocopy wrote so far
// (in the byte encodings; UTF16LELines bounds its own).
const maxPartial = 64 << 10

type phase int

const (
	phaseNone phase = iota
	phaseHeader
	phaseBody
	phaseSummary
)

// Follower follows one robocopy log file. It is not safe for concurrent
// use.
type Follower struct {
	path string
	buf  []byte // read buffer
	st   Stats

	utf16   bool
	decided bool                  // the encoding is known (the first bytes were read)
	dec     *robocmd.UTF16LELines // for UTF-16LE
	part    []byte                // a line cut by the end of the bytes read (byte encodings)

	phase       phase
	headerLines int
	rows        int
	dir         []byte // the folder of the last folder line
	cur         []byte // the current file's path
	lastSize    int64  // the size of the last file counted
	lastCounted bool   // the last file line was counted as copied
	errWord     string // the error word of this log's language ("ERROR")
	pending     bool   // an error that was neither retried nor given up yet
	noRetries   bool   // /R:0: robocopy gives up at the first error, without saying so
	afterErr    int    // lines since the last error line (its message is the first)
}

// New returns a Follower of the log at path (which may not exist yet).
func New(path string) *Follower {
	return &Follower{path: path, buf: make([]byte, 64<<10)}
}

// Path is the followed log.
func (f *Follower) Path() string { return f.path }

// Poll reads what was written to the log since the last poll and returns
// the counts so far. A log that does not exist yet gives zero counts and no
// error. A log that became shorter than what was read (replaced) is read
// again from its start.
func (f *Follower) Poll() (Stats, error) {
	file, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return f.stats(), nil
	}
	if err != nil {
		return f.stats(), err
	}
	defer file.Close()
	if fi, err := file.Stat(); err == nil && fi.Size() < f.st.Offset {
		*f = Follower{path: f.path, buf: f.buf}
	}
	f.st.Exists = true
	if _, err := file.Seek(f.st.Offset, io.SeekStart); err != nil {
		return f.stats(), err
	}
	for {
		n, err := file.Read(f.buf)
		if n > 0 {
			f.feed(f.buf[:n])
			f.st.Offset += int64(n)
		}
		if err == io.EOF {
			return f.stats(), nil
		}
		if err != nil {
			return f.stats(), err
		}
	}
}

func (f *Follower) stats() Stats {
	s := f.st
	if len(f.cur) > 0 {
		s.Current = strings.ToValidUTF8(string(f.cur), "\uFFFD")
	}
	return s
}

// feed takes the next bytes of the log.
func (f *Follower) feed(b []byte) {
	if !f.decided {
		// The byte order mark needs the first two bytes.
		if len(f.part)+len(b) < 2 {
			f.part = append(f.part, b...)
			return
		}
		b = append(f.part, b...)
		f.part = nil
		f.decided = true
		if b[0] == 0xFF && b[1] == 0xFE {
			f.utf16 = true
			f.dec = robocmd.NewUTF16LELines()
			b = b[2:]
		} else if bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
			b = b[3:]
		}
	}
	if f.utf16 {
		f.dec.Feed(b, f.line)
		return
	}
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			if room := maxPartial - len(f.part); room > 0 {
				f.part = append(f.part, b[:min(len(b), room)]...)
			}
			return
		}
		line := b[:i]
		if len(f.part) > 0 {
			if room := maxPartial - len(f.part); room > 0 {
				f.part = append(f.part, line[:min(len(line), room)]...)
			}
			line = f.part
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		f.line(line, bytes.IndexByte(line, '\r') >= 0)
		f.part = f.part[:0]
		b = b[i+1:]
	}
}

// line takes one line; CR-separated segments (progress output) are read
// one by one.
func (f *Follower) line(b []byte, cr bool) {
	if !cr {
		f.segment(b)
		return
	}
	for _, seg := range bytes.Split(b, []byte{'\r'}) {
		if len(bytes.TrimSpace(seg)) > 0 {
			f.segment(seg)
		}
	}
}

// segment updates the counts with one line.
func (f *Follower) segment(b []byte) {
	// Without a copy: b is overwritten after this line, so whatever is
	// kept from it is copied (cur, dir, errWord).
	s := unsafe.String(unsafe.SliceData(b), len(b))
	l := robocmd.ReadLogLine(s)
	if f.afterErr > 0 {
		f.afterErr++
	}
	switch l.Kind {
	case robocmd.LineBanner:
		f.settle()
		f.st = Stats{Exists: true, Started: true, Offset: f.st.Offset}
		f.phase, f.headerLines, f.rows, f.afterErr, f.noRetries = phaseHeader, 0, 0, 0, false
		f.cur, f.dir = f.cur[:0], f.dir[:0]
		f.lastCounted = false
		return
	case robocmd.LineDashes:
		switch f.phase {
		case phaseHeader:
			if f.headerLines > 0 {
				f.phase = phaseBody
			}
		case phaseBody, phaseNone:
			f.settle()
			f.phase = phaseSummary
			f.st.Finished = true
		}
		return
	case robocmd.LineError:
		f.settle()
		f.st.Errors++
		if l.Err.Message != f.errWord {
			f.errWord = strings.Clone(l.Err.Message) // the error word, e.g. ERROR, ОШИБКА
		}
		if f.lastCounted && len(f.cur) > 0 && strings.EqualFold(l.Err.Path, string(f.cur)) {
			// The file just counted was not copied (yet).
			f.st.Files--
			f.st.Bytes -= f.lastSize
			f.lastCounted = false
		}
		f.pending, f.afterErr = true, 1
		return
	}
	switch f.phase {
	case phaseHeader:
		f.headerLine(s)
		return
	case phaseSummary:
		f.summaryLine(l)
	}
	switch l.Kind {
	case robocmd.LineFile:
		f.settle()
		f.fileLine(l)
		return
	case robocmd.LineDir:
		f.settle()
		f.st.Dirs++
		f.st.Scanned += max(l.Count, 0)
		f.dir = append(f.dir[:0], l.Name...)
		return
	}
	if !f.pending {
		return
	}
	trim := strings.TrimSpace(s)
	switch {
	case trim == "":
	case f.errWord != "" && strings.HasPrefix(trim, f.errWord+":"):
		// "ERROR: RETRY LIMIT EXCEEDED.": robocopy gave up.
		f.pending = false
		f.st.Failed++
	case f.afterErr > 2 && strings.Contains(trim, "...") && strings.ContainsAny(trim, "0123456789"):
		// "Waiting 30 seconds... Retrying...": the operation is tried again.
		f.pending = false
	}
}

// settle ends the last error's story when another line comes: under
// /R:0 robocopy goes on to the next file without a retry or a give-up
// line, so the error was a failure; otherwise only the give-up line
// ("ERROR: RETRY LIMIT EXCEEDED.") counts one (an error in the header, for
// one, is not a failed copy).
func (f *Follower) settle() {
	if f.pending && f.noRetries {
		f.st.Failed++
	}
	f.pending = false
}

func (f *Follower) headerLine(s string) {
	if strings.IndexByte(s, ':') > 0 || strings.IndexByte(s, '=') > 0 {
		f.headerLines++
	}
	for _, w := range strings.Fields(s) {
		switch {
		case strings.EqualFold(w, "/L"):
			f.st.ListOnly = true
		case strings.EqualFold(w, "/R:0"):
			f.noRetries = true
		}
	}
}

func (f *Follower) fileLine(l robocmd.LogLine) {
	f.lastCounted = false
	switch robocmd.ClassName(l.Class, false) {
	case "extra":
		f.st.Extras++
		return
	case "same", "tweaked", "lonely", "mismatch", "":
		return // not copied
	}
	f.st.Files++
	f.st.Bytes += l.Size
	f.lastSize, f.lastCounted = l.Size, true
	if isFullPath(l.Name) {
		f.cur = append(f.cur[:0], l.Name...)
	} else {
		f.cur = append(append(f.cur[:0], f.dir...), l.Name...)
	}
}

func (f *Follower) summaryLine(l robocmd.LogLine) {
	if l.Kind != robocmd.LineSummaryRow || f.rows >= 3 {
		return
	}
	switch f.rows {
	case 1:
		f.st.SummaryFiles = l.Counts
	case 2:
		f.st.SummaryBytes = l.Counts
		f.st.Summary = true
	}
	f.rows++
}

// isFullPath reports whether name is a drive-letter or UNC path (what /FP
// and /MT write) rather than a name in the last folder.
func isFullPath(name string) bool {
	return strings.HasPrefix(name, `\\`) || len(name) >= 3 && name[1] == ':' && name[2] == '\\'
}
