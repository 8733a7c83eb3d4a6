package robocmd

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Counts is one row of robocopy's summary table.
type Counts struct {
	Total    int64 `json:"total"`
	Copied   int64 `json:"copied"`
	Skipped  int64 `json:"skipped"`
	Mismatch int64 `json:"mismatch"`
	Failed   int64 `json:"failed"`
	Extras   int64 `json:"extras"`
}

// LogError is one error robocopy logged, with the retries of the same
// operation on the same path folded into it.
type LogError struct {
	Time               string `json:"time"` // first occurrence, yyyy/mm/dd hh:mm:ss
	Code               int    `json:"code"` // Windows error code, e.g. 5 (access denied)
	Action             string `json:"action"`
	Path               string `json:"path"`
	Message            string `json:"message"`
	Attempts           int    `json:"attempts"`             // error lines for this action and path
	RetryLimitExceeded bool   `json:"retry_limit_exceeded"` // robocopy gave up on it
}

// LogJob is what one robocopy run wrote to its log (one of the jobs
// appended to a /LOG+ file); not to be confused with a vssmirror job file.
type LogJob struct {
	Source             string           `json:"source"`
	Dest               string           `json:"dest"`
	Options            string           `json:"options"`
	Switches           []string         `json:"switches"`
	Started            string           `json:"started"`
	Ended              string           `json:"ended"`
	Summary            bool             `json:"summary"` // the summary table was found
	Dirs               Counts           `json:"dirs"`
	Files              Counts           `json:"files"`
	Bytes              Counts           `json:"bytes"`
	TimeTotal          string           `json:"time_total,omitempty"`
	TimeCopying        string           `json:"time_copying,omitempty"`
	SpeedBytesPerSec   int64            `json:"speed_bytes_per_sec"`
	SpeedDerived       bool             `json:"speed_derived"` // computed from bytes and time: the log had no speed line
	Errors             []LogError       `json:"errors"`
	ErrorsTotal        int              `json:"errors_total"`   // error lines, retries included
	ErrorsOmitted      int              `json:"errors_omitted"` // distinct errors beyond the detail limit
	RetryLimitExceeded int              `json:"retry_limit_exceeded"`
	RetryWaits         int              `json:"retry_waits"`
	Deleted            Deletions        `json:"deleted"`      // extras removed by /MIR or /PURGE; zero in a /L run
	ListOnly           bool             `json:"list_only"`    // /L: robocopy only listed, copied and deleted nothing
	WouldDelete        Deletions        `json:"would_delete"` // in a /L run, the extras /MIR or /PURGE would remove
	FileClasses        map[string]int64 `json:"file_classes"`
	ExitCode           *int             `json:"exit_code,omitempty"`
	Outcome            Class            `json:"outcome"`
	Notes              []string         `json:"notes"`

	errIndex map[string]int
	lastErr  int
}

// Deletions counts what /MIR or /PURGE deleted from the destination.
type Deletions struct {
	Files int64 `json:"files"`
	Dirs  int64 `json:"dirs"`
}

// Log is a parsed robocopy log: one Job per run appended to it.
type Log struct {
	Encoding string    `json:"encoding"` // utf-16le, utf-16be, utf-8, ascii or cpNNN
	Jobs     []*LogJob `json:"jobs"`
}

// LogOptions changes how ParseLog reads a log.
type LogOptions struct {
	CodePage  int // force this OEM code page for non-UTF-8 bytes; 0 = guess
	MaxErrors int // distinct errors kept per job with details; 0 = 1000
	ExitCode  *int
	// OnFile, when set, is called for every file line (not directory
	// lines) with the index of its job in Log.Jobs, its stable class
	// (new, newer, older, changed, extra, ..., or the class as written)
	// and its full path (the directory line before it, then the name).
	// Without /V robocopy lists only the files it acted on: those it
	// copied and the extras (class extra). The strings are the caller's.
	OnFile func(job int, class, path string)
}

// ErrNotRobocopyLog is returned for input that holds no robocopy job.
var ErrNotRobocopyLog = errors.New("not a robocopy log: no robocopy header, summary or error line found")

