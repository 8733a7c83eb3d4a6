// Package robodouble is a robocopy test double: the wine end-to-end suite
// builds it as robocopy.exe (./robocopy; wine's own robocopy.exe is a stub
// that always exits 16), and Go tests can run Main in-process. It
// implements the switches vssmirror's scripts use, really copies and
// purges files, writes a log in robocopy's English layout (read back by
// robocmd.ParseLog), and returns robocopy's exit bitmask.
//
// Switches: /MIR /E /S /PURGE /FFT /R:n /W:n /NP /XJ /MT[:n] /COPY:x
// /DCOPY:x /B /XF names... /XD names... /L /FP /TEE /LOG[+]:f /UNILOG[+]:f, plus
// /XA:x and /IPG:n (accepted, ignored). Anything else: exit 16.
//
// Environment:
//
//	ROBODOUBLE_FAIL   comma-separated file names that fail with ERROR 5 (exit bit 8)
//	ROBODOUBLE_FATAL  if set, fail fatally: exit 16, nothing copied
//	ROBODOUBLE_ARGV   append the exact argv, as a JSON array, to this file
//	ROBODOUBLE_SLOW   a duration (e.g. 5ms): write the log as the copy goes,
//	                  the header first, then each file line followed by this
//	                  pause, the summary last, as a long robocopy does, so
//	                  that a follower of the log sees its progress advance
//	ROBODOUBLE_LOSE   comma-separated file names whose copy is reported as
//	                  success but lands with its first byte changed (same
//	                  size and time): a NAS that acknowledged a write it lost
package robodouble

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/internal/utf16text"
)

type opts struct {
	src, dst      string
	mirror, purge bool
	list          bool
	fullPaths     bool // /FP: file lines name the full path
	xf, xd        []string
	log           string
	logAppend     bool
	unicode       bool
	switches      []string
}

// Main plays robocopy with args, writing what robocopy would print to
// stdout, reading its environment through getenv, and returns robocopy's
// exit code.
func Main(args []string, stdout io.Writer, getenv func(string) string) int {
	if p := getenv("ROBODOUBLE_ARGV"); p != "" {
		b, _ := json.Marshal(args)
		f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			f.Write(append(b, '\n'))
			f.Close()
		}
	}
	o, bad := parse(args)
	var log bytes.Buffer
	lf := openLog(o)
	defer lf.close()
	end := func() {
		stdout.Write(log.Bytes())
		lf.write(log.Bytes())
	}
	header(&log, o)
	if bad != "" {
		fmt.Fprintf(&log, "ERROR : Invalid Parameter #%s\r\n", bad)
		end()
		return 16
	}
	if o.src == "" || o.dst == "" {
		log.WriteString("ERROR : No Destination Directory Specified.\r\n")
		end()
		return 16
	}
	if getenv("ROBODOUBLE_FATAL") != "" {
		fmt.Fprintf(&log, "%s ERROR 53 (0x00000035) Accessing Destination Directory %s\\\r\nThe network path was not found.\r\n", stamp(), o.dst)
		end()
		return 16
	}
	if fi, err := os.Stat(o.src); err != nil || !fi.IsDir() {
		fmt.Fprintf(&log, "%s ERROR 2 (0x00000002) Accessing Source Directory %s\\\r\nThe system cannot find the file specified.\r\n", stamp(), o.src)
		end()
		return 16
	}
	c := &copier{o: o, log: &log, lf: lf, fail: map[string]bool{}, lose: map[string]bool{}}
	if d, err := time.ParseDuration(getenv("ROBODOUBLE_SLOW")); err == nil && d > 0 {
		c.slow = d
		lf.write(log.Bytes()) // the header, at once
	}
	for _, n := range strings.Split(getenv("ROBODOUBLE_LOSE"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			c.lose[strings.ToLower(n)] = true
		}
	}
	for _, n := range strings.Split(getenv("ROBODOUBLE_FAIL"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			c.fail[strings.ToLower(n)] = true
		}
	}
	c.tree(o.src, o.dst)
	if o.mirror || o.purge {
		c.purge(o.src, o.dst)
	}
	c.summary()
	end()
	code := 0
	if c.files.copied > 0 {
		code |= 1
	}
	if c.files.extras+c.dirs.extras > 0 {
		code |= 2
	}
	if c.files.failed > 0 {
		code |= 8
	}
	return code
}

func stamp() string { return time.Now().Format("2006/01/02 15:04:05") }

