package job

import (
	"fmt"
	"strings"

	"github.com/vssmirror/vssmirror/internal/winname"
	"github.com/vssmirror/vssmirror/robocmd"
)

// StoryDir is the folder at the root of every backup set that holds the
// set's own story: the writer metadata, the scripts that ran, the run
// report, the manifest and the files /MIR would have deleted. No mirror
// touches it, and no source may use it as its target.
const StoryDir = "_vssmirror"

// Manifest configures what a run records in the set's manifest
// (_vssmirror\manifest.json) beside the file list.
type Manifest struct {
	// Hashes makes the copy script also record a SHA-256 of every file,
	// read from the snapshot while it exists, in the hashes sidecar, so
	// that `vssmirror verify --hashes` can check the set's content.
	Hashes bool `yaml:"hashes"`
	// HashWorkers is how many files are hashed at once (1-64).
	HashWorkers int `yaml:"hash_workers"`
}

// DefaultHashWorkers is the default of manifest.hash_workers.
const DefaultHashWorkers = 4

// MaxKeepDeletedDays bounds robocopy.keep_deleted_days (ten years).
const MaxKeepDeletedDays = 3650

// story checks the fields of the set's story: the manifest section,
// robocopy.keep_deleted_days, and that no source's target is StoryDir.
func (v *validator) story() {
	m := v.j.Manifest
	if m.HashWorkers < 1 || m.HashWorkers > 64 {
		v.add("manifest.hash_workers", "%d is out of range 1-64 (files hashed at once; default %d)", m.HashWorkers, DefaultHashWorkers)
	}
	r := v.j.Robocopy
	switch {
	case r.KeepDeletedDays < 0 || r.KeepDeletedDays > MaxKeepDeletedDays:
		v.add("robocopy.keep_deleted_days", "%d is out of range 0-%d (0 = /MIR deletes extras for good)", r.KeepDeletedDays, MaxKeepDeletedDays)
	case r.KeepDeletedDays > 0 && !r.Mirror:
		v.add("robocopy.keep_deleted_days", "keeps what /MIR would delete, but robocopy.mirror is false (nothing is deleted); set it to 0 or set mirror: true")
	}
	// The copy script runs vssmirror.exe to write the story, guard or not
	// (guard() checks it when the guard is on).
	if g := v.j.Guard; !g.Enabled {
		if !drivePathRE.MatchString(g.VssmirrorPath) {
			v.add("guard.vssmirror_path", "%q must be the absolute path of vssmirror.exe on the server (the copy script runs it to write the set's story), e.g. 'C:\\Program Files\\vssmirror\\vssmirror.exe'", g.VssmirrorPath)
		} else if err := robocmd.CheckPath(g.VssmirrorPath); err != nil {
			v.add("guard.vssmirror_path", "%s", quoteReason(err))
		}
	}
	for i, s := range v.j.Sources {
		first, _, _ := strings.Cut(s.Target, `\`)
		field := fmt.Sprintf("sources[%d].target", i)
		switch {
		case strings.EqualFold(first, StoryDir):
			v.add(field, "%q: %s is the folder where vssmirror keeps the set's manifest, scripts and deleted files; choose another target", s.Target, StoryDir)
		case winname.Short(first):
			// On a destination that keeps 8.3 names, _VSSMI~1 is _vssmirror.
			v.add(field, "%q: %q has the shape of an 8.3 short name, which may be the short name of %s (or of another folder) on the destination; use the long name", s.Target, first, StoryDir)
		}
		for part := range strings.SplitSeq(s.Target, `\`) {
			if winname.Device(part) {
				v.add(field, "%q: %q is a Windows device name (CON, NUL, COM1, ...), not a folder; choose another target", s.Target, part)
				break
			}
		}
	}
}