const (
	maxLine   = 64 << 10 // longer lines are cut: no path is that long
	peekBytes = 64 << 10
)

// ParseLog reads a robocopy log of any language, encoding and switch set,
// streaming: memory stays bounded whatever the log's size. The encoding is
// taken from a byte order mark (UTF-16 from /UNILOG), else each line is
// read as UTF-8 when it is valid UTF-8, else in an OEM code page, forced by
// opts.CodePage or guessed from the log's first 64 KiB.
func ParseLog(r io.Reader, opts LogOptions) (*Log, error) {
	if opts.MaxErrors <= 0 {
		opts.MaxErrors = 1000
	}
	log := &Log{}
	p := &logParser{log: log, opts: opts, classCache: map[string]classEntry{}}
	if opts.CodePage != 0 {
		enc, err := codePage(opts.CodePage)
		if err != nil {
			return nil, err
		}
		p.cp, p.cpID = enc.NewDecoder(), opts.CodePage
	}
	br := bufio.NewReaderSize(r, peekBytes)
	head, _ := br.Peek(peekBytes)
	var src *bufio.Reader
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		log.Encoding = "utf-16le"
		br.Discard(2) // the byte order mark
		// What vssmirror's /UNILOG+ writes: decoded and split into
		// lines in one pass (UTF16LELines).
		if err := p.runUTF16LE(br); err != nil {
			return nil, err
		}
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		log.Encoding = "utf-16be"
		src = bufio.NewReaderSize(transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()), peekBytes)
	default:
		if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
			br.Discard(3)
			log.Encoding = "utf-8"
		}
		src = br
		p.head = head
	}
	if src != nil {
		if err := p.run(src); err != nil {
			return nil, err
		}
	}
	if log.Encoding == "" {
		switch {
		case p.cpID != 0 && p.cpUsed:
			log.Encoding = fmt.Sprintf("cp%d", p.cpID)
		case p.sawUTF8:
			log.Encoding = "utf-8"
		default:
			log.Encoding = "ascii"
		}
	}
	if len(log.Jobs) == 0 || !p.recognized {
		return nil, ErrNotRobocopyLog
	}
	for i, j := range log.Jobs {
		if i == len(log.Jobs)-1 {
			j.decide(opts.ExitCode)
		} else {
			j.decide(nil)
		}
	}
	return log, nil
}

// classEntry is a file class as written (copied), its stable name and its
// counter in logParser.classCounts.
type classEntry struct {
	raw, name string
	idx       int
}

type state int

const (
	stNone state = iota
	stHeader
	stBody
	stSummary
	stAfter
)

type logParser struct {
	log        *Log
	opts       LogOptions
	head       []byte // first bytes, for guessing the code page
	cp         *encoding.Decoder
	cpID       int
	cpUsed     bool
	sawUTF8    bool
	recognized bool

	job        *LogJob
	classCache map[string]classEntry // class as written -> stable name
	lastClass  string                // the previous line's class, its name and its counter
	lastName   string
	lastIdx    int
	// classCounts are the current job's lines per class as written,
	// added to its FileClasses when it ends: one slice increment per
	// line instead of a map update.
	classCounts []int64
	curDir      string // the last directory line's path, for OnFile
	keyBuf      []byte
	st          state
	headerIdx   int  // label lines seen in the header
	pendingMsg  bool // the next line is an error's message
	afterMsg    bool // the previous line was an error message
	errWord     string
	errPrefix   string // errWord + ":", what robocopy's give-up line starts with
	rows        int    // summary rows read
	speeds      int
	lineBuf     []byte
}

