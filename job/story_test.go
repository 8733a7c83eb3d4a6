package job

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const storyBase = `version: 1
name: fs
scripts_dir: 'C:\ProgramData\vssmirror\fs'
destination: '\\nas01\backups\fs'
sources:
  - path: 'D:\Shares'
`

func TestStoryFields(t *testing.T) {
	j, err := Parse("job.yaml", []byte(storyBase))
	require.NoError(t, err)
	assert.Equal(t, Manifest{Hashes: false, HashWorkers: DefaultHashWorkers}, j.Manifest)
	assert.Zero(t, j.Robocopy.KeepDeletedDays)

	j, err = Parse("job.yaml", []byte(storyBase+"manifest:\n  hashes: true\n  hash_workers: 8\nrobocopy:\n  keep_deleted_days: 30\n"))
	require.NoError(t, err)
	assert.Equal(t, Manifest{Hashes: true, HashWorkers: 8}, j.Manifest)
	assert.Equal(t, 30, j.Robocopy.KeepDeletedDays)

	for _, tc := range []struct{ yaml, want string }{
		{"manifest:\n  hash_workers: 0\n", "job.yaml:8: manifest.hash_workers: 0 is out of range 1-64"},
		{"manifest:\n  hash_workers: 65\n", "manifest.hash_workers: 65 is out of range"},
		{"robocopy:\n  keep_deleted_days: -1\n", "robocopy.keep_deleted_days: -1 is out of range"},
		{"robocopy:\n  keep_deleted_days: 7\n  mirror: false\n", "robocopy.keep_deleted_days: keeps what /MIR would delete, but robocopy.mirror is false"},
		{"manifest:\n  hashes: yes please\n", "manifest.hashes"},
	} {
		_, err := Parse("job.yaml", []byte(storyBase+tc.yaml))
		require.Error(t, err, tc.yaml)
		assert.Contains(t, err.Error(), tc.want, tc.yaml)
	}
}

// _vssmirror is the set's story folder: no source may mirror into it.
func TestStoryDirIsNoTarget(t *testing.T) {
	for _, target := range []string{`_vssmirror`, `_VSSMirror\x`} {
		_, err := Parse("job.yaml", []byte(storyBase+"    target: '"+target+"'\n"))
		require.Error(t, err, target)
		assert.Contains(t, err.Error(), "sources[0].target: ")
		assert.Contains(t, err.Error(), ": _vssmirror is the folder where vssmirror keeps the set's manifest")
	}
	_, err := Parse("job.yaml", []byte(storyBase+"    target: 'D\\_vssmirror'\n"))
	assert.NoError(t, err, "deeper down it is an ordinary name")
}

// A short name may alias the story folder; a device name is not a folder.
func TestStoryTargetShortAndDeviceNames(t *testing.T) {
	for target, want := range map[string]string{
		`_VSSMI~1`:    "8.3 short name",
		`_vssmi~1\db`: "8.3 short name",
		`data\NUL`:    "device name",
		`COM1.d`:      "device name",
	} {
		_, err := Parse("job.yaml", []byte(storyBase+"    target: '"+target+"'\n"))
		require.Error(t, err, target)
		assert.Contains(t, err.Error(), want, target)
	}
}
