package job

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHookAndVerifyRules(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // "line: field: message part"; empty = valid
	}{
		{"hooks valid", base + "hooks:\n  pre_snapshot: ['C:\\Scripts\\q 100%.cmd', 'a&b']\n  post_snapshot: ['C:\\Windows\\System32\\net.exe', 'start', 'Domino']\n", nil},
		{"relative program", base + "hooks:\n  pre_snapshot: ['quiesce.cmd']\n", []string{`8: hooks.pre_snapshot[0]: "quiesce.cmd" must be the absolute path`}},
		{"program with switches in one entry", base + "hooks:\n  verify: ['C:\\Scripts\\check.exe /all']\n", []string{`8: hooks.verify[0]: "C:\\Scripts\\check.exe /all" is not a valid Windows path`}},
		{"quote in argument", base + "hooks:\n  verify: ['C:\\check.exe', 'a\"b']\n", []string{`8: hooks.verify[1]: it contains '"'`}},
		{"caret in a call argument", base + "hooks:\n  post_snapshot: ['C:\\resume.cmd', 'a^b']\n", []string{`8: hooks.post_snapshot[1]: it contains '^'`}},
		{"caret for an exe is fine", base + "hooks:\n  post_snapshot: ['C:\\resume.exe', 'a^b']\n", nil},
		{"script opened by association", base + "hooks:\n  pre_snapshot: ['C:\\Scripts\\quiesce.ps1']\n", []string{`8: hooks.pre_snapshot[0]: "C:\\Scripts\\quiesce.ps1" is neither a program (.exe, .com) nor a batch script`}},
		{"program without an extension", base + "hooks:\n  verify: ['C:\\Scripts\\check']\n", []string{`is neither a program`}},
		{"timeout range", base + "hooks:\n  timeout_seconds: 0\n", []string{`8: hooks.timeout_seconds: 0 is out of range 1-86400`}},
		{"verify on", base + "verify:\n  on: nas\n", []string{`8: verify.on: "nas": use snapshot`}},
		{"eseutil path relative", base + "verify:\n  eseutil: true\n  eseutil_path: eseutil.exe\n", []string{`9: verify.eseutil_path: "eseutil.exe" must be the absolute path`}},
		{"eseutil without writers", base + "shadow:\n  writers: false\nverify:\n  eseutil: true\n", []string{`10: verify.eseutil: eseutil checks Exchange databases`}},
		{"sample hashes range", base + "verify:\n  sample_hashes: -1\n", []string{`8: verify.sample_hashes: -1 is out of range`}},
		{"component valid", base + "verify:\n  verify_components: ['exchange:\\Microsoft Exchange Server\\Microsoft Information Store\\SRV01\\{11111111-2222-3333-4444-555555555555}']\n", nil},
		{"component without path", base + "verify:\n  verify_components: ['exchange']\n", []string{`8: verify.verify_components[0]: "exchange": write WRITER:`}},
		{"component unknown writer", base + "verify:\n  verify_components: ['exhange:\\x']\n", []string{`"exhange" is not a writer vssmirror knows`}},
		{"component with percent", base + "verify:\n  verify_components: ['sql:\\SRV\\%db%']\n", []string{`printable ASCII only`}},
		{"sql full refused", base + "shadow:\n  verify_writers: [sql]\n  backup_type: full\nsets: weekday\n", []string{`9: shadow.backup_type: backup_type: full with the SQL writer`}},
		{"sql full allowed", base + "shadow:\n  verify_writers: [sql]\n  backup_type: full\n  sql_full_ok: true\nsets: weekday\n", nil},
		{"exchange full not judged by the SQL rule", base + "shadow:\n  verify_writers: [exchange]\n  backup_type: full\nsets: weekday\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("job.yaml", []byte(tt.yaml))
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			var je *Error
			require.ErrorAs(t, err, &je)
			var got []string
			for _, p := range je.Problems {
				got = append(got, fmt.Sprintf("%d: %s: %s", p.Line, p.Field, p.Message))
			}
			for _, w := range tt.want {
				assert.Contains(t, strings.Join(got, "\n"), w)
			}
		})
	}
}

func TestHookDefaultsAndComponentNormalized(t *testing.T) {
	j, err := Parse("job.yaml", []byte(base+"verify:\n  verify_components: ['Exchange:\\A\\B']\n"))
	require.NoError(t, err)
	assert.Equal(t, DefaultHookTimeout, j.Hooks.TimeoutSeconds)
	assert.Equal(t, VerifyOnSnapshot, j.Verify.On)
	assert.Equal(t, []string{`{76fe1ac4-15f7-4bcd-987e-8e1acb462fb7}:\A\B`}, j.Verify.VerifyComponents)
	assert.False(t, j.Hooks.Any())
	assert.True(t, IsBatch(`C:\x.BAT`))
}