func (p *logParser) run(r *bufio.Reader) error {
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			p.lineBuf = append(p.lineBuf[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = r.ReadSlice('\n')
				if len(p.lineBuf) < maxLine {
					p.lineBuf = append(p.lineBuf, line[:min(len(line), maxLine-len(p.lineBuf))]...)
				}
			}
			line = p.lineBuf
		}
		if len(line) > 0 {
			p.rawLine(line)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	p.endJob()
	return nil
}

// runUTF16LE reads a UTF-16LE log (its byte order mark skipped) in large
// chunks through UTF16LELines: no line is converted or scanned twice.
func (p *logParser) runUTF16LE(r io.Reader) error {
	d := NewUTF16LELines()
	buf := make([]byte, peekBytes)
	for {
		n, err := r.Read(buf)
		d.Feed(buf[:n], p.decodedLine)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	d.Flush(p.decodedLine)
	p.endJob()
	return nil
}

// decodedLine is a line already in UTF-8, its line end removed; cr says
// whether CRs are left inside it.
func (p *logParser) decodedLine(b []byte, cr bool) {
	if !cr {
		p.line(bytesToString(b))
		return
	}
	p.segments(b)
}

// rawLine splits a raw line on CRs (robocopy's progress output is written
// over the line with bare CRs), drops progress segments, decodes the rest
// and hands each to the state machine.
func (p *logParser) rawLine(b []byte) {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1] // the line end (bytes.TrimRight builds a set per call)
	}
	if bytes.IndexByte(b, '\r') < 0 {
		p.line(p.decode(b))
		return
	}
	p.segments(b)
}

