package dshgen

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/job"
)

const hookJobYAML = `version: 1
name: ex
scripts_dir: 'C:\ProgramData\vssmirror\ex'
destination: '\\nas01\ex'
shadow:
  verify_writers: [exchange]
  backup_type: full
sources:
  - path: 'E:\DB'
sets: weekday
hooks:
  pre_snapshot: ['C:\Scripts\quiesce 100%.cmd', 'a&b']
  post_snapshot: ['C:\Windows\System32\net.exe', 'start', 'Domino']
  verify: ['C:\Scripts\check.cmd']
verify:
  eseutil: true
  sample_hashes: 3
  verify_components: ['exchange:\Microsoft Exchange Server\Microsoft Information Store\SRV01\{11111111-2222-3333-4444-555555555555}']
`

func TestHookWrappersAndExecOrder(t *testing.T) {
	j, err := job.Parse("job.yaml", []byte(hookJobYAML))
	require.NoError(t, err)
	b, err := Render(j, RenderOptions{Set: "Monday"})
	require.NoError(t, err)
	files := map[string]string{}
	for _, f := range b.Files {
		files[f.Name] = string(f.Data)
	}
	dsh := files["ex.dsh"]
	var order []string
	for _, l := range strings.Split(dsh, "\r\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			f := append(strings.Fields(l), "")
			order = append(order, f[0]+" "+f[1])
		}
	}
	want := []string{"set context", "set metadata", "set verbose", "writer verify", "writer verify", "begin backup", "add volume",
		`exec C:\ProgramData\vssmirror\ex\ex-pre_snapshot.cmd`, "create ", "expose %vssm_e%",
		`exec C:\ProgramData\vssmirror\ex\ex-post_snapshot.cmd`, `exec C:\ProgramData\vssmirror\ex\ex.cmd`,
		`exec C:\ProgramData\vssmirror\ex\ex-verify.cmd`, "end backup", "delete shadows", "exit "}
	assert.Equal(t, want, order)
	assert.Contains(t, dsh, `writer verify "{76fe1ac4-15f7-4bcd-987e-8e1acb462fb7}:\Microsoft Exchange Server\Microsoft Information Store\SRV01\{11111111-2222-3333-4444-555555555555}"`)

	pre := files["ex-pre_snapshot.cmd"]
	assert.Contains(t, pre, "call \"C:\\Scripts\\quiesce 100%%%%.cmd\" \"a&b\" <nul >\"%VSSM_LOGDIR%\\ex-pre_snapshot.out.log\" 2>&1\r\n", "call line: % survives two expansions")
	assert.Contains(t, pre, "set \"VSSMIRROR_JOB=ex\"\r\n")
	assert.Contains(t, pre, "set \"VSSMIRROR_SET=Monday\"\r\n")
	// The pre_snapshot hook runs before create: no exposed letter yet, and
	// an inherited value is cleared (review A, L8).
	assert.Contains(t, pre, "set \"VSSMIRROR_SNAPSHOT_E=\"\r\n")
	assert.NotContains(t, pre, "VSSMIRROR_SNAPSHOT_E=Z:")
	assert.Contains(t, files["ex-post_snapshot.cmd"], "set \"VSSMIRROR_SNAPSHOT_E=Z:\"\r\n")
	assert.Contains(t, files["ex-verify.cmd"], "set \"VSSMIRROR_SNAPSHOT_E=Z:\"\r\n")
	assert.NotContains(t, pre, "eseutil", "built-in checks only in the verify wrapper")
	// The hook's output reaches diskshadow's stream, which the runner parses
	// for shadows, deletions and commands: never raw, each line prefixed.
	assert.NotContains(t, pre, `type "%VSSM_LOGDIR%\ex-pre_snapshot.out.log"`)
	assert.Contains(t, pre, "for /f \"usebackq delims=\" %%L in (\"%VSSM_LOGDIR%\\ex-pre_snapshot.out.log\") do echo [hook] %%L\r\n")
	// A batch hook runs in a child cmd.exe (the wrapper runs itself again),
	// so that its `exit` without /b ends only the child; no .rc from the
	// child means the hook ended it, and the wrapper fails (review A, H1).
	child := "\"%SystemRoot%\\System32\\cmd.exe\" /d /c \"\"%%VSSM_WRAPPER%%\"\"\r\n"
	for _, name := range []string{"ex-pre_snapshot.cmd", "ex-verify.cmd"} {
		w := files[name]
		rc := strings.TrimSuffix(name, ".cmd") + ".rc"
		assert.Contains(t, w, "if \"%VSSM_CHILD%\"==\""+name+"\" goto vssm_child\r\n", name)
		assert.Contains(t, w, "set \"VSSM_WRAPPER=%~f0\"\r\n", name)
		assert.Contains(t, w, "if exist \"%VSSM_LOGDIR%\\"+rc+"\" del \"%VSSM_LOGDIR%\\"+rc+"\"\r\n"+child, name)
		assert.Contains(t, w, child+"set \"VSSM_WRC=%ERRORLEVEL%\"\r\nif not exist \"%VSSM_LOGDIR%\\"+rc+"\" goto vssm_hookexited\r\nexit /b %VSSM_WRC%\r\n", name)
		assert.Less(t, strings.Index(w, child), strings.Index(w, "call "), "%s: the child runs the hook", name)
		assert.Less(t, strings.Index(w, child), strings.Index(w, ":vssm_child"), name)
	}
	post := files["ex-post_snapshot.cmd"]
	assert.Contains(t, post, "C:\\Windows\\System32\\net.exe start Domino <nul", "an .exe runs directly, without call")
	assert.NotContains(t, post, "VSSM_WRAPPER", "a program cannot end the wrapper: no child cmd.exe")
	ver := files["ex-verify.cmd"]
	assert.Contains(t, ver, `"C:\Program Files\Microsoft\Exchange Server\V15\Bin\eseutil.exe" /k "%VSSM_DB%"`)
	assert.Contains(t, ver, `for /r Z:\DB %%F in (*.edb) do (`)
	assert.Contains(t, ver, `"C:\Program Files\vssmirror\vssmirror.exe" hashes --sample 3 --copied-max 1000 --log "%VSSM_LOGDIR%\ex-robocopy-1.log" --result "%VSSM_LOGDIR%\ex-hashes-1.json" Z:\DB \\nas01\ex\Monday\E\DB`)
	for name, data := range files {
		if strings.HasSuffix(name, ".cmd") {
			assert.NotContains(t, strings.ReplaceAll(data, "\r\n", ""), "\n", "%s: CRLF only", name)
		}
	}
}

