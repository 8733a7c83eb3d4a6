package script

import (
	"bytes"
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

// Counts returns the number of errors and warnings in the report.
func (r FileReport) Counts() (errs, warns int) {
	for _, f := range r.Findings {
		if f.Severity == SevError {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

// LintFile reads and lints the diskshadow script at path. A file that
// cannot be read, or is not a text file, is an error naming the file.
func LintFile(path string) (FileReport, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return FileReport{}, fmt.Errorf("%s: no such file", path)
		}
		return FileReport{}, fmt.Errorf("reading %s: %w", path, err)
	}
	s, err := Parse(bytes.NewReader(data))
	if err != nil {
		return FileReport{}, fmt.Errorf("%s: %w; lint reads diskshadow scripts (.dsh text files)", path, err)
	}
	findings := Lint(path, s)
	if findings == nil {
		findings = []Finding{}
	}
	return FileReport{File: path, Encoding: s.Encoding, LineEndings: s.LineEndings, Statements: len(s.Statements), Findings: findings}, nil
}
