package manifest

import (
	"io/fs"
	"iter"
	"path/filepath"
	"strings"
)

// Walk yields the regular files under root in ComparePaths order, each
// with its path relative to root (backslashes), size and modification
// time. skip, when not nil, is asked about every folder (its relative
// path): true leaves it out. Symbolic links, junctions and other
// non-regular files are not yielded. An error (a folder that cannot be
// read) is yielded with the entry's path and the walk goes on; a missing
// root is an error too.
func Walk(root string, skip func(rel string) bool) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			rel := ""
			if p != root {
				r, rerr := filepath.Rel(root, p)
				if rerr != nil {
					r = p
				}
				rel = strings.ReplaceAll(r, string(filepath.Separator), `\`)
			}
			if err != nil {
				if !yield(Entry{Path: rel}, err) {
					return filepath.SkipAll
				}
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if rel != "" && skip != nil && skip(rel) {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				if !yield(Entry{Path: rel}, err) {
					return filepath.SkipAll
				}
				return nil
			}
			if !yield(Entry{Path: rel, Size: fi.Size(), MTime: fi.ModTime()}, nil) {
				return filepath.SkipAll
			}
			return nil
		})
	}
}

// OSPath turns an entry path (backslashes) into a path under root on this
// system.
func OSPath(root, rel string) string {
	return filepath.Join(root, filepath.FromSlash(strings.ReplaceAll(rel, `\`, "/")))
}