func TestNoHooksNoWrappers(t *testing.T) {
	j, err := job.Parse("job.yaml", []byte(strings.SplitN(hookJobYAML, "hooks:", 2)[0]))
	require.NoError(t, err)
	b, err := Render(j, RenderOptions{})
	require.NoError(t, err)
	assert.Len(t, b.Files, 4) // .dsh, .cmd, cleanup .dsh, story plan: no hook wrappers
	assert.NotContains(t, string(b.Files[0].Data), "pre_snapshot")
}

func TestTwoPhasePair(t *testing.T) {
	j, err := job.Parse("job.yaml", []byte(strings.Replace(strings.Replace(hookJobYAML, "  backup_type: full\n", "", 1), "sets: weekday\n", "", 1)))
	require.NoError(t, err)
	b, err := Render(j, RenderOptions{TwoPhase: true})
	require.NoError(t, err)
	var names []string
	files := map[string]string{}
	for _, f := range b.Files {
		names = append(names, f.Name)
		files[f.Name] = string(f.Data)
	}
	assert.Equal(t, []string{"ex-start.dsh", "ex-stop.dsh", "ex-pre_snapshot.cmd", "ex-post_snapshot.cmd"}, names, "no copy script, no verify wrapper")
	start := files["ex-start.dsh"]
	create := strings.Index(start, "\r\ncreate\r\n")
	expose := strings.Index(start, "\r\nexpose %vssm_e% Z:\r\n")
	require.True(t, create > 0 && expose > create, "the seed's bug: its start script exposed an alias it never created")
	assert.NotContains(t, start, "begin backup")
	assert.NotContains(t, start, "delete shadows")
	stop := files["ex-stop.dsh"]
	assert.Contains(t, stop, "\r\ndelete shadows exposed Z:\r\nexit\r\n")
	assert.NotContains(t, stop, "\r\ndelete shadows volume", "the seed's bug: it deleted every shadow of the volume")

	full, err := job.Parse("job.yaml", []byte(hookJobYAML))
	require.NoError(t, err)
	_, err = Render(full, RenderOptions{TwoPhase: true})
	require.ErrorContains(t, err, "a two-phase snapshot is a copy snapshot")
}

// Every preset renders (and so lints clean: Render refuses a .dsh with a
// finding), the two-phase pair too where the preset is a copy backup.
func TestPresetsRenderAndLint(t *testing.T) {
	for _, name := range job.PresetNames() {
		data, err := job.Preset(name)
		require.NoError(t, err)
		j, err := job.Parse(name+".yaml", data)
		require.NoError(t, err, name)
		_, err = Render(j, RenderOptions{})
		require.NoError(t, err, name)
		if j.Shadow.BackupType == job.BackupCopy {
			_, err = Render(j, RenderOptions{TwoPhase: true})
			require.NoError(t, err, name)
		}
	}
}

// TestTwoPhaseExamples renders the two-phase pair of every copy-backup
// example that has hooks and compares it with the committed files
// (<name>-start.dsh, <name>-stop.dsh); -update rewrites them.
func TestTwoPhaseExamples(t *testing.T) {
	jobs := exampleJobs(t)
	n := 0
	for _, jobFile := range jobs {
		j, err := job.Load(jobFile)
		require.NoError(t, err)
		if !j.Hooks.Any() || j.Shadow.BackupType != job.BackupCopy {
			continue
		}
		n++
		b, err := Render(j, RenderOptions{TwoPhase: true})
		require.NoError(t, err)
		dir := filepath.Dir(jobFile)
		if *update {
			require.NoError(t, b.Write(dir))
		}
		for _, f := range b.Files {
			want, err := os.ReadFile(filepath.Join(dir, f.Name))
			require.NoError(t, err, "run `make examples` to render the example")
			assert.True(t, bytes.Equal(want, f.Data), "%s differs from the rendered script; if the change is deliberate run `make examples`", f.Name)
		}
	}
	assert.Positive(t, n, "examples/domino has the two-phase pair")
}
