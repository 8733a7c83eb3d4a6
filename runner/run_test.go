package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/internal/fakedsh"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// TestMain lets the test binary play diskshadow (the helper-process
// pattern): the runner starts os.Args[0] as its diskshadow executable.
func TestMain(m *testing.M) {
	if os.Getenv("VSSMIRROR_TEST_ROLE") == "diskshadow" {
		os.Exit(fakedsh.Main(os.Args[1:], os.Stdout, os.Getenv))
	}
	os.Exit(m.Run())
}

type env struct {
	t        *testing.T
	state    string
	stateDir string
	scripts  string
	job      *job.Job
	console  bytes.Buffer
}

const testJob = `version: 1
name: fs
scripts_dir: 'C:\ProgramData\vssmirror\fs'
destination: '\\nas01\backups\fs'
shadow:
  expose_letters: [S, T]
sources:
  - path: 'D:\Shares'
  - path: 'E:\Data'
`

func newEnv(t *testing.T, fail string) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, state: filepath.Join(dir, "fake-state.json"), stateDir: filepath.Join(dir, "state"), scripts: filepath.Join(dir, "scripts")}
	j, err := job.Parse("job.yaml", []byte(testJob))
	require.NoError(t, err)
	e.job = j
	t.Setenv("VSSMIRROR_TEST_ROLE", "diskshadow")
	t.Setenv("FAKEDSH_STATE", e.state)
	t.Setenv("FAKEDSH_FAIL", fail)
	return e
}

func (e *env) opts() Options {
	return Options{Job: e.job, ConfigPath: "job.yaml", Diskshadow: os.Args[0], StateDir: e.stateDir, ScriptsDir: e.scripts,
		Console: &e.console, Retry: []time.Duration{0, 0, 0}}
}

func (e *env) shadows() []fakedsh.Shadow {
	st, err := fakedsh.LoadState(e.state)
	require.NoError(e.t, err)
	return st.Shadows
}

func (e *env) journal() []state.JournalEntry {
	j, err := state.OpenJournal(e.stateDir, "fs")
	require.NoError(e.t, err)
	return j.Entries
}

// foreign puts a shadow copy of another product on the "server".
func (e *env) foreign() {
	st := &fakedsh.State{Shadows: []fakedsh.Shadow{{ID: "{99999999-9999-9999-9999-999999999999}", Volume: "D:", Exposed: "Q:", Persistent: true}}}
	require.NoError(e.t, st.Save(e.state))
}

