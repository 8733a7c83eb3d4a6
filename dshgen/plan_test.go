package dshgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/templates"
)

// The copy script's thresholds are robocmd's constants, reached through the
// plan: a template (the default or an override) reads them as data.
func TestThresholdsAreTemplateData(t *testing.T) {
	j := loadExample(t, "fileserver")
	p, err := NewPlan(j)
	require.NoError(t, err)
	assert.Equal(t, robocmd.MinPartial, p.MinPartial)
	assert.Equal(t, robocmd.MinFatal, p.MinFatal)
	assert.Equal(t, robocmd.GuardRefusedExit, p.GuardRefusedExit)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, templates.CopyCmd), []byte("{{.MinPartial}} {{.MinFatal}} {{.GuardRefusedExit}}\n"), 0o644))
	b, err := Render(j, RenderOptions{TemplateDir: dir})
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("%d %d %d\r\n", robocmd.MinPartial, robocmd.MinFatal, robocmd.GuardRefusedExit), string(b.Files[1].Data))
}

// exclusionJob is a valid job whose one source excludes ndirs folders and
// nfiles files, each name 8 characters long.
func exclusionJob(t *testing.T, ndirs, nfiles int, extra string) *job.Job {
	t.Helper()
	var b strings.Builder
	b.WriteString("version: 1\nname: many\nscripts_dir: 'C:\\vss'\ndestination: 'E:\\backup'\nshadow:\n  expose_letters: [S]\nsources:\n  - path: 'D:\\Data'\n")
	for _, l := range []struct {
		field string
		n     int
	}{{"exclude_dirs", ndirs}, {"exclude_files", nfiles}} {
		if l.n == 0 {
			continue
		}
		fmt.Fprintf(&b, "    %s:\n", l.field)
		for i := 0; i < l.n; i++ {
			fmt.Fprintf(&b, "      - 'x%07d'\n", i)
		}
	}
	b.WriteString(extra)
	j, err := job.Parse("many.yaml", []byte(b.String()))
	require.NoError(t, err)
	return j
}

// TestTooManyExclusionsAreRefused: 1,000 exclusions make a robocopy line far
// over cmd.exe's 8191 characters; NewPlan (what validate calls) and Render
// (what generate and run call) refuse it naming the field and the count.
func TestTooManyExclusionsAreRefused(t *testing.T) {
	for _, c := range []struct {
		ndirs, nfiles int
		field         string
	}{
		{1000, 0, "sources[0].exclude_dirs has 1000 entries"},
		{0, 1000, "sources[0].exclude_files has 1000 entries"},
	} {
		j := exclusionJob(t, c.ndirs, c.nfiles, "")
		_, err := NewPlan(j)
		require.Error(t, err)
		assert.Contains(t, err.Error(), c.field)
		assert.Contains(t, err.Error(), "over cmd.exe's limit of 8191")
		assert.Contains(t, err.Error(), "exclude a parent folder")
		_, err = Render(j, RenderOptions{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), c.field)
		_, err = Generate(j, filepath.Join(t.TempDir(), "out"), RenderOptions{})
		assert.ErrorContains(t, err, c.field)
	}
	// Both lists long: both are named.
	_, err := NewPlan(exclusionJob(t, 500, 500, ""))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sources[0].exclude_dirs has 500 entries")
	assert.Contains(t, err.Error(), "sources[0].exclude_files has 500 entries")
}

