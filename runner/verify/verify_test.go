package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/manifest"
	"github.com/vssmirror/vssmirror/runner/state"
)

const testJob = `version: 1
name: fs
scripts_dir: 'C:\ProgramData\vssmirror\fs'
destination: '\\nas01\backups\fs'
sources:
  - path: 'D:\Shares'
    target: 'Shares'
`

var files = map[string]string{"a.txt": "alpha", "sub/b.txt": "bravo", "sub/deep/c.txt": "charlie", "z.bin": "zulu"}

// newSet writes a set with its manifest (and hashes) as the story step
// would, a good marker, and returns the job and the set's folder.
func newSet(t *testing.T, hashes bool) (*job.Job, string) {
	j, err := job.Parse("job.yaml", []byte(testJob))
	require.NoError(t, err)
	root := t.TempDir()
	j.Destination = root
	dir := filepath.Join(root, "Shares")
	mtime := time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(c), 0o644))
		require.NoError(t, os.Chtimes(full, mtime, mtime))
	}
	story := filepath.Join(root, job.StoryDir)
	h := manifest.Header{Kind: manifest.KindManifest, Job: "fs", RunID: "20261120T220000Z-abcdef", Hashes: hashes}
	mw, err := manifest.NewWriter(story, manifest.ManifestName, h, manifest.GzipAbove)
	require.NoError(t, err)
	h.Kind = manifest.KindHashes
	hw, err := manifest.NewWriter(story, manifest.HashesName, h, manifest.GzipAbove)
	require.NoError(t, err)
	src := manifest.Source{Index: 1, Path: `D:\Shares`, Target: "Shares"}
	require.NoError(t, mw.BeginSource(src))
	require.NoError(t, hw.BeginSource(src))
	for e, err := range manifest.Walk(dir, nil) {
		require.NoError(t, err)
		require.NoError(t, mw.Add(e))
		data, _ := os.ReadFile(manifest.OSPath(dir, e.Path))
		sum := sha256.Sum256(data)
		e.SHA256 = hex.EncodeToString(sum[:])
		require.NoError(t, hw.Add(e))
	}
	require.NoError(t, mw.EndSource())
	require.NoError(t, hw.EndSource())
	_, err = mw.Close()
	require.NoError(t, err)
	if hashes {
		_, err = hw.Close()
		require.NoError(t, err)
	} else {
		hw.Abort()
	}
	require.NoError(t, os.WriteFile(filepath.Join(root, state.MarkerName), []byte("{}"), 0o644))
	return j, root
}

func TestVerify(t *testing.T) {
	for _, tc := range []struct {
		name   string
		hashes bool
		damage func(t *testing.T, root string)
		want   map[string]int64
		warn   bool
	}{
		{name: "good", damage: func(*testing.T, string) {}},
		{name: "good with hashes", hashes: true, damage: func(*testing.T, string) {}},
		{name: "truncated", damage: func(t *testing.T, root string) {
			require.NoError(t, os.Truncate(filepath.Join(root, "Shares", "sub", "b.txt"), 2))
		}, want: map[string]int64{Size: 1}},
		{name: "removed", damage: func(t *testing.T, root string) {
			require.NoError(t, os.Remove(filepath.Join(root, "Shares", "sub", "deep", "c.txt")))
		}, want: map[string]int64{Missing: 1}},
		{name: "folder removed", damage: func(t *testing.T, root string) {
			require.NoError(t, os.RemoveAll(filepath.Join(root, "Shares")))
		}, want: map[string]int64{Missing: 4}},
		{name: "extra", damage: func(t *testing.T, root string) {
			require.NoError(t, os.WriteFile(filepath.Join(root, "Shares", "sub", "new.txt"), []byte("x"), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(root, "Shares", "zz.txt"), []byte("x"), 0o644))
		}, want: map[string]int64{Extra: 2}},
		{name: "time", damage: func(t *testing.T, root string) {
			p := filepath.Join(root, "Shares", "a.txt")
			require.NoError(t, os.Chtimes(p, time.Now(), time.Now()))
		}, want: map[string]int64{Time: 1}},
		{name: "content, same size and time", hashes: true, damage: func(t *testing.T, root string) {
			p := filepath.Join(root, "Shares", "z.bin")
			fi, _ := os.Stat(p)
			require.NoError(t, os.WriteFile(p, []byte("ZULU"), 0o644))
			require.NoError(t, os.Chtimes(p, fi.ModTime(), fi.ModTime()))
		}, want: map[string]int64{Hash: 1}},
		{name: "no manifest", damage: func(t *testing.T, root string) {
			require.NoError(t, os.Remove(filepath.Join(root, job.StoryDir, manifest.ManifestName)))
		}, want: map[string]int64{NoStory: 1}},
		{name: "no marker", damage: func(t *testing.T, root string) {
			require.NoError(t, os.Remove(filepath.Join(root, state.MarkerName)))
		}, warn: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, root := newSet(t, tc.hashes)
			tc.damage(t, root)
			res, err := Verify(Options{Job: j, Hashes: tc.hashes})
			require.NotNil(t, res)
			if tc.want == nil {
				require.NoError(t, err, "%+v", res.Findings)
				assert.True(t, res.OK)
				assert.Equal(t, int64(4), res.Checked)
				if tc.hashes {
					assert.Equal(t, int64(4), res.Hashed)
				}
			} else {
				require.True(t, errors.Is(err, ErrDamaged), "%v", err)
				assert.Equal(t, tc.want, res.Counts, "%+v", res.Findings)
				assert.False(t, res.OK)
			}
			assert.Equal(t, tc.warn, len(res.Warnings) > 0, "%v", res.Warnings)
		})
	}
}

func TestVerifyHashesNeedTheSidecar(t *testing.T) {
	j, _ := newSet(t, false)
	res, err := Verify(Options{Job: j, Hashes: true})
	require.ErrorIs(t, err, ErrDamaged)
	assert.Contains(t, res.Findings[0].Got, "manifest.hashes: true")
}

func TestCheckSet(t *testing.T) {
	j, err := job.Parse("job.yaml", []byte(testJob+"sets: weekday\n"))
	require.NoError(t, err)
	assert.NoError(t, CheckSet(j, "Monday"))
	assert.ErrorContains(t, CheckSet(j, ""), "give --set")
	assert.ErrorContains(t, CheckSet(j, "Funday"), "not a set of the job")
	j.Sets = job.Sets{Mode: job.SetsSingle}
	assert.NoError(t, CheckSet(j, ""))
	assert.ErrorContains(t, CheckSet(j, "Monday"), "leave --set out")
}