// segments hands each CR-separated segment of b that is not progress
// output to the state machine.
func (p *logParser) segments(b []byte) {
	for len(b) > 0 {
		seg := b
		if i := bytes.IndexByte(b, '\r'); i >= 0 {
			seg, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if len(seg) == 0 || isProgress(seg) {
			continue
		}
		p.line(p.decode(seg))
	}
}

// isProgress reports whether seg is robocopy's percentage output, e.g. " 36%".
func isProgress(seg []byte) bool {
	s := bytes.TrimSpace(seg)
	if len(s) < 2 || s[len(s)-1] != '%' {
		return false
	}
	for _, c := range s[:len(s)-1] {
		if (c < '0' || c > '9') && c != '.' && c != ' ' && c != '%' {
			return false
		}
	}
	return true
}

func (p *logParser) decode(b []byte) string {
	if p.log.Encoding == "utf-16le" || p.log.Encoding == "utf-16be" {
		return bytesToString(b) // already decoded to UTF-8
	}
	if isASCII(b) {
		return bytesToString(b)
	}
	if p.opts.CodePage == 0 && utf8.Valid(b) {
		p.sawUTF8 = true
		return bytesToString(b)
	}
	if p.cp == nil {
		p.cpID = guessCodePage(p.head, b)
		enc, _ := codePage(p.cpID)
		p.cp = enc.NewDecoder()
	}
	out, err := p.cp.Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	p.cpUsed = true
	return string(out)
}

// isASCII reports whether b holds only bytes below 0x80, 8 at a time.
func isASCII(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// bytesToString returns b as a string without copying. The bytes belong to
// the reader's buffer and are overwritten by the next line, so everything
// the parser keeps from a line is copied with strings.Clone first
// (TestGeneratedLogParses checks what a job keeps after megabytes more).
//
// Kept because it pays: BenchmarkParseLog with -benchtime 2x on one
// 2-core AMD EPYC ran at 530-580 MB/s with 81 KB and 192 allocs per
// onejob run at every size; with string(b) instead, 357-455 MB/s and
// 1.2 GB and 20 million allocs per 1 GB log.
func bytesToString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func isDashes(s string) bool {
	if i := strings.IndexFunc(s, func(r rune) bool { return r != ' ' && r != '\t' }); i < 0 || s[i] != '-' {
		return false // most lines: no dash first
	}
	t := strings.TrimSpace(s)
	return len(t) >= 20 && strings.Trim(t, "-") == ""
}

func isBanner(s string) bool {
	return strings.Contains(s, "ROBOCOPY") && strings.Contains(s, "::")
}

// splitLabel splits "  Label : value" (also "Label: value", "Label = value").
func splitLabel(s string) (label, value string, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != ':' && c != '=' {
			continue
		}
		if i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '\t' {
			return "", "", false // "C:\..." before any label separator
		}
		label = strings.TrimSpace(s[:i])
		if label == "" || strings.ContainsAny(label, `\/`) {
			return "", "", false
		}
		return label, strings.TrimSpace(s[i+1:]), true
	}
	return "", "", false
}

func (p *logParser) newJob() {
	p.endJob()
	p.job = &LogJob{FileClasses: map[string]int64{}, errIndex: map[string]int{}, lastErr: -1}
	p.log.Jobs = append(p.log.Jobs, p.job)
	p.headerIdx, p.rows, p.speeds = 0, 0, 0
	p.pendingMsg, p.afterMsg = false, false
}

func (p *logParser) endJob() {
	if p.job == nil {
		return
	}
	j := p.job
	for _, e := range p.classCache {
		if n := p.classCounts[e.idx]; n > 0 {
			j.FileClasses[e.name] += n
			p.classCounts[e.idx] = 0
		}
	}
	if j.SpeedBytesPerSec == 0 && j.Bytes.Copied > 0 {
		if secs := parseDuration(j.TimeCopying); secs > 0 {
			j.SpeedBytesPerSec = j.Bytes.Copied / secs
			j.SpeedDerived = true
		}
	}
	mirror := false
	for _, s := range j.Switches {
		switch s {
		case "/MIR", "/PURGE":
			mirror = true
		case "/L":
			j.ListOnly = true
		}
	}
	if mirror {
		// Files.Extras stays as printed either way: the deletion guard
		// reads it from the /L pass.
		d := Deletions{Files: j.Files.Extras, Dirs: j.Dirs.Extras}
		if j.ListOnly {
			j.WouldDelete = d
		} else {
			j.Deleted = d
		}
	}
	if j.Errors == nil {
		j.Errors = []LogError{}
	}
	if j.Switches == nil {
		j.Switches = []string{}
	}
	if j.Notes == nil {
		j.Notes = []string{}
	}
	p.job = nil
}

// ensureJob starts an implicit job for a log without a header (/NJH).
func (p *logParser) ensureJob() {
	if p.job == nil {
		p.newJob()
		p.st = stBody
	}
}

func (p *logParser) line(s string) {
	tabbed := len(s) > 0 && s[0] == '\t'
	if !tabbed && isBanner(s) {
		p.newJob()
		p.recognized = true
		p.st = stHeader
		return
	}
	// /MT can glue an error line to the end of another line.
	if i := strings.IndexByte(s, '('); i >= 0 && strings.HasPrefix(s[i:], "(0x") {
		if i := findErrorStart(s); i > 0 {
			p.line(s[:i])
			p.line(s[i:])
			return
		}
	}
	if e, ok := parseErrorLine(s); !tabbed && ok {
		p.ensureJob()
		p.recognized = true
		p.addError(e)
		return
	}
	if p.pendingMsg {
		if strings.TrimSpace(s) == "" {
			return
		}
		p.pendingMsg = false
		p.afterMsg = true
		if p.job.lastErr >= 0 && p.job.Errors[p.job.lastErr].Message == "" {
			p.job.Errors[p.job.lastErr].Message = strings.Clone(strings.TrimSpace(s))
		}
		return
	}
	trim := strings.TrimSpace(s)
	if p.job != nil && p.errWord != "" && strings.HasPrefix(trim, p.errPrefix) {
		p.job.RetryLimitExceeded++
		if p.job.lastErr >= 0 {
			p.job.Errors[p.job.lastErr].RetryLimitExceeded = true
		}
		p.afterMsg = false
		return
	}
	if p.afterMsg && trim != "" {
		p.afterMsg = false
		if strings.Contains(trim, "...") && strings.ContainsAny(trim, "0123456789") {
			p.job.RetryWaits++
			return
		}
	}
	switch p.st {
	case stNone:
		if isDashes(s) {
			return
		}
		if strings.HasPrefix(s, "\t") && strings.Contains(s[1:], "\t") {
			p.ensureJob()
			p.fileLine(s)
			return
		}
		if _, ok := summaryRow(s); ok {
			p.ensureJob()
			p.beginSummary(s)
		}
	case stHeader:
		if _, ok := summaryRow(s); ok {
			p.beginSummary(s) // no dashes after the header
			return
		}
		p.headerLine(s)
	case stBody:
		if isDashes(s) {
			p.st = stSummary
			return
		}
		if tabbed {
			p.fileLine(s)
			return
		}
		if _, ok := summaryRow(s); ok {
			p.beginSummary(s) // no dashes before the summary
		}
	case stSummary:
		p.summaryLine(s)
	case stAfter:
	}
}

func (p *logParser) headerLine(s string) {
	j := p.job
	if isDashes(s) {
		if p.headerIdx > 0 {
			p.st = stBody
		}
		return
	}
	if strings.HasPrefix(s, "\t") {
		return // continuation of a multi-value field (Files, Exc Dirs)
	}
	_, value, ok := splitLabel(s)
	if !ok {
		return
	}
	switch p.headerIdx {
	case 0:
		j.Started = strings.Clone(value)
	case 1:
		j.Source = strings.Clone(value)
	case 2:
		j.Dest = strings.Clone(value)
	}
	p.headerIdx++
	if p.headerIdx > 3 && hasSwitch(value) {
		j.Options = strings.Clone(value)
		for _, f := range strings.Fields(value) {
			if strings.HasPrefix(f, "/") {
				j.Switches = append(j.Switches, strings.Clone(strings.ToUpper(f)))
			}
		}
	}
}

func hasSwitch(v string) bool {
	for _, f := range strings.Fields(v) {
		if len(f) >= 2 && f[0] == '/' && (f[1] >= 'A' && f[1] <= 'Z' || f[1] >= 'a' && f[1] <= 'z') {
			return true
		}
	}
	return false
}

// fileClassNames maps robocopy's file and directory class words (English
// and a few translations seen in real logs) to stable names. Other words
// are kept as written.
var fileClassNames = map[string]string{
	"new file": "new", "newer": "newer", "older": "older", "changed": "changed",
	"same": "same", "tweaked": "tweaked", "modified": "modified", "lonely": "lonely",
	"*extra file": "extra", "*mismatch": "mismatch", "mismatch": "mismatch",
	"new dir": "new_dir", "*extra dir": "extra_dir",
	"nouveau fichier": "new", "plus récent": "newer", "plus ancien": "older", "nouveau rép.": "new_dir",
	"новый файл": "new", "новее": "newer", "старее": "older", "новая папка": "new_dir",
	"新文件": "new", "较新": "newer", "较旧": "older", "新目录": "new_dir",
	"neue datei": "new", "neuer": "newer", "älter": "older", "neues verz.": "new_dir",
}

// fileLine counts a file or directory line by its class, read from the
// column layout: "\t<class>\t\t<size>\t<name>" for files,
// "\t<class> <count>\t<path>" for directories.
func (p *logParser) fileLine(s string) {
	body := s[1:]
	tab := strings.IndexByte(body, '\t')
	if tab < 0 {
		return
	}
	first := body[:tab]
	rest := body[tab+1:]
	dir := !strings.HasPrefix(rest, "\t")
	class := strings.TrimSpace(first)
	if dir && p.opts.OnFile != nil {
		p.curDir = strings.Clone(strings.TrimSpace(rest))
	}
	if dir {
		// Strip the trailing file count (or -1 for extras).
		i := len(class)
		for i > 0 && (class[i-1] >= '0' && class[i-1] <= '9' || class[i-1] == '-') {
			i--
		}
		class = strings.TrimSpace(class[:i])
		if class == "" {
			return // a directory being scanned, no class
		}
	}
	if class == "" {
		return
	}
	if class != p.lastClass {
		e, ok := p.classCache[class]
		if !ok {
			if len(p.classCache) >= 64 {
				return // bounded: a log with more distinct classes is not robocopy's
			}
			e = classEntry{raw: strings.Clone(class), name: canonicalClass(class, dir), idx: len(p.classCounts)}
			p.classCache[e.raw] = e
			p.classCounts = append(p.classCounts, 0)
		}
		p.lastClass, p.lastName, p.lastIdx = e.raw, e.name, e.idx
	}
	p.classCounts[p.lastIdx]++
	if p.opts.OnFile != nil && !dir {
		// rest is "\t<size>\t<name>".
		if parts := strings.SplitN(rest, "\t", 3); len(parts) == 3 && p.curDir != "" {
			p.opts.OnFile(len(p.log.Jobs)-1, p.lastName, p.curDir+strings.Clone(parts[2]))
		}
	}
}

// canonicalClass maps a class as written to its stable name.
func canonicalClass(class string, dir bool) string {
	if name, ok := fileClassNames[strings.ToLower(class)]; ok {
		return name
	}
	if strings.HasPrefix(class, "*") {
		if dir {
			return "extra_dir"
		}
		return "extra"
	}
	return strings.Clone(class)
}

// beginSummary starts the summary table at its first row, s, found by its
// shape rather than by the dashed line that usually comes before it.
func (p *logParser) beginSummary(s string) {
	p.st = stSummary
	p.rows = 0
	p.summaryLine(s)
}

func (p *logParser) summaryLine(s string) {
	j := p.job
	trim := strings.TrimSpace(s)
	if trim == "" || isDashes(s) {
		return
	}
	label, value, ok := splitLabel(s)
	if !ok {
		return // the column header line
	}
	_ = label
	if p.rows < 3 {
		c, ok := parseCounts(value)
		if !ok {
			return
		}
		switch p.rows {
		case 0:
			j.Dirs = c
		case 1:
			j.Files = c
		case 2:
			j.Bytes = c
		}
		p.rows++
		if p.rows == 3 {
			j.Summary = true
			p.recognized = true
		}
		return
	}
	if p.rows == 3 {
		p.rows++
		cells := strings.Fields(value)
		if len(cells) >= 1 && strings.Contains(cells[0], ":") {
			j.TimeTotal = strings.Clone(cells[0])
			if len(cells) >= 2 {
				j.TimeCopying = strings.Clone(cells[1])
			}
			return
		}
	}
	if n, ok := parseSpeed(value); ok {
		if p.speeds == 0 {
			j.SpeedBytesPerSec = n
		}
		p.speeds++
		return
	}
	j.Ended = strings.Clone(value)
	p.st = stAfter
}

// summaryRow reads a Dirs, Files or Bytes row of the summary table by its
// shape, whatever the language: a label, a colon, six numeric cells (byte
// cells may carry a k/m/g/t unit). The dashed line before the table is not
// needed: some logs lack it.
func summaryRow(s string) (Counts, bool) {
	if len(s) == 0 || s[0] == '\t' {
		return Counts{}, false
	}
	i := strings.IndexByte(s, ':')
	if i <= 0 || i+1 >= len(s) || (s[i+1] != ' ' && s[i+1] != '\t') {
		return Counts{}, false
	}
	label := strings.TrimSpace(s[:i])
	if label == "" || len(label) > 64 || strings.ContainsAny(label, "0123456789/\\") {
		return Counts{}, false
	}
	return parseCounts(s[i+1:])
}

// parseCounts reads the six cells of a summary row. A byte cell may be a
// number followed by a unit (k, m, g, t: powers of 1024).
func parseCounts(v string) (Counts, bool) {
	toks := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' })
	var cells []int64
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		mult := 1.0
		if i+1 < len(toks) && len(toks[i+1]) == 1 {
			if m, ok := unitMult(toks[i+1][0]); ok {
				mult = m
				i++
			}
		}
		n, ok := parseNumber(t, mult != 1)
		if !ok {
			return Counts{}, false
		}
		cells = append(cells, int64(math.Round(n*mult)))
	}
	if len(cells) != 6 {
		return Counts{}, false
	}
	return Counts{cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]}, true
}

