package state

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/vssmirror/vssmirror/runner/report"
)

// HistoryEntry is one line of the job's JSON-lines run history.
type HistoryEntry struct {
	RunID         string         `json:"run_id"`
	Set           string         `json:"set,omitempty"`
	Start         time.Time      `json:"start"`
	End           time.Time      `json:"end"`
	Outcome       report.Outcome `json:"outcome"`
	ExitCode      int            `json:"exit_code"`
	BytesCopied   int64          `json:"bytes_copied"`
	FilesCopied   int64          `json:"files_copied"`
	FilesFailed   int64          `json:"files_failed"`
	ShadowsLeaked int            `json:"shadows_leaked"`
	// Sources are the per-source counts the next run's progress
	// estimates from (absent in lines older vssmirror versions wrote).
	Sources []HistorySource `json:"sources,omitempty"`
}

// HistorySource is one source's counts in a history line: what robocopy
// saw (totals) and copied.
type HistorySource struct {
	Path        string `json:"path"`
	FilesTotal  int64  `json:"files_total"`
	BytesTotal  int64  `json:"bytes_total"`
	FilesCopied int64  `json:"files_copied"`
	BytesCopied int64  `json:"bytes_copied"`
}

// EntryOf sums a run's report into its history line.
func EntryOf(rep *report.Report) HistoryEntry {
	h := HistoryEntry{RunID: rep.RunID, Set: rep.Set, Start: rep.Start, End: rep.End, Outcome: rep.Outcome, ExitCode: rep.ExitCode, ShadowsLeaked: len(rep.Cleanup.Leaked)}
	for _, s := range rep.Sources {
		h.BytesCopied += s.Bytes.Copied
		h.FilesCopied += s.Files.Copied
		h.FilesFailed += s.Files.Failed
		h.Sources = append(h.Sources, HistorySource{Path: s.Path, FilesTotal: s.Files.Total, BytesTotal: s.Bytes.Total, FilesCopied: s.Files.Copied, BytesCopied: s.Bytes.Copied})
	}
	return h
}

// HistoryPath is the job's run history in stateDir.
func HistoryPath(stateDir, jobName string) string {
	return filepath.Join(stateDir, jobName+".history.jsonl")
}

// AppendHistory appends the run to the job's history in stateDir, fsync'd.
func AppendHistory(stateDir string, rep *report.Report) error {
	line, err := json.Marshal(EntryOf(rep))
	if err != nil {
		return err
	}
	if err := MkdirPrivate(stateDir); err != nil {
		return fmt.Errorf("run history: %w", err)
	}
	path := HistoryPath(stateDir, rep.Job)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("run history: %w", err)
	}
	_, werr := f.Write(append(line, '\n'))
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("run history %s: %w", path, err)
	}
	return nil
}

// maxHistoryLine bounds one history line; vssmirror writes about 300 bytes.
const maxHistoryLine = 64 << 10

// MaxHistorySize bounds what is read of a history file: about 200,000
// runs of about 300 bytes, centuries of daily runs (fleet refuses a larger
// collected history outright). Of a larger file only the newest
// MaxHistorySize bytes are read.
const MaxHistorySize = 64 << 20

// ReadHistory reads the job's run history (oldest first; empty if none).
// A line that is not an entry vssmirror writes (bad JSON, an unknown
// outcome, an overlong line) is skipped and counted in skipped, so the
// caller can say so; it never steers a decision. Of a file larger than
// MaxHistorySize only the tail is read (ReadHistoryTail says how much was
// left out); a path that is not a regular file is refused.
func ReadHistory(stateDir, jobName string) (entries []HistoryEntry, skipped int, err error) {
	entries, skipped, _, err = ReadHistoryTail(stateDir, jobName)
	return entries, skipped, err
}

// ReadHistoryTail is ReadHistory that also returns cut, the bytes at the
// start of an oversized file that were not read (0 when all was read).
func ReadHistoryTail(stateDir, jobName string) (entries []HistoryEntry, skipped int, cut int64, err error) {
	f, fi, err := OpenRegular(HistoryPath(stateDir, jobName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, 0, nil
	}
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(io.LimitReader(f, MaxHistorySize), 64<<10)
	if fi.Size() > MaxHistorySize {
		cut = fi.Size() - MaxHistorySize
		if _, err := f.Seek(cut, io.SeekStart); err != nil {
			return nil, 0, 0, err
		}
		// The first line read is most likely the end of a cut one.
		if _, err := r.ReadSlice('\n'); err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, 0, cut, nil
		}
	}
	for {
		line, isPrefix, rerr := r.ReadLine()
		if rerr != nil {
			break
		}
		if isPrefix { // an overlong line: skip the rest of it
			skipped++
			for isPrefix && rerr == nil {
				_, isPrefix, rerr = r.ReadLine()
			}
			continue
		}
		if len(line) == 0 {
			continue
		}
		var h HistoryEntry
		if len(line) > maxHistoryLine || json.Unmarshal(line, &h) != nil || !h.Outcome.Known() {
			skipped++
			continue
		}
		entries = append(entries, h)
	}
	return entries, skipped, cut, nil
}

// ErrNotRegular is OpenRegular's refusal of a path that is not a regular
// file.
var ErrNotRegular = errors.New("not a regular file")

// OpenRegular opens path for reading after checking it is a regular file
// (a named pipe would block the open itself, a device could be endless),
// and checks that the file opened is the one checked. A missing file gives
// an error that wraps fs.ErrNotExist.
func OpenRegular(path string) (*os.File, os.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%w: %s is %s; vssmirror writes only regular files there: remove it", ErrNotRegular, path, kindOf(fi.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	got, err := f.Stat()
	if err == nil && !os.SameFile(fi, got) {
		err = fmt.Errorf("%s was replaced while it was being opened", path)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, got, nil
}

// LastSuccess returns the end of the last successful run in the history.
func LastSuccess(history []HistoryEntry) time.Time {
	var last time.Time
	for _, h := range history {
		if h.Outcome == report.Success && h.End.After(last) {
			last = h.End
		}
	}
	return last
}

// kindOf names what a path that is not a regular file is.
func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	default:
		return "not a regular file (" + m.Type().String() + ")"
	}
}
