package hashcheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vssmirror/vssmirror/internal/atomicfile"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner/manifest"
	"github.com/vssmirror/vssmirror/runner/report"
)

// Options say what to compare.
type Options struct {
	Snapshot string // the source folder in the exposed snapshot
	Dest     string // its copy in the destination
	Sample   int    // files picked at random
	// Copied are files (relative to Snapshot) that are always compared:
	// those robocopy reported as copied (CopiedFromLog).
	Copied []string
	// Rand picks the sample; nil = seeded from the OS.
	Rand *rand.Rand
}

// Compare hashes Sample files picked at random below Snapshot and the
// files of the same relative path below Dest, and reports the files whose
// contents differ or that are missing in Dest. An error means the
// comparison could not be made (the snapshot folder cannot be read); it
// is also a failure for the caller.
func Compare(o Options) (report.HashCompare, error) {
	res := report.HashCompare{Source: o.Snapshot, Mismatched: []string{}, Missing: []string{}}
	if o.Sample < 0 {
		return res, errors.New("the sample size must not be negative")
	}
	rng := o.Rand
	if rng == nil {
		rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	var picked []string
	seen := 0
	err := filepath.WalkDir(o.Snapshot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == o.Snapshot {
				return err
			}
			return nil // an unreadable folder below: robocopy reported it already
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(o.Snapshot, p)
		if err != nil {
			return nil
		}
		seen++
		if len(picked) < o.Sample {
			picked = append(picked, rel)
		} else if i := rng.IntN(seen); i < o.Sample {
			picked[i] = rel
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("reading the snapshot folder %s: %w", o.Snapshot, err)
	}
	seenRel := map[string]bool{}
	var all []string
	for _, rel := range append(append([]string{}, o.Copied...), picked...) {
		if key := strings.ToLower(rel); !seenRel[key] {
			seenRel[key] = true
			all = append(all, rel)
		}
	}
	sort.Strings(all)
	for _, rel := range all {
		a, _, err := manifest.HashFile(filepath.Join(o.Snapshot, rel))
		if err != nil {
			continue // a file the snapshot cannot give (robocopy failed it too and said so)
		}
		res.Compared++
		b, _, err := manifest.HashFile(filepath.Join(o.Dest, rel))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			res.Missing = append(res.Missing, rel)
		case err != nil:
			res.Mismatched = append(res.Mismatched, rel+" ("+err.Error()+")")
		case a != b:
			res.Mismatched = append(res.Mismatched, rel)
		}
	}
	res.OK = len(res.Mismatched) == 0 && len(res.Missing) == 0
	return res, nil
}

// WriteResult writes the comparison as JSON (the runner reads it back).
func WriteResult(path string, res report.HashCompare) error {
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(data, '\n'), 0o644)
}

// CopiedFromLog returns the files robocopy reported as copied in the last
// job of its log (a log appended to by earlier runs holds their jobs
// too), relative to root (the source folder robocopy read, e.g.
// S:\Data), at most max of them. It reads the log's layout, not its
// words (robocmd.ParseLog): every file line but the extras and
// mismatches; without /V robocopy lists only the files it acted on.
func CopiedFromLog(logPath, root string, max int) ([]string, error) {
	f, err := os.Open(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	prefix := strings.ToLower(strings.TrimRight(root, `\/`)) + `\`
	lastJob := -1
	var files []string
	var bad error
	_, err = robocmd.ParseLog(f, robocmd.LogOptions{OnFile: func(job int, class, path string) {
		if job != lastJob {
			lastJob, files = job, files[:0]
		}
		switch class {
		case "extra", "mismatch", "same", "lonely":
			return
		}
		if len(files) >= max || !strings.HasPrefix(strings.ToLower(path), prefix) {
			return
		}
		rel := path[len(prefix):]
		if cerr := manifest.CheckPath(rel); cerr != nil {
			// The log is input: '..' would hash files outside both folders.
			bad = fmt.Errorf("robocopy's log %s names %q: %v; not a path under %s robocopy writes", logPath, path, cerr, root)
			return
		}
		files = append(files, filepath.FromSlash(strings.ReplaceAll(rel, `\`, "/")))
	}})
	if err != nil {
		return nil, fmt.Errorf("reading robocopy's log %s: %w", logPath, err)
	}
	if bad != nil {
		return nil, bad
	}
	return files, nil
}

// ErrDiffers is wrapped by Check's error when a copy differs from the
// snapshot or is missing.
var ErrDiffers = errors.New("the copy differs from the snapshot")

// Check is the whole `vssmirror hashes` step: the files robocopy's log
// (logPath, "" = none) says it copied, at most copiedMax of them, and a
// random sample are compared (Compare); the result is written as JSON to
// resultPath ("" = not written) and summed up on w. The error is nil only
// when every file matched; a comparison that could not be made is
// recorded in the result's message as well.
func Check(o Options, logPath string, copiedMax int, resultPath string, w io.Writer) (report.HashCompare, error) {
	var err error
	if logPath != "" && copiedMax > 0 {
		o.Copied, err = CopiedFromLog(logPath, o.Snapshot, copiedMax)
	}
	res := report.HashCompare{}
	if err == nil {
		res, err = Compare(o)
	}
	if err != nil {
		res = report.HashCompare{Source: o.Snapshot, Mismatched: []string{}, Missing: []string{}, Message: err.Error()}
	}
	if resultPath != "" {
		if werr := WriteResult(resultPath, res); werr != nil {
			return res, werr
		}
	}
	bad := append(append([]string{}, res.Mismatched...), res.Missing...)
	fmt.Fprintf(w, "[vssmirror] hashes: %d compared, %d differ, %d missing\n", res.Compared, len(res.Mismatched), len(res.Missing))
	for _, m := range bad {
		fmt.Fprintln(w, "[vssmirror] hashes: not equal:", m)
	}
	if err == nil && !res.OK {
		err = fmt.Errorf("%w: %s", ErrDiffers, strings.Join(bad, ", "))
	}
	return res, err
}
