package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func TestLintExitCodes(t *testing.T) {
	clean := "set context persistent nowriters\r\nadd volume D: alias d\r\ncreate\r\nexpose %d% S:\r\ndelete shadows exposed S:\r\nexit\r\n"
	warn := "set context persistent nowriters\r\nadd volume D: alias d\r\ncreate\r\nexpose %d% S:\r\nexit\r\n"
	bad := "set context persistent nowriters\nadd volume D: alias d\ncreate\nexpose %d% S:\ndelete shadows all\n"

	code, stdout, _ := vssm(t, "lint", writeFile(t, "clean.dsh", clean))
	assert.Equal(t, exitOK, code)
	assert.Empty(t, stdout)

	w := writeFile(t, "warn.dsh", warn)
	code, stdout, _ = vssm(t, "lint", w)
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, w+":4: warning: [exposed-not-deleted] ")
	code, _, _ = vssm(t, "lint", "--strict", w)
	assert.Equal(t, exitLintWarn, code)

	b := writeFile(t, "bad.dsh", bad)
	code, stdout, _ = vssm(t, "lint", w, b)
	assert.Equal(t, exitLintError, code)
	assert.Contains(t, stdout, b+":1: error: [line-endings] ")
	// LF: linted as diskshadow reads it (`delete shadows al`).
	assert.Contains(t, stdout, b+":5: info: [lf-cut] diskshadow reads this LF line as `delete shadows al`")
	assert.Contains(t, stdout, b+":5: error: [bad-syntax] ")

	code, stdout, _ = vssm(t, "lint", "--json", b)
	assert.Equal(t, exitLintError, code)
	var out struct {
		Schema int
		Files  []struct {
			File        string
			LineEndings string `json:"line_endings"`
			Findings    []struct {
				Line           int
				Rule, Severity string
			}
		}
		Errors, Warnings, Infos int
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	assert.Equal(t, 1, out.Schema)
	assert.Equal(t, "lf", out.Files[0].LineEndings)
	assert.Equal(t, 6, out.Errors)
	assert.Equal(t, 5, out.Infos)

	code, _, stderr := vssm(t, "lint", filepath.Join(t.TempDir(), "nope.dsh"))
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "nope.dsh: no such file")

	code, _, _ = vssm(t, "lint")
	assert.Equal(t, exitUsage, code)
}

func TestLintRules(t *testing.T) {
	code, stdout, _ := vssm(t, "lint", "--rules")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "exec-leak")
	assert.Contains(t, stdout, "docs: https://learn.microsoft.com/windows-server/administration/windows-commands/exec")
	code, stdout, _ = vssm(t, "lint", "--rules", "--json")
	assert.Equal(t, exitOK, code)
	var rules []struct{ ID, Severity, Summary, Docs string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &rules))
	assert.Greater(t, len(rules), 20)
	for _, r := range rules {
		assert.NotEmpty(t, r.Docs, r.ID)
	}
}

func TestLintGeneratedExamples(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*/*.dsh")
	require.NotEmpty(t, files)
	code, stdout, stderr := vssm(t, append([]string{"lint", "--strict"}, files...)...)
	assert.Equal(t, exitOK, code, stdout+stderr)
}

func TestGuardCommand(t *testing.T) {
	mk := func(total, extras int) string {
		return writeFile(t, "list.log", "\r\n-------------------------------------------------------------------------------\r\n   ROBOCOPY     ::     Robust File Copy for Windows\r\n-------------------------------------------------------------------------------\r\n\r\n"+
			"  Started : x\r\n   Source : S:\\a\\\r\n     Dest : E:\\b\\\r\n\r\n    Files : *.*\r\n  Options : *.* /MIR /L\r\n\r\n------------------------------------------------------------------------------\r\n\r\n"+
			"------------------------------------------------------------------------------\r\n\r\n               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n"+
			"    Dirs :         1         0         1         0         0         0\r\n"+
			fmt.Sprintf("   Files : %9d         0 %9d         0         0 %9d\r\n", total, total, extras)+
			"   Bytes :         0         0         0         0         0         0\r\n   Times :   0:00:00   0:00:00                       0:00:00   0:00:00\r\n   Ended : x\r\n")
	}
	code, stdout, _ := vssm(t, "guard", "--max-delete-percent", "20", mk(95, 5))
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "within the limit 20%")
	code, stdout, _ = vssm(t, "guard", "--max-delete-percent", "20", mk(10, 90))
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "refusing to mirror")
	code, _, _ = vssm(t, "guard", filepath.Join(t.TempDir(), "missing.log"))
	assert.Equal(t, 1, code, "no /L log: refuse")
}
