package robocmd

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// ExtraPaths reads the log of a robocopy /L /FP pass of a mirror into
// dest and calls fn with every path under dest it names: with /FP an
// extra file or folder (what /MIR would delete) is the only line naming a
// path inside the destination; copies and folder headers name source
// paths. It reads the layout, not the words (the class column is
// localized): the path is the last tab-separated field of a line. A folder
// ends in '\'. The log is UTF-16LE with a byte order mark (/UNILOG) or
// UTF-8/ASCII; lines of any length are read (UTF-16 lines up to the
// longest path Windows allows).
func ExtraPaths(r io.Reader, dest string, fn func(path string, dir bool) error) error {
	sep := `\`
	if strings.HasPrefix(dest, "/") {
		sep = "/" // a POSIX destination: the test doubles off Windows
	}
	prefix := strings.ToLower(strings.TrimRight(dest, sep)) + sep
	line := func(l string) error {
		if i := strings.LastIndexByte(l, '\t'); i >= 0 {
			p := strings.TrimSpace(l[i+1:])
			if len(p) > len(prefix) && strings.HasPrefix(strings.ToLower(p), prefix) {
				return fn(strings.TrimRight(p, sep), strings.HasSuffix(p, sep))
			}
		}
		return nil
	}
	br := bufio.NewReaderSize(r, peekBytes)
	if head, _ := br.Peek(2); bytes.HasPrefix(head, []byte{0xFF, 0xFE}) {
		br.Discard(2)
		return extraPathsUTF16(br, line)
	}
	for {
		l, err := br.ReadString('\n')
		if len(l) > 0 {
			if err := line(strings.TrimRight(l, "\r\n")); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// maxPathLine bounds a line of a UTF-16 /FP listing: a Windows path holds
// at most 32,767 UTF-16 code units, at most 3 bytes each in UTF-8, with
// room for the columns before it.
const maxPathLine = 128 << 10

// extraPathsUTF16 hands each line of a UTF-16LE log (its byte order mark
// skipped) to line, decoded in one pass (UTF16LELines).
func extraPathsUTF16(r io.Reader, line func(string) error) error {
	d := newUTF16LELinesMax(maxPathLine)
	var ferr error
	each := func(b []byte, _ bool) {
		if ferr == nil {
			ferr = line(string(b))
		}
	}
	buf := make([]byte, peekBytes)
	for ferr == nil {
		n, err := r.Read(buf)
		d.Feed(buf[:n], each)
		if err == io.EOF {
			d.Flush(each)
			break
		}
		if err != nil {
			return err
		}
	}
	return ferr
}
