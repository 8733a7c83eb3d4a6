package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vssmirror/vssmirror/dshgen/output"
	"github.com/vssmirror/vssmirror/internal/utf16text"
	"github.com/vssmirror/vssmirror/robocmd"
)

// LogKind is what a log file was written by.
type LogKind string

// Log kinds.
const (
	KindRobocopy   LogKind = "robocopy"
	KindDiskshadow LogKind = "diskshadow"
)

// RobocopyJob is one robocopy job of a log file, with the file it came from.
type RobocopyJob struct {
	Log string `json:"log"`
	*robocmd.LogJob
}

// DiskshadowLog is one diskshadow log and what it says.
type DiskshadowLog struct {
	Log string `json:"log"`
	*output.Output
}

// LogReport is the result of reading one or more logs.
type LogReport struct {
	Schema     int             `json:"schema"`
	Jobs       []RobocopyJob   `json:"jobs"`
	Diskshadow []DiskshadowLog `json:"diskshadow,omitempty"`
}

// ReadOptions changes how ReadLogs reads robocopy logs.
type ReadOptions struct {
	CodePage int  // force an OEM code page
	ExitCode *int // robocopy's exit code, applied to the last job of each log
}

// DetectKind tells a diskshadow log from a robocopy log by its first bytes.
func DetectKind(head []byte) LogKind {
	s := string(head)
	if t, _, ok := utf16text.Decode(head); ok {
		s = t
	}
	if strings.Contains(s, "Microsoft DiskShadow") || strings.Contains(s, "DISKSHADOW>") {
		return KindDiskshadow
	}
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "-> ") {
			return KindDiskshadow
		}
	}
	return KindRobocopy
}

// ReadLogs reads each log, detecting whether diskshadow or robocopy wrote it.
func ReadLogs(paths []string, opts ReadOptions) (*LogReport, error) {
	rep := &LogReport{Schema: 1, Jobs: []RobocopyJob{}}
	for _, p := range paths {
		if err := readLog(rep, p, opts); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func readLog(rep *LogReport, path string, opts ReadOptions) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading log: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if DetectKind(head) == KindDiskshadow {
		out, err := output.Parse(br)
		if err != nil {
			return fmt.Errorf("reading %s: %w", path, err)
		}
		rep.Diskshadow = append(rep.Diskshadow, DiskshadowLog{Log: path, Output: out})
		return nil
	}
	l, err := robocmd.ParseLog(br, robocmd.LogOptions{CodePage: opts.CodePage, ExitCode: opts.ExitCode})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, j := range l.Jobs {
		rep.Jobs = append(rep.Jobs, RobocopyJob{Log: path, LogJob: j})
	}
	return nil
}