func parse(args []string) (opts, string) {
	var o opts
	var pos []string
	mode := ""
	for i, a := range args {
		if !strings.HasPrefix(a, "/") {
			switch mode {
			case "xf":
				o.xf = append(o.xf, a)
			case "xd":
				o.xd = append(o.xd, a)
			default:
				pos = append(pos, a)
			}
			continue
		}
		mode = ""
		name, val, _ := strings.Cut(a, ":")
		up := strings.ToUpper(name)
		switch up {
		case "/MIR":
			o.mirror = true
		case "/PURGE":
			o.purge = true
		case "/E", "/S", "/FFT", "/NP", "/XJ", "/B", "/MT", "/COPY", "/DCOPY", "/R", "/W", "/XA", "/IPG", "/ZB", "/Z":
		case "/L":
			o.list = true
		case "/FP":
			o.fullPaths = true
		case "/TEE":
		case "/XF":
			mode = "xf"
		case "/XD":
			mode = "xd"
		case "/LOG", "/LOG+", "/UNILOG", "/UNILOG+":
			o.log = val
			o.logAppend = strings.HasSuffix(up, "+")
			o.unicode = strings.HasPrefix(up, "/UNILOG")
		default:
			return o, strconv.Itoa(i+1) + " : \"" + a + "\""
		}
		o.switches = append(o.switches, a)
	}
	if len(pos) >= 1 {
		o.src = strings.TrimSuffix(pos[0], `\`)
	}
	if len(pos) >= 2 {
		o.dst = strings.TrimSuffix(pos[1], `\`)
	}
	if len(pos) > 2 {
		o.switches = append(o.switches, pos[2:]...) // file specs: not supported by the double
	}
	return o, ""
}

type counts struct{ total, copied, skipped, failed, extras int64 }

type copier struct {
	o           opts
	log         *bytes.Buffer
	lf          *logFile
	slow        time.Duration // ROBODOUBLE_SLOW: the pause after each file line
	fail        map[string]bool
	lose        map[string]bool // ROBODOUBLE_LOSE
	dirs, files counts
	bytes       counts
}

func match(name string, patterns []string) bool {
	for _, p := range patterns {
		if ok, _ := filepath.Match(strings.ToLower(p), strings.ToLower(name)); ok {
			return true
		}
	}
	return false
}

func (c *copier) tree(src, dst string) {
	entries, err := os.ReadDir(src)
	if err != nil {
		return
	}
	c.dirs.total++
	if _, err := os.Stat(dst); err != nil {
		c.dirs.copied++
		fmt.Fprintf(c.log, "\t  New Dir  %10d\t%s\\\r\n", len(entries), src)
		if !c.o.list {
			os.MkdirAll(dst, 0o755)
		}
	} else {
		c.dirs.skipped++
		fmt.Fprintf(c.log, "\t  %18d\t%s\\\r\n", len(entries), src)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		s, d := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		if e.IsDir() {
			if !match(e.Name(), c.o.xd) {
				c.tree(s, d)
			}
			continue
		}
		if match(e.Name(), c.o.xf) {
			continue
		}
		c.file(s, d, e)
	}
}

func (c *copier) file(s, d string, e fs.DirEntry) {
	fi, err := e.Info()
	if err != nil {
		return
	}
	c.files.total++
	c.bytes.total += fi.Size()
	if di, err := os.Stat(d); err == nil && di.Size() == fi.Size() && absDiff(di.ModTime(), fi.ModTime()) <= 2*time.Second {
		c.files.skipped++
		c.bytes.skipped += fi.Size()
		return
	}
	if c.fail[strings.ToLower(e.Name())] {
		c.files.failed++
		c.bytes.failed += fi.Size()
		fmt.Fprintf(c.log, "%s ERROR 5 (0x00000005) Copying File %s\r\nAccess is denied.\r\n\r\nERROR: RETRY LIMIT EXCEEDED.\r\n\r\n", stamp(), s)
		c.step()
		return
	}
	name := e.Name()
	if c.o.fullPaths {
		name = s
	}
	fmt.Fprintf(c.log, "\t    New File  \t\t%8d\t%s\r\n", fi.Size(), name)
	defer c.step()
	if !c.o.list {
		if err := copyFile(s, d, fi); err != nil {
			c.files.failed++
			fmt.Fprintf(c.log, "%s ERROR 5 (0x00000005) Copying File %s\r\n%v\r\n", stamp(), s, err)
			return
		}
		if c.lose[strings.ToLower(e.Name())] && fi.Size() > 0 {
			if f, err := os.OpenFile(d, os.O_WRONLY, 0); err == nil {
				f.WriteAt([]byte{'#'}, 0)
				f.Close()
				os.Chtimes(d, fi.ModTime(), fi.ModTime())
			}
		}
	}
	c.files.copied++
	c.bytes.copied += fi.Size()
}

func absDiff(a, b time.Time) time.Duration {
	d := a.Sub(b)
	if d < 0 {
		return -d
	}
	return d
}

func copyFile(s, d string, fi fs.FileInfo) error {
	in, err := os.Open(s)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(d)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Chtimes(d, fi.ModTime(), fi.ModTime())
}

// purge deletes what is in dst but not in src (/MIR, /PURGE), leaving
// excluded names alone as robocopy does.
func (c *copier) purge(src, dst string) {
	entries, err := os.ReadDir(dst)
	if err != nil {
		return
	}
	for _, e := range entries {
		s, d := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		if e.IsDir() {
			if match(e.Name(), c.o.xd) {
				continue
			}
			if _, err := os.Stat(s); err != nil {
				c.dirs.extras++
				fmt.Fprintf(c.log, "\t*EXTRA Dir        -1\t%s\\\r\n", d)
				if !c.o.list {
					RemoveTree(d)
				}
				continue
			}
			c.purge(s, d)
			continue
		}
		if match(e.Name(), c.o.xf) {
			continue
		}
		if _, err := os.Stat(s); err != nil {
			c.files.extras++
			var size int64
			if fi, err := e.Info(); err == nil {
				size = fi.Size()
			}
			c.bytes.extras += size
			name := e.Name()
			if c.o.fullPaths {
				name = d // robocopy names an extra file by its destination path
			}
			fmt.Fprintf(c.log, "\t  *EXTRA File \t\t%8d\t%s\r\n", size, name)
			if !c.o.list {
				os.Remove(d)
			}
		}
	}
}

func header(b *bytes.Buffer, o opts) {
	b.WriteString("\r\n-------------------------------------------------------------------------------\r\n")
	b.WriteString("   ROBOCOPY     ::     Robust File Copy for Windows                              \r\n")
	b.WriteString("-------------------------------------------------------------------------------\r\n\r\n")
	fmt.Fprintf(b, "  Started : %s\r\n   Source : %s\\\r\n     Dest : %s\\\r\n\r\n", time.Now().Format("Monday, January 2, 2006 3:04:05 PM"), o.src, o.dst)
	b.WriteString("    Files : *.*\r\n\t    \r\n")
	fmt.Fprintf(b, "  Options : *.* %s \r\n\r\n", strings.Join(o.switches, " "))
	b.WriteString("------------------------------------------------------------------------------\r\n\r\n")
}

func (c *copier) summary() {
	b := c.log
	b.WriteString("\r\n------------------------------------------------------------------------------\r\n\r\n")
	b.WriteString("               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n")
	row := func(name string, k counts) {
		fmt.Fprintf(b, "%8s : %9d %9d %9d %9d %9d %9d\r\n", name, k.total, k.copied, k.skipped, 0, k.failed, k.extras)
	}
	row("Dirs", c.dirs)
	row("Files", c.files)
	row("Bytes", c.bytes)
	b.WriteString("   Times :   0:00:00   0:00:00                       0:00:00   0:00:00\r\n\r\n")
	fmt.Fprintf(b, "   Ended : %s\r\n\r\n", time.Now().Format("Monday, January 2, 2006 3:04:05 PM"))
}

// step, in slow mode, writes what the log holds so far and pauses.
func (c *copier) step() {
	if c.slow <= 0 {
		return
	}
	c.lf.write(c.log.Bytes())
	if afterStep != nil {
		afterStep()
	}
	time.Sleep(c.slow)
}

// afterStep, set by tests, runs in slow mode after each line is written.
var afterStep func()

// logFile is the /LOG or /UNILOG file, written as robocopy does: UTF-16LE
// with a byte order mark at the start of the file for /UNILOG, appended to
// for /LOG+ and /UNILOG+.
type logFile struct {
	f       *os.File
	unicode bool
	written int // bytes of the log text already written
}

func openLog(o opts) *logFile {
	if o.log == "" {
		return &logFile{}
	}
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if o.logAppend {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(o.log, flags, 0o644)
	if err != nil {
		return &logFile{}
	}
	return &logFile{f: f, unicode: o.unicode}
}

// write writes the part of text (the whole log so far) not written yet.
func (l *logFile) write(text []byte) {
	if l.f == nil || len(text) <= l.written {
		return
	}
	part := text[l.written:]
	l.written = len(text)
	if !l.unicode {
		l.f.Write(part)
		return
	}
	b := utf16text.EncodeLE(string(part)) // with a BOM; only at the start of the file
	if fi, _ := l.f.Stat(); fi != nil && fi.Size() > 0 {
		b = b[len(utf16text.BOMLE):]
	}
	l.f.Write(b)
}

func (l *logFile) close() {
	if l.f != nil {
		l.f.Close()
	}
}

// RemoveTree removes path and everything below it with plain deletes.
// os.RemoveAll is not used: on Windows it deletes through handle-relative
// calls that wine does not implement ("Invalid function").
func RemoveTree(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil
	}
	if fi.IsDir() {
		entries, _ := os.ReadDir(path)
		for _, e := range entries {
			if err := RemoveTree(filepath.Join(path, e.Name())); err != nil {
				return err
			}
		}
	}
	return os.Remove(path)
}
