package hashcheck

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"

	"github.com/vssmirror/vssmirror/internal/atomicfile"
	"github.com/vssmirror/vssmirror/runner/report"
)

// Options say what to compare.
type Options struct {
	Snapshot string // the source folder in the exposed snapshot
	Dest     string // its copy in the destination
	Sample   int    // files picked at random
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
	if o.Sample <= 0 {
		return res, errors.New("the sample size must be at least 1")
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
	sort.Strings(picked)
	for _, rel := range picked {
		a, err := hashFile(filepath.Join(o.Snapshot, rel))
		if err != nil {
			continue // a file the snapshot cannot give (robocopy failed it too and said so)
		}
		res.Compared++
		b, err := hashFile(filepath.Join(o.Dest, rel))
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

func hashFile(p string) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	f, err := os.Open(p)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// WriteResult writes the comparison as JSON (the runner reads it back).
func WriteResult(path string, res report.HashCompare) error {
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(data, '\n'), 0o644)
}