func unitMult(c byte) (float64, bool) {
	switch c | 0x20 {
	case 'k':
		return 1 << 10, true
	case 'm':
		return 1 << 20, true
	case 'g':
		return 1 << 30, true
	case 't':
		return 1 << 40, true
	}
	return 0, false
}

// parseNumber reads a count, dropping grouping characters; with decimal
// set, the last '.' or ',' is the decimal point.
func parseNumber(t string, decimal bool) (float64, bool) {
	var b strings.Builder
	lastSep := -1
	for i, r := range t {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '.' || r == ',':
			lastSep = b.Len()
		case r == '\u00a0' || r == '\u202f' || r == '\'':
		case r == '-' && i == 0:
			b.WriteRune(r)
		default:
			return 0, false
		}
	}
	digits := b.String()
	if digits == "" || digits == "-" {
		return 0, false
	}
	if decimal && lastSep >= 0 {
		digits = digits[:lastSep] + "." + digits[lastSep:]
	}
	n, err := strconv.ParseFloat(digits, 64)
	return n, err == nil
}

// parseSpeed reads "5740251 Bytes/sec." in any language and grouping style.
func parseSpeed(v string) (int64, bool) {
	i := 0
	for i < len(v) {
		r, size := utf8.DecodeRuneInString(v[i:])
		if !(r >= '0' && r <= '9' || r == ',' || r == '.' || r == ' ' || r == '\'' || r == '\u00a0' || r == '\u202f') {
			break
		}
		i += size
	}
	num, unit := strings.TrimSpace(v[:i]), strings.TrimSpace(v[i:])
	if num == "" || !strings.Contains(unit, "/") || strings.ContainsAny(unit, "0123456789") {
		return 0, false
	}
	var n int64
	for _, r := range num {
		if r >= '0' && r <= '9' {
			n = n*10 + int64(r-'0')
		}
	}
	return n, true
}

