package script

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHookShapeRules(t *testing.T) {
	const head = "set context persistent\r\nset metadata C:\\b\\j.cab\r\nwriter verify {76fe1ac4-15f7-4bcd-987e-8e1acb462fb7}\r\nbegin backup\r\nadd volume D: alias vssm_d\r\n"
	const tail = "delete shadows id %vssm_d%\r\nexit\r\n"
	tests := []struct {
		name string
		body string
		want []string // severity:rule of the errors and warnings of the hook shape rules
	}{
		{"the vssmirror shape", "exec C:\\s\\j-pre_snapshot.cmd\r\ncreate\r\nexpose %vssm_d% S:\r\nexec C:\\s\\j-post_snapshot.cmd\r\nexec C:\\s\\j.cmd\r\nexec C:\\s\\j-verify.cmd\r\nend backup\r\n", nil},
		{"copy script before create, vssmirror's shape", "exec C:\\s\\j.cmd\r\ncreate\r\nexpose %vssm_d% S:\r\nexec C:\\s\\j-verify.cmd\r\nend backup\r\n", []string{"error:exec-before-create"}},
		{"post hook before create", "exec C:\\s\\j-post_snapshot.cmd\r\ncreate\r\nexpose %vssm_d% S:\r\nend backup\r\n", []string{"error:exec-before-create"}},
		// An admin's own script (the Domino recipe): a quiesce exec before
		// create is legitimate, its risk a warning.
		{"an admin's quiesce before create", "exec C:\\s\\domino-quiesce.cmd\r\ncreate\r\nexec C:\\s\\domino-resume.cmd\r\nexpose %vssm_d% S:\r\nend backup\r\n", []string{"warning:exec-before-create"}},
		{"end backup before verify", "create\r\nexpose %vssm_d% S:\r\nexec C:\\s\\j.cmd\r\nend backup\r\nexec C:\\s\\j-verify.cmd\r\n", []string{"error:end-before-verify"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range lintText(t, head+tt.body+tail) {
				if f.Rule == "exec-before-create" || f.Rule == "end-before-verify" {
					got = append(got, string(f.Severity)+":"+f.Rule)
					if f.Severity == SevWarning {
						assert.Contains(t, f.Message, "stays quiesced")
					}
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
	// A script without create (the runner's resume script) may exec anything.
	assert.Empty(t, lintText(t, "exec C:\\s\\j-post_snapshot.cmd\r\nexit\r\n"))
	assert.True(t, strings.HasPrefix(ruleOf("exec-before-create").Docs, learn))
}
