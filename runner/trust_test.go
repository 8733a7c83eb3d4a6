package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/internal/fakedsh"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// A journal entry whose ID carries a line break and a planted command must
// never reach a diskshadow script: run and cleanup stop, nothing is run.
func TestTamperedJournalRunsNothing(t *testing.T) {
	for _, fn := range []struct {
		name string
		call func(context.Context, Options) (*report.Report, error)
	}{{"run", Run}, {"cleanup", Cleanup}} {
		t.Run(fn.name, func(t *testing.T) {
			e := newEnv(t, "")
			e.foreign()
			planted := `{"entries":[{"id":"{11111111-1111-1111-1111-111111111111}\r\nexec C:\\Users\\Public\\evil.cmd","run_id":"x","recorded":"2026-11-22T00:00:00Z"}]}`
			require.NoError(t, os.MkdirAll(e.stateDir, 0o700))
			require.NoError(t, os.WriteFile(state.JournalPath(e.stateDir, "fs"), []byte(planted), 0o600))
			rep, err := fn.call(context.Background(), e.opts())
			require.ErrorIs(t, err, state.ErrCorrupt)
			assert.Equal(t, report.Failed, rep.Outcome)
			assert.Equal(t, 4, rep.ExitCode)
			assert.Contains(t, err.Error(), "fs.journal.json, entry 1")
			assert.Contains(t, err.Error(), "tampered or corrupt")
			st, lerr := fakedsh.LoadState(e.state)
			require.NoError(t, lerr)
			assert.Zero(t, st.Creates, "no snapshot was taken")
			assert.Len(t, e.shadows(), 1, "the foreign shadow is untouched")
			// No script anywhere holds the planted command.
			filepath.Walk(filepath.Dir(e.stateDir), func(p string, fi os.FileInfo, err error) error {
				if err == nil && !fi.IsDir() && strings.HasSuffix(p, ".dsh") {
					b, _ := os.ReadFile(p)
					assert.NotContains(t, string(b), "evil", p)
				}
				return nil
			})
		})
	}
}

func TestScriptsDirFlagIsValidatedLikeTheJobField(t *testing.T) {
	e := newEnv(t, "")
	o := e.opts()
	o.ScriptsDir = filepath.Join(t.TempDir(), "with space")
	rep, err := Run(context.Background(), o)
	require.Error(t, err)
	assert.Equal(t, report.PreflightFailed, rep.Outcome)
	assert.Contains(t, err.Error(), "--scripts-dir")
	assert.Empty(t, e.shadows())
}

func TestRunFolderThatCannotBeCreatedIsAnError(t *testing.T) {
	e := newEnv(t, "")
	o := e.opts()
	blocker := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(blocker, nil, 0o600))
	o.ScriptsDir = blocker // a file where the scripts folder should be
	rep, err := Run(context.Background(), o)
	require.Error(t, err)
	assert.Equal(t, report.PreflightFailed, rep.Outcome)
	require.NotEmpty(t, rep.Errors, "the report says why")
	assert.Equal(t, "run-folder", rep.Errors[0].Kind)
}

// The SMTP password's variable never reaches diskshadow or what it runs.
func TestPasswordVariableIsNotInherited(t *testing.T) {
	e := newEnv(t, "")
	e.job.Notify.Email.PasswordEnv = "VSSM_TEST_SMTP_PASSWORD"
	t.Setenv("VSSM_TEST_SMTP_PASSWORD", "s3cret")
	r := newRun(e.opts(), "")
	r.rep.RunDir = "/x"
	t.Setenv("ERRORLEVEL", "0")
	t.Setenv("vssm_d", "{99999999-9999-9999-9999-999999999999}")
	t.Setenv("VSSM_FATAL", "0")
	env := strings.Join(r.childEnv(), "\n")
	assert.NotContains(t, env, "s3cret")
	assert.NotContains(t, env, "ERRORLEVEL=", "a variable named ERRORLEVEL would hide robocopy's exit code from the copy script")
	assert.NotContains(t, env, "vssm_d=")
	assert.NotContains(t, env, "VSSM_FATAL=")
	assert.Contains(t, env, "VSSMIRROR_RUN_DIR=/x")
}

// Every shadow's fate is reported; one failing delete does not stop the others.
func TestCleanupReportsEachShadowsFate(t *testing.T) {
	e := newEnv(t, "exec:8,delete")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	require.Len(t, rep.Cleanup.Shadows, 2)
	for _, f := range rep.Cleanup.Shadows {
		assert.Equal(t, report.FateLeft, f.Fate)
		assert.NotEmpty(t, f.Message)
	}
	// One shadow vanished meanwhile (deleted by hand): it is not_found, the other deleted.
	st, err := fakedsh.LoadState(e.state)
	require.NoError(t, err)
	gone := st.Shadows[0].ID
	st.Shadows = st.Shadows[1:]
	require.NoError(t, st.Save(e.state))
	t.Setenv("FAKEDSH_FAIL", "")
	rep, err = Cleanup(context.Background(), e.opts())
	require.NoError(t, err)
	fates := map[string]string{}
	for _, f := range rep.Cleanup.Shadows {
		fates[f.ID] = f.Fate
	}
	assert.Equal(t, report.FateNotFound, fates[gone])
	assert.Len(t, rep.Cleanup.Deleted, 2)
	assert.Empty(t, e.shadows())
}

// When diskshadow stops before listing, a shadow's fate is unknown: left.
func TestCleanupWithoutListingCountsAsLeft(t *testing.T) {
	e := newEnv(t, "exec:8,list")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.CleanupFailed, rep.Outcome)
	assert.Len(t, rep.Cleanup.Leaked, 2)
}

// A journal that cannot be written (full or read-only state disk) loses no
// shadow: all are kept in memory and deleted, and the report says so; when
// shadows are left the exit is 14 with every one of them listed.
func TestJournalWriteFailureLosesNoShadow(t *testing.T) {
	e := newEnv(t, "exec:8")
	t.Setenv("FAKEDSH_BLOCK", state.JournalPath(e.stateDir, "fs"))
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.CopyFailed, rep.Outcome)
	assert.Empty(t, e.shadows(), "both shadows deleted although the journal was never written")
	assert.Len(t, rep.Cleanup.Deleted, 2)
	kinds := map[string]bool{}
	for _, x := range rep.Errors {
		kinds[x.Kind] = true
	}
	assert.True(t, kinds["journal"], "the journal problem is in the report")

	e2 := newEnv(t, "exec:8,delete")
	t.Setenv("FAKEDSH_BLOCK", state.JournalPath(e2.stateDir, "fs"))
	rep, err = Run(context.Background(), e2.opts())
	require.Error(t, err)
	assert.Equal(t, report.CleanupFailed, rep.Outcome)
	assert.Equal(t, 14, rep.ExitCode)
	assert.Len(t, rep.Cleanup.Leaked, 2, "every shadow left is listed")
}

// The command printed for leftovers can be pasted at a prompt as it is.
func TestCleanupCommandIsQuotedForThePrompt(t *testing.T) {
	assert.Equal(t, `vssmirror cleanup --config "C:\my jobs\fs.yaml" --state-dir C:\ProgramData\vssmirror\state`,
		cleanupCommand(`C:\my jobs\fs.yaml`, `C:\ProgramData\vssmirror\state`))
	assert.Equal(t, `vssmirror cleanup --config <C:\a%b\fs.yaml> --state-dir D:\s`, cleanupCommand(`C:\a%b\fs.yaml`, `D:\s`))
	assert.Equal(t, `vssmirror cleanup --config job.yaml --state-dir D:\s`, cleanupCommand("", `D:\s`))
}