// parseDuration reads h:mm:ss into seconds.
func parseDuration(s string) int64 {
	parts := strings.Split(s, ":")
	var secs int64
	for _, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return 0
		}
		secs = secs*60 + n
	}
	return secs
}

// findErrorStart returns where an error line starts inside s, or -1.
func findErrorStart(s string) int {
	for i := 1; i+20 <= len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' && s[i+4] == '/' && s[i+7] == '/' && s[i+10] == ' ' && s[i+13] == ':' {
			if _, ok := parseErrorLine(s[i:]); ok {
				return i
			}
		}
	}
	return -1
}

// parseErrorLine reads "yyyy/mm/dd hh:mm:ss <word> <code> (0x<hex>) <action> <path>".
func parseErrorLine(s string) (LogError, bool) {
	if len(s) < 32 || s[4] != '/' || s[7] != '/' || s[10] != ' ' || s[13] != ':' || s[16] != ':' || s[19] != ' ' {
		return LogError{}, false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if s[i] < '0' || s[i] > '9' {
			return LogError{}, false
		}
	}
	rest := s[20:]
	sp := strings.IndexByte(rest, ' ')
	if sp <= 0 {
		return LogError{}, false
	}
	word := rest[:sp]
	rest = rest[sp+1:]
	sp = strings.IndexByte(rest, ' ')
	if sp <= 0 {
		return LogError{}, false
	}
	code, err := strconv.Atoi(rest[:sp])
	if err != nil {
		return LogError{}, false
	}
	rest = rest[sp+1:]
	if len(rest) < 12 || !strings.HasPrefix(rest, "(0x") || rest[11] != ')' {
		return LogError{}, false
	}
	hex, err := strconv.ParseUint(rest[3:11], 16, 32)
	if err != nil || int(hex) != code {
		return LogError{}, false
	}
	rest = strings.TrimSpace(rest[12:])
	action, path := rest, ""
	if i := findPathStart(rest); i >= 0 {
		action, path = strings.TrimSpace(rest[:i]), rest[i:]
	}
	return LogError{Time: s[:19], Code: code, Action: action, Path: path, Message: word}, true
}

