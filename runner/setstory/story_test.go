package setstory

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/runner/manifest"
)

type fixture struct {
	root, plan, runDir, setRoot, snap string
	sp                                *dshgen.StoryPlan
}

func put(t *testing.T, path, content string) {
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

// newFixture lays out a run folder with its scripts, .cab and alias file,
// a snapshot folder and the set's copy of it, and the story plan.
func newFixture(t *testing.T, hashes bool) *fixture {
	root := t.TempDir()
	f := &fixture{root: root, runDir: filepath.Join(root, "runs", "20261120T223000Z-abcdef"), setRoot: filepath.Join(root, "nas", "Monday"), snap: filepath.Join(root, "S")}
	for _, n := range []string{"fs.dsh", "fs.cmd"} {
		put(t, filepath.Join(f.runDir, n), "script "+n)
	}
	put(t, filepath.Join(f.runDir, "fs.cab"), "MSCF")
	put(t, filepath.Join(f.runDir, dshgen.AliasFile), "vssm_d={11111111-2222-3333-4444-555555555555}\r\nVSS_SHADOW_SET={99999999-2222-3333-4444-555555555555}\r\nvssm_x=calc & whoami\r\n")
	dest := filepath.Join(f.setRoot, "D_Shares") // one part: off Windows a '\' is no separator
	for p, c := range map[string]string{"a.txt": "alpha", "sub/b.txt": "bravo", "sub/deep/c.txt": "charlie"} {
		put(t, filepath.Join(f.snap, p), c)
		put(t, filepath.Join(dest, p), c)
	}
	put(t, filepath.Join(dest, "only-in-set.txt"), "kept by /E") // not in the snapshot: not hashed
	f.sp = &dshgen.StoryPlan{Schema: 1, Job: "fs", Set: "Monday", SetRoot: f.setRoot, BackupType: "copy", Writers: true,
		Verify: []dshgen.WriterRef{}, Exclude: []dshgen.WriterRef{}, Metadata: filepath.Join(f.runDir, "fs.cab"),
		Scripts: []string{filepath.Join(f.runDir, "fs.dsh"), filepath.Join(f.runDir, "fs.cmd")},
		Volumes: []dshgen.StoryVolume{{Letter: "D", Alias: "vssm_d", Expose: "S"}},
		Sources: []dshgen.StorySource{{Index: 1, Path: `D:\Shares`, Target: `D_Shares`, Exposed: f.snap, Dest: dshgen.WinJoin(f.setRoot, `D_Shares`)}},
		Hashes:  hashes, HashWorkers: 3}
	f.plan = filepath.Join(f.runDir, "fs.story.json")
	put(t, f.plan, string(f.sp.JSON()))
	return f
}

func TestWriteTheStory(t *testing.T) {
	f := newFixture(t, true)
	res, err := Write(f.plan, Options{RunDir: f.runDir, Host: "SRV01", GzipAbove: 200})
	require.NoError(t, err)
	story := filepath.Join(f.setRoot, "_vssmirror")
	for _, n := range []string{"fs.cab", "fs.dsh", "fs.cmd", "fs.story.json"} {
		assert.FileExists(t, filepath.Join(story, n))
	}
	assert.Equal(t, "manifest.json.gz", res.Manifest, "above GzipAbove the manifest is compressed")
	assert.Equal(t, int64(4), res.Files)
	assert.Equal(t, int64(3), res.Hashed)
	assert.Equal(t, int64(1), res.Unhashed)
	assert.FileExists(t, filepath.Join(f.runDir, ResultName))

	r, err := manifest.Open(story, manifest.ManifestName, manifest.KindManifest)
	require.NoError(t, err)
	defer r.Close()
	assert.Equal(t, "20261120T223000Z-abcdef", r.Header.RunID)
	assert.Equal(t, "Monday", r.Header.Set)
	assert.Equal(t, "fs.cab", r.Header.Metadata)
	require.Len(t, r.Header.Shadows, 1)
	assert.Equal(t, "{11111111-2222-3333-4444-555555555555}", r.Header.Shadows[0].ID)
	assert.Equal(t, "{99999999-2222-3333-4444-555555555555}", r.Header.ShadowSet)
	assert.False(t, r.Header.SnapshotTime.IsZero())
	src, ok, err := r.NextSource()
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, `D_Shares`, src.Target)
	var paths []string
	for {
		e, ok, err := r.NextFile()
		require.NoError(t, err)
		if !ok {
			break
		}
		paths = append(paths, e.Path)
	}
	assert.Equal(t, []string{"a.txt", "only-in-set.txt", `sub\b.txt`, `sub\deep\c.txt`}, paths)

	h, err := manifest.Open(story, manifest.HashesName, manifest.KindHashes)
	require.NoError(t, err)
	defer h.Close()
	_, _, err = h.NextSource()
	require.NoError(t, err)
	e, _, err := h.NextFile()
	require.NoError(t, err)
	assert.Equal(t, "8ed3f6ad685b959ead7022518e1af76cd816f8e8ec7ccdda1ed4018e8f2223f8", e.SHA256, "sha256 of alpha")
}

// Without the .cab that set metadata names, the story fails: the backup
// must not be marked good without what a VSS restore needs.
func TestWriteFailsWithoutTheCab(t *testing.T) {
	f := newFixture(t, false)
	require.NoError(t, os.Remove(filepath.Join(f.runDir, "fs.cab")))
	res, err := Write(f.plan, Options{RunDir: f.runDir})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "writer metadata")
	assert.False(t, res.OK)
}

// A tampered plan (a destination outside the set) is refused before
// anything is written.
func TestWriteRefusesATamperedPlan(t *testing.T) {
	f := newFixture(t, false)
	f.sp.Sources[0].Dest = filepath.Join(f.root, "elsewhere")
	put(t, f.plan, string(f.sp.JSON()))
	_, err := Write(f.plan, Options{RunDir: f.runDir})
	require.Error(t, err)
	assert.NoDirExists(t, filepath.Join(f.setRoot, "_vssmirror"))
}
