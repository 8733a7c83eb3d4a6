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
// UTF-8/ASCII; lines of any length are read.
func ExtraPaths(r io.Reader, dest string, fn func(path string, dir bool) error) error {
	br := bufio.NewReaderSize(r, peekBytes)
	head, _ := br.Peek(2)
	var src io.Reader = br
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) {
		br.Discard(2)
		src = newUTF16LEReader(br, peekBytes)
	}
	sep := `\`
	if strings.HasPrefix(dest, "/") {
		sep = "/" // a POSIX destination: the test doubles off Windows
	}
	prefix := strings.ToLower(strings.TrimRight(dest, sep)) + sep
	lr := bufio.NewReaderSize(src, 64<<10)
	for {
		line, err := lr.ReadString('\n')
		if len(line) > 0 {
			l := strings.TrimRight(line, "\r\n")
			if i := strings.LastIndexByte(l, '\t'); i >= 0 {
				p := strings.TrimSpace(l[i+1:])
				if len(p) > len(prefix) && strings.HasPrefix(strings.ToLower(p), prefix) {
					dir := strings.HasSuffix(p, sep)
					if err := fn(strings.TrimRight(p, sep), dir); err != nil {
						return err
					}
				}
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