func TestRunSuccess(t *testing.T) {
	e := newEnv(t, "")
	e.foreign()
	rep, err := Run(context.Background(), e.opts())
	require.NoError(t, err, e.console.String())
	assert.Equal(t, report.Success, rep.Outcome)
	require.Len(t, rep.Shadows, 2)
	assert.Equal(t, "S:", rep.Shadows[0].ExposedAs)
	assert.Equal(t, "T:", rep.Shadows[1].ExposedAs)
	assert.Equal(t, `D:\`, rep.Shadows[0].Volume)
	require.Len(t, rep.Sources, 2)
	assert.Equal(t, report.SourceOutcome("success"), rep.Sources[0].Outcome)
	assert.Equal(t, int64(1), rep.Sources[0].Files.Copied)
	assert.False(t, rep.Cleanup.Attempted, "the script deleted its own shadows")
	assert.Empty(t, e.journal())
	assert.Len(t, e.shadows(), 1, "only the foreign shadow is left")
	assert.Len(t, rep.Scripts, 4) // .dsh, .cmd, cleanup .dsh, story plan
	for _, s := range rep.Scripts {
		assert.FileExists(t, s, "the scripts that ran are kept")
	}
	assert.Contains(t, e.console.String(), "-> create")
	assert.FileExists(t, filepath.Join(rep.RunDir, "vssmirror-run.log"))
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	for _, k := range []string{`"schema":1`, `"run_id"`, `"host"`, `"duration_seconds"`, `"exit_code"`, `"scripts"`, `"shadows"`, `"set_id"`, `"exposed_as"`, `"writers"`, `"errors"`, `"sources"`, `"cleanup"`, `"leaked"`} {
		assert.Contains(t, string(b), k)
	}
}

func TestRunExecFailureCleansUpExactlyItsShadows(t *testing.T) {
	e := newEnv(t, "exec:8")
	e.foreign()
	rep, err := Run(context.Background(), e.opts())
	var re *Error
	require.ErrorAs(t, err, &re)
	assert.Equal(t, report.CopyFailed, rep.Outcome)
	assert.True(t, rep.Cleanup.Attempted)
	assert.Len(t, rep.Cleanup.Deleted, 2)
	assert.Empty(t, rep.Cleanup.Leaked)
	left := e.shadows()
	require.Len(t, left, 1)
	assert.Equal(t, "{99999999-9999-9999-9999-999999999999}", left[0].ID, "a shadow the run did not create is never touched")
	assert.Empty(t, e.journal())
	require.Len(t, rep.Sources, 2)
	assert.Equal(t, report.SourceOutcome("partial"), rep.Sources[0].Outcome)
	require.Len(t, rep.Sources[0].Errors, 1)
	assert.Equal(t, `S:\Shares\locked.db`, rep.Sources[0].Errors[0].Path, "the report names the file")
	var kinds []string
	for _, er := range rep.Errors {
		kinds = append(kinds, er.Kind)
	}
	assert.Contains(t, kinds, "exec")
}

func TestRunVSSErrorAtCreate(t *testing.T) {
	e := newEnv(t, "create:8004231F")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.SnapshotFailed, rep.Outcome)
	require.NotEmpty(t, rep.Errors)
	assert.Equal(t, "vss", rep.Errors[0].Kind)
	assert.Equal(t, "VSS_E_INSUFFICIENT_STORAGE", rep.Errors[0].Name)
	assert.Empty(t, e.shadows())
	assert.Equal(t, 1, rep.Diskshadow.Attempts, "only SNAPSHOT_SET_IN_PROGRESS is retried")
}

func TestRunRetriesSnapshotInProgress(t *testing.T) {
	e := newEnv(t, "create:80042316:2")
	rep, err := Run(context.Background(), e.opts())
	require.NoError(t, err, e.console.String())
	assert.Equal(t, 3, rep.Diskshadow.Attempts)
	assert.Equal(t, report.Success, rep.Outcome)
}

func TestRunTimeoutKillsAndCleansUp(t *testing.T) {
	e := newEnv(t, "hang:exec")
	o := e.opts()
	o.Timeout = 2 * time.Second // the double hangs forever: the timeout always fires
	rep, err := Run(context.Background(), o)
	require.Error(t, err)
	assert.Equal(t, report.Timeout, rep.Outcome)
	assert.True(t, rep.Cleanup.Attempted)
	assert.Len(t, rep.Cleanup.Deleted, 2)
	assert.Empty(t, e.shadows())
	assert.Empty(t, e.journal())
}

func TestRunInterrupted(t *testing.T) {
	e := newEnv(t, "hang:exec")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for !strings.Contains(e.journalText(), `"exposed_as": "T:"`) {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	rep, err := Run(ctx, e.opts())
	require.Error(t, err)
	assert.Equal(t, report.Interrupted, rep.Outcome)
	assert.Empty(t, e.shadows())
}

func (e *env) journalText() string {
	b, _ := os.ReadFile(filepath.Join(e.stateDir, "fs.journal.json"))
	return string(b)
}

func TestCrashIsCleanedUpOnNextStart(t *testing.T) {
	e := newEnv(t, "crash:expose")
	// The double quits abruptly after the first expose, as if the machine or
	// vssmirror died there: the journal holds what was created.
	_, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	// Simulate vssmirror itself crashing before its cleanup: put the shadows back.
	st := &fakedsh.State{Shadows: []fakedsh.Shadow{{ID: "{11111111-1111-1111-1111-111111111111}", Volume: "D:", Alias: "vssm_d", Exposed: "S:", Persistent: true}}}
	require.NoError(t, st.Save(e.state))
	jr, err := state.OpenJournal(e.stateDir, "fs")
	require.NoError(t, err)
	require.NoError(t, jr.Record(state.JournalEntry{ID: "{11111111-1111-1111-1111-111111111111}", ExposedAs: "S:", RunID: "crashed"}))

	t.Setenv("FAKEDSH_FAIL", "")
	rep, err := Run(context.Background(), e.opts())
	require.NoError(t, err, e.console.String())
	assert.Contains(t, strings.Join(rep.Notes, "\n"), "an earlier run left 1 shadow(s)")
	assert.Equal(t, []string{"{11111111-1111-1111-1111-111111111111}"}, rep.Cleanup.Deleted)
	assert.Empty(t, e.shadows())
	assert.Empty(t, e.journal())
}

func TestLockBlocksSecondRun(t *testing.T) {
	e := newEnv(t, "")
	l, err := state.Lock(e.stateDir, "fs")
	require.NoError(t, err)
	defer l.Unlock()
	rep, err := Run(context.Background(), e.opts())
	require.ErrorIs(t, err, state.ErrLocked)
	assert.Equal(t, report.Locked, rep.Outcome)
	assert.Empty(t, e.shadows())
}

func TestCleanupFailureIsReported(t *testing.T) {
	e := newEnv(t, "exec:8,delete")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.CleanupFailed, rep.Outcome)
	assert.Len(t, rep.Cleanup.Leaked, 2)
	assert.Contains(t, rep.Cleanup.Command, "vssmirror cleanup --config job.yaml")
	assert.Len(t, e.journal(), 2, "the journal keeps what is left")
	var sum bytes.Buffer
	require.NoError(t, rep.WriteSummary(&sum))
	assert.Contains(t, sum.String(), "SHADOWS LEFT ON THE SERVER")

	// vssmirror cleanup, once deleting works again, removes them.
	t.Setenv("FAKEDSH_FAIL", "")
	rep, err = Cleanup(context.Background(), e.opts())
	require.NoError(t, err)
	assert.Len(t, rep.Cleanup.Deleted, 2)
	assert.Empty(t, e.shadows())
	assert.Empty(t, e.journal())
}

func TestPreflightWithoutDiskshadow(t *testing.T) {
	e := newEnv(t, "")
	o := e.opts()
	o.Diskshadow = filepath.Join(t.TempDir(), "nope.exe")
	rep, err := Run(context.Background(), o)
	var pe *PreflightError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, report.PreflightFailed, rep.Outcome)
	assert.Equal(t, "diskshadow", pe.Check.Name)
}

func TestExposeOnTakenLetter(t *testing.T) {
	e := newEnv(t, "")
	t.Setenv("FAKEDSH_TAKEN", "T")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.SnapshotFailed, rep.Outcome)
	assert.Empty(t, e.shadows(), "the created shadows were cleaned up")
}

func TestLFScriptIsCutLikeDiskshadow(t *testing.T) {
	var out bytes.Buffer
	dir := t.TempDir()
	script := filepath.Join(dir, "x.dsh")
	require.NoError(t, os.WriteFile(script, []byte("set context persistent\nadd volume D: alias d\ncreate\n"), 0o644))
	code := fakedsh.Main([]string{"/s", script}, &out, func(k string) string {
		if k == "FAKEDSH_STATE" {
			return filepath.Join(dir, "st.json")
		}
		return ""
	})
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out.String(), "-> set context persisten\n")
}
