//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vssm runs vssmirror.exe under wine with the scenario's job file.
func (s *scenario) vssm(args ...string) (string, int) {
	win := `C:\s-` + s.name
	full := append([]string{filepath.Join(driveC, "tools", "vssmirror.exe"), args[0], "--config", win + `\job.yaml`}, args[1:]...)
	return run(s.t, s.env, "wine", full...)
}

// TestSetStory is issue 11's evidence: a backup carries its own story
// (_vssmirror\ with manifest, hashes, .cab, scripts, report); a second run
// keeps the file the source lost in _vssmirror\deleted\<date>\ and the
// mirror matches the source; restore --dry-run lists, restore brings back
// a folder and the deleted file into an empty target; verify passes, then
// finds a truncated file (size) and a removed one (missing), each with
// exit 18; _vssmirror\ survives a third /MIR run.
func TestSetStory(t *testing.T) {
	job := strings.Replace(mirrorJob, "  threads: 0\n", "  threads: 0\n  keep_deleted_days: 7\n", 1) + "manifest:\n  hashes: true\n"
	s := newScenario(t, job)
	win := `C:\s-` + s.name
	s.write("Data/a.txt", "alpha")
	s.write("Data/c.txt", "charlie, deleted tomorrow")
	s.write("Data/sub/b.txt", "bravo")
	s.write("Data/sub/deep/d.txt", "delta")
	code, out, _ := s.run()
	require.Equal(t, 0, code, out)
	set := filepath.Join(s.dest, "backup")
	story := filepath.Join(set, "_vssmirror")
	for _, f := range []string{"manifest.json", "hashes.json", "e2e.cab", "e2e.dsh", "e2e.cmd", "e2e.story.json", "report.json"} {
		assert.FileExists(t, filepath.Join(story, f))
	}
	assert.FileExists(t, filepath.Join(set, "vssmirror-good.json"))
	manifest, _ := os.ReadFile(filepath.Join(story, "manifest.json"))
	assert.Contains(t, string(manifest), `"path":"sub\\deep\\d.txt","size":5`)
	assert.Regexp(t, `"shadows":\[\{"volume":"D","alias":"vssm_d","id":"\{[0-9a-f-]{36}\}"`, string(manifest))

	// Second run: one file deleted, one changed.
	require.NoError(t, os.Remove(filepath.Join(s.vol, "Data", "c.txt")))
	s.write("Data/a.txt", "alpha, changed")
	code, out, _ = s.run()
	require.Equal(t, 0, code, out)
	assert.Equal(t, tree(t, filepath.Join(s.vol, "Data")), tree(t, filepath.Join(set, "D", "Data")), "the mirror matches the source")
	days, err := os.ReadDir(filepath.Join(story, "deleted"))
	require.NoError(t, err)
	require.Len(t, days, 1)
	date := days[0].Name()
	kept, err := os.ReadFile(filepath.Join(story, "deleted", date, "D", "Data", "c.txt"))
	require.NoError(t, err, out)
	assert.Equal(t, "charlie, deleted tomorrow", string(kept))

	// restore --dry-run lists and copies nothing.
	target := win + `\restored`
	require.NoError(t, os.MkdirAll(linux(target), 0o755))
	out, code = s.vssm("restore", "--path", `D\Data`, "--to", target, "--dry-run", "--log-dir", win+`\rlog1`)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "a.txt")
	assert.Empty(t, tree(t, linux(target)), "a dry run copies nothing")

	// A folder, then the deleted file, into the empty target.
	out, code = s.vssm("restore", "--path", `D\Data\sub`, "--to", target+`\sub`, "--log-dir", win+`\rlog2`)
	require.Equal(t, 0, code, out)
	out, code = s.vssm("restore", "--deleted", "--from-date", date, "--to", target, "--log-dir", win+`\rlog3`)
	require.Equal(t, 0, code, out)
	assert.Equal(t, map[string]string{"sub/b.txt": "bravo", "sub/deep/d.txt": "delta", "D/Data/c.txt": "charlie, deleted tomorrow"}, tree(t, linux(target)))
	restores := 0
	for _, a := range s.argvs() {
		if !strings.HasPrefix(a[0], `E:\backup`) {
			continue // the backup's own robocopy runs
		}
		restores++
		assert.Contains(t, a, "/E", "%v", a)
		assert.Contains(t, a, "/B", "%v", a)
		for _, arg := range a {
			assert.NotContains(t, []string{"/MIR", "/PURGE"}, strings.ToUpper(arg), "restore: %v", a)
		}
	}
	assert.Equal(t, 3, restores, "dry run, folder, deleted file")
	// Over the live folder only with --in-place, which lists what it
	// writes there first.
	out, code = s.vssm("restore", "--path", `D\Data`, "--to", `D:\Data`)
	assert.Equal(t, 2, code, out)
	assert.Contains(t, out, "--in-place")
	s.write("Data/a.txt", "alpha, broken by a user")
	out, code = s.vssm("restore", "--path", `D\Data`, "--to", `D:\Data`, "--in-place", "--log-dir", win+`\rlog4`)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "in place: 1 files will be written into D:\\Data")
	assert.FileExists(t, filepath.Join(linux(win+`\rlog4`), "overwrites.log"))
	assert.FileExists(t, filepath.Join(linux(win+`\rlog4`), "restore.json"))
	got, _ := os.ReadFile(filepath.Join(s.vol, "Data", "a.txt"))
	assert.Equal(t, "alpha, changed", string(got), "the set's version is back")

	// verify: good, good with hashes; then a truncated file, then a removed one.
	out, code = s.vssm("verify", "--hashes")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "GOOD: 3 files in the manifest, 3 checked, 3 hashed")
	require.NoError(t, os.Truncate(filepath.Join(set, "D", "Data", "sub", "b.txt"), 2))
	out, code = s.vssm("verify")
	assert.Equal(t, 18, code, out)
	assert.Regexp(t, `size +source 1 +sub\\b.txt`, out)
	s.write("Data/sub/b.txt", "bravo") // (the source keeps its file)
	require.NoError(t, os.WriteFile(filepath.Join(set, "D", "Data", "sub", "b.txt"), []byte("bravo"), 0o644))
	require.NoError(t, os.Remove(filepath.Join(set, "D", "Data", "sub", "deep", "d.txt")))
	out, code = s.vssm("verify")
	assert.Equal(t, 18, code, out)
	assert.Regexp(t, `missing +source 1 +sub\\deep\\d.txt`, out)
	assert.NotContains(t, out, "size ")

	// A third /MIR run: _vssmirror survives, the set is whole again.
	code, out, _ = s.run()
	require.Equal(t, 0, code, out)
	assert.FileExists(t, filepath.Join(story, "deleted", date, "D", "Data", "c.txt"))
	assert.FileExists(t, filepath.Join(story, "manifest.json"))
	out, code = s.vssm("verify", "--hashes")
	assert.Equal(t, 0, code, out)
}
