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
		want []string // rule IDs of the errors
	}{
		{"the vssmirror shape", "exec C:\\s\\j-pre_snapshot.cmd\r\ncreate\r\nexpose %vssm_d% S:\r\nexec C:\\s\\j-post_snapshot.cmd\r\nexec C:\\s\\j.cmd\r\nexec C:\\s\\j-verify.cmd\r\nend backup\r\n", nil},
		{"copy script before create", "exec C:\\s\\j.cmd\r\ncreate\r\nexpose %vssm_d% S:\r\nend backup\r\n", []string{"exec-before-create"}},
		{"post hook before create", "exec C:\\s\\j-post_snapshot.cmd\r\ncreate\r\nexpose %vssm_d% S:\r\nend backup\r\n", []string{"exec-before-create"}},
		{"end backup before verify", "create\r\nexpose %vssm_d% S:\r\nexec C:\\s\\j.cmd\r\nend backup\r\nexec C:\\s\\j-verify.cmd\r\n", []string{"end-before-verify"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errs []string
			for _, f := range lintText(t, head+tt.body+tail) {
				if f.Severity == SevError {
					errs = append(errs, f.Rule)
				}
			}
			assert.Equal(t, tt.want, errs)
		})
	}
	// A script without create (the runner's resume script) may exec anything.
	assert.Empty(t, lintText(t, "exec C:\\s\\j-post_snapshot.cmd\r\nexit\r\n"))
	assert.True(t, strings.HasPrefix(ruleOf("exec-before-create").Docs, learn))
}
