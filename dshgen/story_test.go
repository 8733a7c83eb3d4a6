package dshgen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/templates"
)

const storyJob = `version: 1
name: fs
scripts_dir: 'C:\ProgramData\vssmirror\fs'
destination: '\\nas01\backups\fs'
sets: weekday
sources:
  - path: 'D:\Shares'
  - path: 'E:\Data'
`

// The guard and keep-deleted share one /L /FP pass per source; the story
// step runs after the last source, before the script's final checks.
func TestCopyScriptStorySteps(t *testing.T) {
	for _, tc := range []struct {
		name, yaml       string
		listPasses, keep int
	}{
		{"neither", "", 0, 0},
		{"guard", "guard:\n  enabled: true\n", 2, 0},
		{"keep", "robocopy:\n  keep_deleted_days: 7\n", 2, 2},
		{"both", "guard:\n  enabled: true\nrobocopy:\n  keep_deleted_days: 7\n", 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, err := job.Parse("job.yaml", []byte(storyJob+tc.yaml))
			require.NoError(t, err)
			b, err := Render(j, RenderOptions{Set: "Monday"})
			require.NoError(t, err)
			cmd := string(b.Files[1].Data)
			assert.Equal(t, tc.listPasses, strings.Count(cmd, " /L /FP "), "one /L pass per source at most")
			assert.Equal(t, tc.keep, strings.Count(cmd, `vssmirror.exe" keep-deleted "%~dp0fs.story.json" `))
			assert.Equal(t, 1, strings.Count(cmd, `vssmirror.exe" story "%~dp0fs.story.json"`))
			story := strings.Index(cmd, `" story "`)
			assert.Less(t, strings.LastIndex(cmd, ":vssm_src2_end"), story, "after the last source")
			assert.Less(t, story, strings.Index(cmd, "exit /b 0"), "before the script's success")
			if tc.keep > 0 {
				assert.Less(t, strings.Index(cmd, "keep-deleted"), strings.Index(cmd, `"/UNILOG+:`), "kept before /MIR")
			}
			var sp *StoryPlan
			for _, f := range b.Files {
				if f.Name == "fs.story.json" {
					p := filepath.Join(t.TempDir(), f.Name)
					require.NoError(t, os.WriteFile(p, f.Data, 0o644))
					sp, err = ReadStoryPlan(p)
					require.NoError(t, err)
				}
			}
			require.NotNil(t, sp)
			assert.Equal(t, "Monday", sp.Set)
			assert.Equal(t, `\\nas01\backups\fs\Monday`, sp.SetRoot)
			assert.Equal(t, `\\nas01\backups\fs\Monday\D\Shares`, sp.Sources[0].Dest)
			assert.Equal(t, `\\nas01\backups\fs\Monday\_vssmirror`, sp.Dir())
		})
	}
}

// Only a mirror into the set's root would reach the story folder: then
// /XD names it by its full path.
func TestStoryExcludes(t *testing.T) {
	assert.Equal(t, []string{`\\nas\b\Monday\_vssmirror`}, StoryExcludes(`\\nas\b\Monday\`, `\\nas\b\Monday`))
	assert.Nil(t, StoryExcludes(`\\nas\b\Monday\D\Shares`, `\\nas\b\Monday`))
}

// A story plan is input: a destination outside the set, a bad name or a
// path cmd.exe cannot take is refused.
func TestReadStoryPlanRefusesTampering(t *testing.T) {
	j, err := job.Parse("job.yaml", []byte(storyJob))
	require.NoError(t, err)
	b, err := Render(j, RenderOptions{Set: "Monday"})
	require.NoError(t, err)
	good := string(b.Files[len(b.Files)-1].Data)
	for name, bad := range map[string]string{
		"dest outside": strings.Replace(good, `Monday\\D\\Shares"`, `Tuesday\\D\\Shares"`, 1),
		"job name":     strings.Replace(good, `"job": "fs"`, `"job": "fs & calc"`, 1),
		"quote":        strings.Replace(good, `"path": "D:\\Shares"`, `"path": "D:\\Sha\"res"`, 1),
		"unknown":      strings.Replace(good, `"schema": 1,`, `"schema": 1, "exec": "x",`, 1),
		"story target": strings.Replace(strings.Replace(good, `"target": "D\\Shares"`, `"target": "_vssmirror"`, 1), `Monday\\D\\Shares"`, `Monday\\_vssmirror"`, 1),
	} {
		require.NotEqual(t, good, bad, name)
		p := filepath.Join(t.TempDir(), "fs.story.json")
		require.NoError(t, os.WriteFile(p, []byte(bad), 0o644))
		_, err := ReadStoryPlan(p)
		assert.Error(t, err, name)
	}
}

// A copy script override without the story step is refused for runs.
func TestCheckStoryStep(t *testing.T) {
	j, err := job.Parse("job.yaml", []byte(storyJob))
	require.NoError(t, err)
	b, err := Render(j, RenderOptions{})
	require.NoError(t, err)
	assert.NoError(t, CheckStoryStep(b))
	tdir := t.TempDir()
	data, err := templates.FS.ReadFile(templates.CopyCmd)
	require.NoError(t, err)
	old := strings.Replace(string(data), `{{cmdq $.Story.Exe}} story "%~dp0{{$.Story.File}}"`, "rem no story", 1)
	require.NotEqual(t, string(data), old)
	require.NoError(t, os.WriteFile(filepath.Join(tdir, templates.CopyCmd), []byte(old), 0o644))
	b, err = Render(j, RenderOptions{TemplateDir: tdir})
	require.NoError(t, err, "generate still renders it for review")
	assert.ErrorContains(t, CheckStoryStep(b), "does not run the set's story step")
}
