package buildinfo

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/mod/module"
)

// Info is what `vssmirror --version` shows.
type Info struct {
	Version string // v1.2.3, 1.2.3-SNAPSHOT-abc1234, (devel), or "dev" when nothing is known
	Commit  string // full or short commit hash; "" when unknown
	Date    string // build or commit time, RFC 3339 UTC; "" when unknown
	// Modified is true for a build from a checkout with uncommitted changes.
	Modified  bool
	GoVersion string
}

// Unknown is the version of a binary nothing was recorded for.
const Unknown = "dev"

// Resolve combines the values stamped with -ldflags (empty or "dev" when
// not stamped) with the toolchain's build info (bi may be nil): a stamped
// value always wins, and each missing one is taken from bi when it has it.
func Resolve(version, commit, date string, bi *debug.BuildInfo) Info {
	in := Info{Version: version, Commit: commit, Date: date}
	if in.Version == Unknown {
		in.Version = ""
	}
	// goreleaser stamps "none" when it cannot read the commit (a snapshot
	// of a repository without a remote).
	if in.Commit == "none" {
		in.Commit = ""
	}
	// ... and the zero time as its date.
	if t, err := time.Parse(time.RFC3339, in.Date); err == nil && t.IsZero() {
		in.Date = ""
	}
	if bi != nil {
		in.GoVersion = bi.GoVersion
		fromBuildInfo(&in, bi)
	}
	if in.Version == "" {
		in.Version = Unknown
	}
	return in
}

// fromBuildInfo fills what is still empty in in from bi.
func fromBuildInfo(in *Info, bi *debug.BuildInfo) {
	mv := bi.Main.Version
	if in.Version == "" && mv != "" {
		in.Version = mv
	}
	var rev, vcsTime string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			vcsTime = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
	}
	// `go install module@v0.0.0-20261122070000-abcdef123456` records no VCS
	// settings (the module proxy has no repository); the pseudo-version
	// carries the commit and its time.
	if rev == "" && module.IsPseudoVersion(strings.TrimSuffix(mv, "+dirty")) {
		v := strings.TrimSuffix(mv, "+dirty")
		if r, err := module.PseudoVersionRev(v); err == nil {
			rev = r
		}
		if t, err := module.PseudoVersionTime(v); err == nil {
			vcsTime = t.UTC().Format(time.RFC3339)
		}
	}
	if in.Commit == "" {
		in.Commit = rev
	}
	if in.Date == "" {
		in.Date = vcsTime
	}
}

// Read is Resolve with the running binary's own build info.
func Read(version, commit, date string) Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return Resolve(version, commit, date, bi)
}

// String is the one line `vssmirror --version` prints after the program's
// name: "1.2.3 (commit 0123abc, built 2026-11-22T07:00:00Z, go1.26.8)".
func (in Info) String() string {
	var parts []string
	if in.Commit != "" {
		c := in.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if in.Modified {
			c += ", modified"
		}
		parts = append(parts, "commit "+c)
	}
	if in.Date != "" {
		parts = append(parts, "built "+in.Date)
	}
	if in.GoVersion != "" {
		parts = append(parts, in.GoVersion)
	}
	if len(parts) == 0 {
		return in.Version
	}
	return fmt.Sprintf("%s (%s)", in.Version, strings.Join(parts, ", "))
}
