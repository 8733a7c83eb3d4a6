package manifest

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vssmirror/vssmirror/internal/winname"
)

// Schema is the manifest schema this package writes and reads.
const Schema = 1

// File names in the set's story folder. A document larger than GzipAbove
// bytes is written gzip-compressed, with ".gz" appended to its name.
const (
	ManifestName = "manifest.json"
	HashesName   = "hashes.json"
	GzSuffix     = ".gz"
)

// GzipAbove is the size in bytes above which a document is written
// gzip-compressed (the writer buffers at most this much).
const GzipAbove = 1 << 20

// Kinds of document.
const (
	KindManifest = "vssmirror-manifest"
	KindHashes   = "vssmirror-hashes"
)

// Header is what a manifest says about its run, before the sources.
type Header struct {
	Schema       int        `json:"schema"`
	Kind         string     `json:"kind"`
	Job          string     `json:"job"`
	Host         string     `json:"host"`
	RunID        string     `json:"run_id"`
	Set          string     `json:"set"`
	SetRoot      string     `json:"set_root"`
	Written      time.Time  `json:"written"`
	SnapshotTime time.Time  `json:"snapshot_time"` // when the copy script started, right after create
	ShadowSet    string     `json:"shadow_set"`
	Shadows      []Shadow   `json:"shadows"`
	BackupType   string     `json:"backup_type"`
	Writers      WriterInfo `json:"writers"`
	Metadata     string     `json:"metadata"` // the .cab's name in the story folder, "" for none
	Scripts      []string   `json:"scripts"`  // names in the story folder
	Hashes       bool       `json:"hashes"`   // a hashes sidecar was written
	Algorithm    string     `json:"algorithm,omitempty"`
}

// Shadow is one shadow copy of the run.
type Shadow struct {
	Volume string `json:"volume"`
	Alias  string `json:"alias"`
	ID     string `json:"id"`
	Expose string `json:"exposed_as"`
}

// WriterInfo says which writers took part: Mode "writers" (every writer
// that is not excluded; the full list is in the .cab and report.json) or
// "nowriters" (crash-consistent), the writers verified (certainly
// included when the set is good) and the writers excluded.
type WriterInfo struct {
	Mode     string   `json:"mode"`
	Verified []string `json:"verified"`
	Excluded []string `json:"excluded"`
}

// Source is what a manifest says about one source, before its files.
type Source struct {
	Index  int    `json:"index"`
	Path   string `json:"path"`   // live path, e.g. D:\Shares
	Target string `json:"target"` // folder under the set, e.g. D\Shares
}

// Entry is one file: its path under the source's target folder (with
// backslashes), size, modification time and, in the hashes sidecar, its
// SHA-256 in hex ("" when it could not be read from the snapshot).
type Entry struct {
	Path   string    `json:"path"`
	Size   int64     `json:"size"`
	MTime  time.Time `json:"mtime"`
	SHA256 string    `json:"sha256,omitempty"`
}

// Totals are the counts written after a source's files and after the
// last source.
type Totals struct {
	Files int64 `json:"file_count"`
	Bytes int64 `json:"bytes"`
}

// MaxPath is the longest relative path an entry may have (Windows' long
// path limit, in bytes of UTF-8: generous).
const MaxPath = 32767 * 3

// CheckPath refuses an entry path that could lead outside its folder or
// is not one vssmirror writes: empty, absolute, with a drive, a '/', an
// empty, '.' or '..' part, a control character or invalid UTF-8.
func CheckPath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("an empty path")
	case len(p) > MaxPath:
		return fmt.Errorf("a path of %d bytes", len(p))
	case !utf8.ValidString(p):
		return fmt.Errorf("path %q is not UTF-8", p)
	case strings.ContainsAny(p, "/:"):
		return fmt.Errorf("path %q holds '/' or ':'", p)
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] == 0x7f {
			return fmt.Errorf("path %q holds a control character", p)
		}
	}
	for rest := p; ; {
		part, after, more := strings.Cut(rest, `\`)
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("path %q has an empty, '.' or '..' part", p)
		}
		if winname.Device(part) {
			return fmt.Errorf("path %q has a part that is a Windows device name (%s)", p, part)
		}
		if !more {
			return nil
		}
		rest = after
	}
}

// ComparePaths orders entry paths as Walk visits them: part by part
// (split at '\'), each part by its bytes, a folder's files right after the
// folder's name. It returns -1, 0 or +1.
func ComparePaths(a, b string) int {
	for {
		ai, bi := strings.IndexByte(a, '\\'), strings.IndexByte(b, '\\')
		ap, bp := a, b
		if ai >= 0 {
			ap = a[:ai]
		}
		if bi >= 0 {
			bp = b[:bi]
		}
		if c := strings.Compare(ap, bp); c != 0 {
			return c
		}
		switch {
		case ai < 0 && bi < 0:
			return 0
		case ai < 0:
			return -1
		case bi < 0:
			return 1
		}
		a, b = a[ai+1:], b[bi+1:]
	}
}