// TestLongestAcceptedLineFits finds the most exclusions NewPlan accepts and
// checks the rendered script: every line fits cmd.exe's limit as
// CmdLineLen counts it (the log folder at MAX_PATH), and one more
// exclusion is refused.
func TestLongestAcceptedLineFits(t *testing.T) {
	for _, guard := range []string{"", "guard: {enabled: true}\n"} {
		lo, hi := 1, 1000 // lo accepted, hi refused
		for hi-lo > 1 {
			mid := (lo + hi) / 2
			if _, err := NewPlan(exclusionJob(t, mid, 0, guard)); err == nil {
				lo = mid
			} else {
				hi = mid
			}
		}
		b, err := Render(exclusionJob(t, lo, 0, guard), RenderOptions{})
		require.NoError(t, err)
		longest := 0
		for _, l := range strings.Split(string(b.Files[1].Data), "\r\n") {
			longest = max(longest, CmdLineLen(l))
		}
		assert.LessOrEqual(t, longest, CmdMaxLine)
		assert.Greater(t, longest, CmdMaxLine-20, "the limit is used, not a much smaller one")
		assert.NoError(t, CheckCmdLines("many.cmd", b.Files[1].Data))
		_, err = NewPlan(exclusionJob(t, lo+1, 0, guard))
		assert.ErrorContains(t, err, fmt.Sprintf("sources[0].exclude_dirs has %d entries", lo+1))
	}
}

// A job with backup sets is measured with its longest set folder, so that
// validate (no set yet) refuses what generate --set would.
func TestLineLengthCountsTheSetFolder(t *testing.T) {
	lo, hi := 1, 1000
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if _, err := NewPlan(exclusionJob(t, mid, 0, "")); err == nil {
			lo = mid
		} else {
			hi = mid
		}
	}
	// Fits without sets; with sets: weekday the destination gains \Wednesday.
	j := exclusionJob(t, lo, 0, "sets: weekday\n")
	_, err := NewPlan(j)
	assert.ErrorContains(t, err, "exclude_dirs")
	_, err = Render(j, RenderOptions{Set: "Wednesday"})
	assert.ErrorContains(t, err, "exclude_dirs")
}

func TestCmdLineLen(t *testing.T) {
	assert.Equal(t, 3, CmdLineLen("abc"))
	assert.Equal(t, 2, CmdLineLen("%%"), "written as two characters")
	assert.Equal(t, 4+VarAllowance+2, CmdLineLen("a b %VSSM_LOGDIR%\\x"))
	assert.Equal(t, VarAllowance+4, CmdLineLen("%~dp0logs"))
	assert.Equal(t, 2*VarAllowance, CmdLineLen("%A%%B%"), "two variables")
	assert.Equal(t, VarAllowance, CmdLineLen("%VSSM_LOGDIR:~0,-1%"))
	assert.Equal(t, len("if %%~zF EQU 0"), CmdLineLen("if %%~zF EQU 0"))
	assert.Equal(t, 4, CmdLineLen("100%"), "a lone percent")
	assert.Equal(t, 2, CmdLineLen("é😀"[:2]+"x"), "é and x")
	assert.Equal(t, 3, CmdLineLen("😀x"), "a surrogate pair counts two")
}

func TestCheckCmdLines(t *testing.T) {
	assert.NoError(t, CheckCmdLines("a.cmd", []byte("echo a\r\necho b\r\n")))
	long := "echo " + strings.Repeat("x", CmdMaxLine)
	err := CheckCmdLines("a.cmd", []byte("echo a\r\n"+long+"\r\n"))
	assert.ErrorContains(t, err, "a.cmd: line 2 would be 8196 characters")
	err = CheckCmdLines("a.cmd", []byte("echo "+strings.Repeat("%V% ", 32)+"\r\n"))
	assert.ErrorContains(t, err, "line 1", "32 variables at MAX_PATH each")
}

// vssmirror installed under a non-ASCII path with the guard on: the .cmd
// becomes UTF-8 with chcp 65001 instead of being refused.
func TestGuardExeNonASCII(t *testing.T) {
	j := loadExample(t, "fileserver")
	require.True(t, j.Guard.Enabled)
	b, err := Render(j, RenderOptions{GuardExe: `C:\Programme\Jürgen\vssmirror.exe`})
	require.NoError(t, err)
	assert.True(t, b.Plan.UTF8)
	assert.Contains(t, string(b.Files[1].Data), "chcp 65001")
	assert.Contains(t, string(b.Files[1].Data), `C:\Programme\Jürgen\vssmirror.exe guard`)
}
