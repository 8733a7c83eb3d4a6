package dshgen

import (
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
	assert.Contains(t, pre, "set \"VSSMIRROR_SNAPSHOT_E=Z:\"\r\n")
	assert.NotContains(t, pre, "eseutil", "built-in checks only in the verify wrapper")
	post := files["ex-post_snapshot.cmd"]
	assert.Contains(t, post, "C:\\Windows\\System32\\net.exe start Domino <nul", "an .exe runs directly, without call")
	ver := files["ex-verify.cmd"]
	assert.Contains(t, ver, `"C:\Program Files\Microsoft\Exchange Server\V15\Bin\eseutil.exe" /k "%VSSM_DB%"`)
	assert.Contains(t, ver, `for /r Z:\DB %%F in (*.edb) do (`)
	assert.Contains(t, ver, `"C:\Program Files\vssmirror\vssmirror.exe" hashes --sample 3 --result "%VSSM_LOGDIR%\ex-hashes-1.json" Z:\DB \\nas01\ex\Monday\E\DB`)
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
	assert.Len(t, b.Files, 3)
	assert.NotContains(t, string(b.Files[0].Data), "pre_snapshot")
}