// findPathStart finds a drive-letter or UNC path in an error line's tail.
func findPathStart(s string) int {
	for i := 0; i+2 < len(s); i++ {
		if i > 0 && s[i-1] != ' ' {
			continue
		}
		c := s[i] | 0x20
		if c >= 'a' && c <= 'z' && s[i+1] == ':' && s[i+2] == '\\' {
			return i
		}
		if s[i] == '\\' && s[i+1] == '\\' {
			return i
		}
	}
	return -1
}

// addError records an error line. e's strings point into the line buffer:
// they are copied only when a new distinct error is kept.
func (p *logParser) addError(e LogError) {
	j := p.job
	if e.Message != p.errWord { // parseErrorLine passes the error word in Message
		p.errWord = strings.Clone(e.Message)
		p.errPrefix = p.errWord + ":"
	}
	j.ErrorsTotal++
	p.keyBuf = append(append(append(append(p.keyBuf[:0], e.Action...), 0), e.Path...), byte(e.Code), byte(e.Code>>8), byte(e.Code>>16), byte(e.Code>>24))
	if i, ok := j.errIndex[string(p.keyBuf)]; ok {
		j.Errors[i].Attempts++
		j.lastErr = i
	} else if len(j.Errors) < p.opts.MaxErrors {
		j.Errors = append(j.Errors, LogError{Time: strings.Clone(e.Time), Code: e.Code, Action: strings.Clone(e.Action), Path: strings.Clone(e.Path), Attempts: 1})
		j.errIndex[string(p.keyBuf)] = len(j.Errors) - 1
		j.lastErr = len(j.Errors) - 1
	} else {
		j.ErrorsOmitted++
		j.lastErr = -1
	}
	p.pendingMsg = j.lastErr >= 0
	p.afterMsg = false
}

