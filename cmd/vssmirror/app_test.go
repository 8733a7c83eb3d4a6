package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/templates"
)

// vssm runs the app with args and returns its exit code, stdout and stderr.
func vssm(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"vssmirror"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestGenerateExample(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := vssm(t, "generate", "--config", "../../examples/fileserver/job.yaml", "--out", out)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, filepath.Join(out, "fileserver.dsh"))
	for _, n := range []string{"fileserver.dsh", "fileserver.cmd", "fileserver-cleanup.dsh"} {
		got, err := os.ReadFile(filepath.Join(out, n))
		require.NoError(t, err)
		want, err := os.ReadFile(filepath.Join("../../examples/fileserver", n))
		require.NoError(t, err)
		assert.Equal(t, want, got, n)
	}
}

func TestInvalidJobExitsTwoAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "job.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("version: 1\nname: x y\nscripts_dir: 'C:\\s'\ndestination: 'E:\\b'\nsources:\n  - path: '\\\\srv\\s'\n"), 0o644))
	out := filepath.Join(dir, "out")
	code, _, stderr := vssm(t, "generate", "-c", cfg, "-o", out)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, cfg+":2: name: ")
	assert.Contains(t, stderr, cfg+":6: sources[0].path: ")
	_, err := os.Stat(out)
	assert.True(t, os.IsNotExist(err))
}

func TestUnknownCommandExitsTwo(t *testing.T) {
	code, _, stderr := vssm(t, "nosuchcmd")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unknown command "nosuchcmd"`)
	code, stdout, _ := vssm(t)
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "EXIT STATUS")
}

func TestCustomTemplateUsesSprig(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := vssm(t, "templates", "dump", dir)
	require.Equal(t, 0, code, stderr)
	p := filepath.Join(dir, "cleanup.dsh.tmpl")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	// sprig's upper and repeat in a comment line of the manual cleanup script
	custom := strings.Replace(string(b), "# Run elevated:", `# {{ upper .Job }} {{ repeat 3 "=" }}`+"\n# Run elevated:", 1)
	require.NoError(t, os.WriteFile(p, []byte(custom), 0o644))
	out := t.TempDir()
	code, _, stderr = vssm(t, "generate", "-c", "../../examples/fileserver/job.yaml", "-o", out, "--template-dir", dir)
	require.Equal(t, 0, code, stderr)
	got, err := os.ReadFile(filepath.Join(out, "fileserver-cleanup.dsh"))
	require.NoError(t, err)
	assert.Contains(t, string(got), "# FILESERVER ===\r\n")
}

func TestUsageErrors(t *testing.T) {
	code, _, stderr := vssm(t, "generate", "--out", "x")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "config")

	code, _, _ = vssm(t, "generate", "--bogus")
	assert.Equal(t, exitUsage, code)

	code, _, stderr = vssm(t, "validate", "--config", "does-not-exist.yaml")
	assert.Equal(t, exitFailure, code, "a job file that cannot be read is a file error, as --help says")
	assert.Contains(t, stderr, "does-not-exist.yaml")

	code, _, stderr = vssm(t, "init", "--preset", "oracle")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "fileserver")
}

func TestValidatePrintsPlan(t *testing.T) {
	code, stdout, stderr := vssm(t, "validate", "-c", "../../examples/multivolume/job.yaml")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "job multivolume is valid")
	assert.Contains(t, stdout, "D: snapshot exposed as S:")
	assert.Contains(t, stdout, `E:\Departments\R&D (2024) 100% (snapshot T:\Departments\R&D (2024) 100%)`)
}

func TestInitWritesValidJob(t *testing.T) {
	for _, preset := range []string{"fileserver", "exchange", "sql", "hyperv"} {
		p := filepath.Join(t.TempDir(), "job.yaml")
		code, _, stderr := vssm(t, "init", "--preset", preset, "--out", p)
		require.Equal(t, 0, code, stderr)
		code, _, stderr = vssm(t, "validate", "-c", p)
		assert.Equal(t, 0, code, stderr)
		code, _, stderr = vssm(t, "init", "--preset", preset, "--out", p)
		assert.Equal(t, exitFailure, code)
		assert.Contains(t, stderr, "already exists")
	}
	code, stdout, _ := vssm(t, "init")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "version: 1")
}

func TestWritersJSON(t *testing.T) {
	code, stdout, _ := vssm(t, "writers", "--json")
	require.Equal(t, 0, code)
	var ws []struct{ Name, ID, Source string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &ws))
	require.NotEmpty(t, ws)
	code, stdout, _ = vssm(t, "writers")
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, "exchange")
}

func TestTemplatesDumpAndOverride(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := vssm(t, "templates", "dump", dir)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, len(templates.Names)+1, strings.Count(stdout, "\n"), "every template and the README")
	out := t.TempDir()
	code, _, stderr = vssm(t, "generate", "-c", "../../examples/exchange/job.yaml", "-o", out, "--template-dir", dir)
	require.Equal(t, 0, code, stderr)
	code, _, _ = vssm(t, "templates", "dump")
	assert.Equal(t, exitUsage, code)
}

func TestHelpDocumentsExitCodes(t *testing.T) {
	code, stdout, _ := vssm(t, "--help")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "EXIT STATUS")
	assert.Contains(t, stdout, "2   usage error")
}

func TestGenerateSetAndSetsCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "job.yaml")
	data, err := os.ReadFile("../../examples/fileserver/job.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cfg, append(data, []byte("sets: weekday\n")...), 0o644))
	out := filepath.Join(dir, "out")
	code, _, stderr := vssm(t, "generate", "-c", cfg, "-o", out, "--set", "friday")
	require.Equal(t, 0, code, stderr)
	cmd, err := os.ReadFile(filepath.Join(out, "fileserver.cmd"))
	require.NoError(t, err)
	assert.Contains(t, string(cmd), `\\nas01\backups\fileserver\Friday\D\Shares`)
	code, _, stderr = vssm(t, "generate", "-c", cfg, "-o", out, "--set", "funday")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "Monday, Tuesday")

	code, stdout, stderr := vssm(t, "sets", "-c", cfg, "--state-dir", filepath.Join(dir, "state"))
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Sunday")
	assert.Contains(t, stdout, "never")
}

// verify: --help names its exit code; a set that cannot be reached is a
// file error (4), never "good"; a set name the job does not have is refused.
func TestVerifyExitCodes(t *testing.T) {
	code, stdout, _ := vssm(t, "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "18  verify: the backup set does not match its manifest")
	code, _, stderr := vssm(t, "verify", "--config", "../../examples/fileserver/job.yaml")
	assert.Equal(t, exitFailure, code, stderr)
	assert.Contains(t, stderr, "cannot be read")
	code, _, stderr = vssm(t, "verify", "--config", "../../examples/exchange/job.yaml")
	assert.Equal(t, exitUsage, code, stderr, "a missing --set is a usage error, as for restore")
	assert.Contains(t, stderr, "give --set")
	code, _, stderr = vssm(t, "verify", "--config", "../../examples/exchange/job.yaml", "--set", "Funday")
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, "not a set of the job")
}
