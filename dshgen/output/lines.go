package output

import (
	"bufio"
	"errors"
	"io"
	"strings"
)

// MaxLine is the longest output line kept whole; the rest of a longer line
// is skipped (and the line marked with "..."), reading goes on. diskshadow
// prints nothing near this long: such a line is noise or an attack.
const MaxLine = 64 << 10

// ReadLines calls fn with every line of r, without its line ending, however
// long the lines are: a line longer than MaxLine is cut to MaxLine bytes
// and "..." and the rest of it skipped, so one overlong line never stops
// the reading (and with it the journaling of shadows). It returns the
// first read error other than io.EOF.
func ReadLines(r io.Reader, fn func(line string)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		if len(chunk) > 0 || isPrefix || err == nil {
			if isPrefix || long != nil {
				if len(long) < MaxLine {
					long = append(long, chunk[:min(len(chunk), MaxLine-len(long))]...)
				}
				if isPrefix {
					continue
				}
				line := string(long)
				if len(line) >= MaxLine {
					line += "..."
				}
				long = nil
				fn(strings.TrimRight(line, "\r"))
			} else if err == nil {
				fn(strings.TrimRight(string(chunk), "\r"))
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}