// decide sets the job's outcome from its summary and, when known, the
// robocopy exit code, noting where the two disagree.
func (j *LogJob) decide(exit *int) {
	j.ExitCode = exit
	failed := j.Files.Failed + j.Dirs.Failed
	switch {
	case !j.Summary:
		j.Outcome = Fatal
		j.Notes = append(j.Notes, "the log has no summary: robocopy stopped before finishing (fatal error, killed, or the log was cut)")
	case failed > 0:
		j.Outcome = Partial
	default:
		j.Outcome = Success
	}
	if exit != nil {
		c := Classify(*exit)
		switch {
		case c == Fatal:
			j.Outcome = Fatal
		case c == Partial && j.Outcome == Success:
			j.Outcome = Partial
		}
		if j.Summary && c == Success && failed > 0 {
			j.Notes = append(j.Notes, fmt.Sprintf("exit code %d says success but the summary counts %d failed; trusting the summary", *exit, failed))
		}
		if j.Summary && c == Partial && failed == 0 {
			j.Notes = append(j.Notes, fmt.Sprintf("exit code %d says some copies failed but the summary counts none (seen on Server 2019); trusting the exit code", *exit))
		}
		if j.Summary && c == Fatal {
			j.Notes = append(j.Notes, fmt.Sprintf("exit code %d is fatal although the log has a summary", *exit))
		}
	}
	root, which := j.rootGaveUp()
	if root != nil {
		what := fmt.Sprintf("robocopy gave up on the %s folder %s (ERROR %d: %s) after %d attempt(s)", which, root.Path, root.Code, root.Message, root.Attempts)
		switch {
		case !j.Summary:
			j.Notes = append(j.Notes, what)
		case j.Files.Copied == 0 && j.Dirs.Copied == 0 && j.Bytes.Copied == 0:
			j.Outcome = Fatal
			j.Notes = append(j.Notes, what+" and copied nothing: fatal whatever the summary counts (robocopy documents this as exit 16)")
			return
		}
	}
	if j.Summary && failed == 0 && j.RetryLimitExceeded > 0 {
		j.Notes = append(j.Notes, fmt.Sprintf("%d operation(s) gave up after retries but the summary counts no failure", j.RetryLimitExceeded))
	}
}

// rootGaveUp returns the first error on the job's destination or source
// folder itself (not a file or subfolder in it) that robocopy gave up on
// after its retries, and which of the two it was. Robocopy documents a
// failure to reach either root as fatal (exit 16): nothing can be copied.
// Errors on single files or subfolders are not root errors: the run goes on
// and the summary counts them as failed (partial).
func (j *LogJob) rootGaveUp() (*LogError, string) {
	for i := range j.Errors {
		e := &j.Errors[i]
		switch {
		case !e.RetryLimitExceeded:
		case samePath(e.Path, j.Dest):
			return e, "destination"
		case samePath(e.Path, j.Source):
			return e, "source"
		}
	}
	return nil, ""
}

// samePath compares two Windows folder paths as Windows does: ignoring
// letter case and a trailing backslash.
func samePath(a, b string) bool {
	a, b = strings.TrimRight(a, `\ `), strings.TrimRight(b, `\ `)
	return a != "" && strings.EqualFold(a, b)
}
