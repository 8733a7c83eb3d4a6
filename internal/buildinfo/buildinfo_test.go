package buildinfo

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestResolve(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	for _, c := range []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  Info
		line                  string
	}{
		{
			name: "goreleaser stamps all three", version: "1.4.0", commit: "0123456789abcdef0123456789abcdef01234567", date: "2026-11-22T07:00:00Z",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			want: Info{Version: "1.4.0", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-11-22T07:00:00Z", GoVersion: "go1.26.8"},
			line: "1.4.0 (commit 0123456789ab, built 2026-11-22T07:00:00Z, go1.26.8)",
		},
		{
			name: "go install of a tagged version", version: "dev",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}},
			want: Info{Version: "v1.4.0", GoVersion: "go1.26.8"},
			line: "v1.4.0 (go1.26.8)",
		},
		{
			name: "go install of a commit: the pseudo-version carries commit and time", version: "dev",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.3.1-0.20261122070000-abcdef123456"}},
			want: Info{Version: "v1.3.1-0.20261122070000-abcdef123456", Commit: "abcdef123456", Date: "2026-11-22T07:00:00Z", GoVersion: "go1.26.8"},
			line: "v1.3.1-0.20261122070000-abcdef123456 (commit abcdef123456, built 2026-11-22T07:00:00Z, go1.26.8)",
		},
		{
			name: "go build in a dirty checkout", version: "dev",
			bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261122070000-abcdef123456+dirty"},
				Settings: vcs("vcs.revision", "abcdef1234567890", "vcs.time", "2026-11-22T06:59:00Z", "vcs.modified", "true")},
			want: Info{Version: "v0.0.0-20261122070000-abcdef123456+dirty", Commit: "abcdef1234567890", Date: "2026-11-22T06:59:00Z", Modified: true, GoVersion: "go1.26.8"},
			line: "v0.0.0-20261122070000-abcdef123456+dirty (commit abcdef123456, modified, built 2026-11-22T06:59:00Z, go1.26.8)",
		},
		{
			name: "stamped values win over the toolchain's", version: "2.0.0", commit: "feedface", date: "2026-12-01T00:00:00Z",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v1.0.0"}, Settings: vcs("vcs.revision", "abc", "vcs.time", "2020-01-01T00:00:00Z")},
			want: Info{Version: "2.0.0", Commit: "feedface", Date: "2026-12-01T00:00:00Z"},
			line: "2.0.0 (commit feedface, built 2026-12-01T00:00:00Z)",
		},
		{
			name: "goreleaser without a commit stamps none and the zero time", version: "0.0.1-SNAPSHOT-none", commit: "none", date: "0001-01-01T00:00:00Z",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			want: Info{Version: "0.0.1-SNAPSHOT-none", GoVersion: "go1.26.8"},
			line: "0.0.1-SNAPSHOT-none (go1.26.8)",
		},
		{
			name: "nothing known", version: "dev", bi: nil,
			want: Info{Version: "dev"}, line: "dev",
		},
		{
			name: "(devel) without a VCS stamp (-buildvcs=false)", version: "dev",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			want: Info{Version: "(devel)", GoVersion: "go1.26.8"}, line: "(devel) (go1.26.8)",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Resolve(c.version, c.commit, c.date, c.bi)
			assert.Equal(t, c.want, got)
			assert.Equal(t, c.line, got.String())
		})
	}
}
