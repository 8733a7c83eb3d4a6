package script

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// FileReport is the lint result of one file.
type FileReport struct {
	File        string    `json:"file"`
	Encoding    string    `json:"encoding"`
	LineEndings string    `json:"line_endings"`
	Statements  int       `json:"statements"`
	Findings    []Finding `json:"findings"`
}

// Counts returns the number of errors, warnings and information findings
// in the report.
func (r FileReport) Counts() (errs, warns, infos int) {
	for _, f := range r.Findings {
		switch f.Severity {
		case SevError:
			errs++
		case SevWarning:
			warns++
		default:
			infos++
		}
	}
	return errs, warns, infos
}

// sizeError is a file refused from its size before it was read.
type sizeError struct {
	path string
	size int64
}

func (e *sizeError) Error() string {
	return fmt.Sprintf("%s: the file holds %d bytes; a diskshadow script holds a few KB and lint reads at most 1 MiB: is it the right file?", e.path, e.size)
}

func (e *sizeError) Unwrap() error { return ErrTooLarge }

// LintFile reads and lints the diskshadow script at path. A file that
// cannot be read, is not a text file or is larger than MaxScriptSize (told
// from its size, before it is read) is an error naming the file.
func LintFile(path string) (FileReport, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return FileReport{}, fmt.Errorf("%s: no such file", path)
		}
		return FileReport{}, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return FileReport{}, fmt.Errorf("reading %s: %w", path, err)
	}
	switch {
	case fi.IsDir():
		return FileReport{}, fmt.Errorf("%s: is a folder, not a diskshadow script", path)
	case fi.Mode().IsRegular() && fi.Size() > MaxScriptSize:
		return FileReport{}, &sizeError{path: path, size: fi.Size()}
	}
	// Anything else (a pipe, a device) is read up to the limit by Parse.
	s, err := Parse(f)
	if err != nil {
		if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrBinary) {
			return FileReport{}, fmt.Errorf("%s: %w; lint reads diskshadow scripts (.dsh text files)", path, err)
		}
		return FileReport{}, fmt.Errorf("reading %s: %w", path, err)
	}
	findings := Lint(path, s)
	if findings == nil {
		findings = []Finding{}
	}
	return FileReport{File: path, Encoding: s.Encoding, LineEndings: s.LineEndings, Statements: len(s.Statements), Findings: findings}, nil
}
