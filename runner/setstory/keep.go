package setstory

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/vssmirror/vssmirror/internal/atomicfile"
)

// DateLayout names the folders of deleted files: <story>\deleted\<date>.
const DateLayout = "2006-01-02"

// WriteReport writes the run report into the story folder (v is the
// report; any JSON value).
func WriteReport(folder string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(folder, ReportName), append(data, '\n'), 0o644)
}

// PruneDeleted removes the <folder>\deleted\<date> folders older than days
// days before now (by the date in their name; a folder whose name is not a
// date is left alone). It returns the names removed.
func PruneDeleted(folder string, days int, now time.Time) ([]string, error) {
	base := filepath.Join(folder, "deleted")
	entries, err := os.ReadDir(base)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	limit := today.AddDate(0, 0, -days)
	var pruned []string
	var errs []error
	for _, e := range entries {
		d, err := time.ParseInLocation(DateLayout, e.Name(), time.Local)
		if !e.IsDir() || err != nil || !d.Before(limit) {
			continue
		}
		if err := RemoveTree(filepath.Join(base, e.Name())); err != nil {
			errs = append(errs, err)
			continue
		}
		pruned = append(pruned, e.Name())
	}
	sort.Strings(pruned)
	return pruned, errors.Join(errs...)
}

// RemoveTree removes a folder and everything in it, files first, then
// folders from the deepest (os.RemoveAll fails under wine). Links are
// removed, never followed.
func RemoveTree(root string) error {
	var dirs []string
	var errs []error
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		if d.IsDir() {
			dirs = append(dirs, p)
			return nil
		}
		if err := os.Remove(p); err != nil {
			errs = append(errs, err)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := os.Remove(dirs[i]); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("removing %s: %w", root, errors.Join(errs...))
	}
	return nil
}
