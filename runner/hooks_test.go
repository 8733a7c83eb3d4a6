package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/dshgen/output"
	"github.com/vssmirror/vssmirror/internal/fakedsh"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/report"
)

// hookJob is the test job with all three hooks, as a full backup (so that
// `end backup` shows whether diskshadow went past the verify hook).
const hookJob = testJob + `hooks:
  pre_snapshot: ['C:\Scripts\quiesce.cmd', 'now']
  post_snapshot: ['C:\Windows\System32\net.exe', 'start', 'Domino']
  verify: ['C:\Scripts\check.cmd']
  timeout_seconds: 2
`

func hookEnv(t *testing.T, fail, hooks, extra string, more ...string) *env {
	t.Helper()
	e := newEnv(t, fail)
	t.Setenv("FAKEDSH_HOOKS", hooks)
	j, err := job.Parse("job.yaml", []byte(strings.Replace(hookJob, "shadow:\n", "shadow:\n"+extra, 1)+strings.Join(more, "")))
	require.NoError(t, err)
	e.job = j
	return e
}

func (e *env) hookRuns() map[string]int {
	st, err := fakedsh.LoadState(e.state)
	require.NoError(e.t, err)
	return st.Hooks
}

func hookOf(rep *report.Report, kind string) report.HookResult {
	for _, h := range rep.Hooks {
		if h.Kind == kind {
			return h
		}
	}
	return report.HookResult{}
}

func TestHooksRunAroundTheSnapshot(t *testing.T) {
	e := hookEnv(t, "", "", "")
	rep, err := Run(context.Background(), e.opts())
	require.NoError(t, err, e.console.String())
	assert.Equal(t, report.Success, rep.Outcome)
	assert.Equal(t, map[string]int{"pre_snapshot": 1, "post_snapshot": 1, "verify": 1}, e.hookRuns())
	require.Len(t, rep.Hooks, 3)
	for _, h := range rep.Hooks {
		assert.True(t, h.Ran, h.Kind)
		assert.Equal(t, report.HookByDiskshadow, h.RanBy)
		require.NotNil(t, h.ExitCode, h.Kind)
		assert.Equal(t, 0, *h.ExitCode)
		assert.Contains(t, h.Output, h.Kind+" hook output")
	}
	assert.Equal(t, []string{`C:\Scripts\quiesce.cmd`, "now"}, hookOf(rep, job.HookPre).Command)
	require.NotNil(t, rep.QuiesceSeconds, "pre and post ran: the quiesce time is measured")
	console := e.console.String()
	execOf := func(name string) int {
		for i, l := range strings.Split(console, "\n") {
			if strings.HasPrefix(l, "-> exec ") && strings.HasSuffix(l, "/"+name) {
				return i
			}
		}
		return -1
	}
	create := -1
	for i, l := range strings.Split(console, "\n") {
		if l == "-> create" {
			create = i
		}
	}
	pre, post, copyExec := execOf("fs-pre_snapshot.cmd"), execOf("fs-post_snapshot.cmd"), execOf("fs.cmd")
	require.True(t, pre >= 0 && create >= 0)
	assert.True(t, pre < create && create < post && post < copyExec, "pre before create, post after create and before the copy:\n%s", console)
}

func TestPreHookFailureTakesNoSnapshotAndDoesNotResume(t *testing.T) {
	e := hookEnv(t, "", "pre_snapshot:5", "")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.SnapshotFailed, rep.Outcome)
	assert.Equal(t, 11, rep.ExitCode)
	assert.Equal(t, map[string]int{"pre_snapshot": 1}, e.hookRuns(), "post is not run when pre failed")
	st, _ := fakedsh.LoadState(e.state)
	assert.Zero(t, st.Creates, "no snapshot after a failed pre hook")
	h := hookOf(rep, job.HookPre)
	require.NotNil(t, h.ExitCode)
	assert.Equal(t, 5, *h.ExitCode)
	assert.Contains(t, h.Output, "exiting 5")
	assert.Nil(t, rep.QuiesceSeconds)
	assert.Empty(t, e.shadows())
}

func TestCreateFailureAfterPreHookResumesOnce(t *testing.T) {
	for _, fail := range []string{"create:80042302", "crash:create"} {
		t.Run(fail, func(t *testing.T) {
			e := hookEnv(t, fail, "", "")
			rep, err := Run(context.Background(), e.opts())
			require.Error(t, err)
			assert.Equal(t, report.SnapshotFailed, rep.Outcome)
			assert.Equal(t, 1, e.hookRuns()["post_snapshot"], "the post hook runs exactly once, from the runner")
			assert.Zero(t, e.hookRuns()["verify"])
			h := hookOf(rep, job.HookPost)
			assert.True(t, h.Ran)
			assert.Equal(t, report.HookByVssmirror, h.RanBy)
			require.NotNil(t, h.ExitCode)
			assert.Equal(t, 0, *h.ExitCode)
			assert.Contains(t, strings.Join(rep.Notes, "\n"), "resume promise")
			assert.Empty(t, e.journal())
		})
	}
}

func TestPostHookFailureIsNotRunTwice(t *testing.T) {
	e := hookEnv(t, "", "post_snapshot:1", "")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.SnapshotFailed, rep.Outcome)
	assert.Equal(t, 1, e.hookRuns()["post_snapshot"], "it ran (and failed): not again")
	assert.Equal(t, report.HookByDiskshadow, hookOf(rep, job.HookPost).RanBy)
	assert.Empty(t, e.journal(), "the shadows are deleted")
	assert.Len(t, e.shadows(), 0)
}

func TestVerifyHookFailureIsVerifyFailed(t *testing.T) {
	e := hookEnv(t, "", "verify:3", "  verify_writers: [exchange]\n  backup_type: full\n", "sets: {rotate: 2}\n")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	var re *Error
	require.ErrorAs(t, err, &re)
	assert.Equal(t, report.VerifyFailed, rep.Outcome)
	assert.Equal(t, 17, rep.ExitCode)
	assert.Equal(t, uint32(117), rep.Outcome.EventID())
	assert.NotContains(t, e.console.String(), "-> end backup", "diskshadow stops at the verify exec: no end backup")
	assert.Empty(t, e.journal())
	assert.Empty(t, e.shadows(), "the shadows are deleted")
	h := hookOf(rep, job.HookVerify)
	require.NotNil(t, h.ExitCode)
	assert.Equal(t, 3, *h.ExitCode)
	for _, s := range rep.Sources {
		assert.True(t, s.Outcome.Copied(), "the copy itself succeeded")
	}
}

func TestHookTimeoutStopsDiskshadowAndResumes(t *testing.T) {
	e := hookEnv(t, "", "verify:hang", "")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.VerifyFailed, rep.Outcome)
	h := hookOf(rep, job.HookVerify)
	assert.True(t, h.TimedOut)
	assert.Nil(t, h.ExitCode)
	assert.Empty(t, e.journal())
	assert.Empty(t, e.shadows())
	assert.Equal(t, 1, e.hookRuns()["post_snapshot"])

	e = hookEnv(t, "", "pre_snapshot:hang", "")
	rep, err = Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.SnapshotFailed, rep.Outcome)
	assert.True(t, hookOf(rep, job.HookPre).TimedOut)
	assert.Equal(t, 1, e.hookRuns()["post_snapshot"], "a pre hook stopped half-way may have quiesced the application: post runs")
	assert.Equal(t, report.HookByVssmirror, hookOf(rep, job.HookPost).RanBy)
}

func TestPreflightHooksAndEseutil(t *testing.T) {
	dir := t.TempDir()
	prog := dir + "/quiesce.cmd"
	require.NoError(t, os.WriteFile(prog, []byte("@exit /b 0\r\n"), 0o644))
	tests := []struct {
		name     string
		hooks    job.Hooks
		verify   job.Verify
		okHooks  bool
		okEseutl bool
		msg      string
	}{
		{"none", job.Hooks{}, job.Verify{}, true, true, ""},
		{"present", job.Hooks{PreSnapshot: []string{prog}, PostSnapshot: []string{prog, "x"}}, job.Verify{Eseutil: true, EseutilPath: prog}, true, true, ""},
		{"post missing", job.Hooks{PreSnapshot: []string{prog}, PostSnapshot: []string{dir + "/nope.exe"}}, job.Verify{}, false, true, "hooks.post_snapshot"},
		{"folder is no program", job.Hooks{Verify: []string{dir}}, job.Verify{}, false, true, "hooks.verify"},
		{"eseutil missing", job.Hooks{}, job.Verify{Eseutil: true, EseutilPath: dir + "/eseutil.exe"}, true, false, "verify.eseutil_path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := &job.Job{Hooks: tt.hooks, Verify: tt.verify}
			h, e := hooksExist(j), eseutilExists(j)
			assert.Equal(t, tt.okHooks, h.OK, h.Message)
			assert.Equal(t, tt.okEseutl, e.OK, e.Message)
			if tt.msg != "" {
				assert.Contains(t, h.Message+e.Message, tt.msg)
			}
		})
	}
}

// The verify section's results are input: eseutil's result lines and the
// hash files are read strictly, and a line vssmirror did not write fails
// the verification instead of passing it.
func TestVerificationResultsRead(t *testing.T) {
	tests := []struct {
		name   string
		ese    string
		hashes string
		failed bool
		dbs    int
	}{
		{"all ok", "ok checksum 0 \"S:\\DB\\a.edb\"\r\nok logs 0 \"S:\\Logs\\E00\"\r\n", `{"source":"S:\\DB","compared":3,"mismatched":[],"missing":[],"ok":true}`, false, 2},
		{"a database fails", "ok checksum 0 \"S:\\DB\\a.edb\"\r\nfailed checksum -1018 \"S:\\DB\\b.edb\"\r\n", `{"compared":1}`, true, 2},
		{"no database", "failed none 0 \"no .edb database was found\"\r\n", `{"compared":1}`, true, 1},
		{"a line vssmirror did not write", "ok checksum 0 \"S:\\DB\\a.edb\"\r\nall good, trust me\r\n", `{"compared":1}`, true, 1},
		{"a hash mismatch", "ok checksum 0 \"S:\\a.edb\"\r\n", `{"compared":2,"mismatched":["x.db"],"missing":[]}`, true, 1},
		{"a hash file with unknown fields", "ok checksum 0 \"S:\\a.edb\"\r\n", `{"compared":2,"ok":true,"extra":1}`, true, 1},
		{"a hash file that says ok but lists a missing file", "ok checksum 0 \"S:\\a.edb\"\r\n", `{"compared":2,"missing":["y"],"ok":true}`, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := hookEnv(t, "", "", "", "verify:\n  eseutil: true\n  sample_hashes: 3\n")
			r := newRun(e.opts(), "")
			r.rep.RunDir = t.TempDir()
			require.Nil(t, r.renderForTest())
			require.NoError(t, os.WriteFile(r.rep.RunDir+"/fs-eseutil.txt", []byte(tt.ese), 0o644))
			for i := 1; i <= 2; i++ {
				require.NoError(t, os.WriteFile(r.rep.RunDir+"/fs-hashes-"+string(rune('0'+i))+".json", []byte(tt.hashes), 0o644))
			}
			failed := r.judgeVerification(nil)
			assert.Equal(t, tt.failed, failed)
			require.NotNil(t, r.rep.Verification)
			assert.Equal(t, !tt.failed, r.rep.Verification.OK)
			assert.Len(t, r.rep.Verification.Databases, tt.dbs)
		})
	}
}

// renderForTest renders the job's backup scripts into the run folder
// (the bundle judgeVerification reads its plan from).
func (r *run) renderForTest() *failure {
	b, err := dshgen.Render(r.j, dshgen.RenderOptions{ScriptsDir: r.rep.RunDir})
	if err != nil {
		return fail(report.Failed, "render", err)
	}
	r.bundle = b
	return nil
}

// TestQuiesceSeconds: quiesce_seconds is the time from the end of the
// pre_snapshot hook (its .rc) to the start of the post_snapshot hook (its
// .started), from the files' modification times; a clock that went back
// gives 0, not a negative time.
func TestQuiesceSeconds(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		postStart time.Duration // after t0; the pre hook ends at t0+2s
		want      float64
	}{
		{"create and expose took 7.5s", 9500 * time.Millisecond, 7.5},
		{"the clock went back", time.Second, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			hook := func(kind string) *dshgen.HookPlan {
				base := dshgen.HookFile("ex", kind)
				return &dshgen.HookPlan{Kind: kind, Line: "x.exe", Started: base + dshgen.HookStartedExt, Result: base + dshgen.HookResultExt, Log: base + dshgen.HookLogExt}
			}
			pre, post := hook(job.HookPre), hook(job.HookPost)
			put := func(name, data string, at time.Time) {
				p := filepath.Join(dir, name)
				require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
				require.NoError(t, os.Chtimes(p, at, at))
			}
			put(pre.Started, "pre_snapshot\r\n", t0)
			put(pre.Result, "0\r\n", t0.Add(2*time.Second))
			put(post.Started, "post_snapshot\r\n", t0.Add(tt.postStart))
			put(post.Result, "0\r\n", t0.Add(tt.postStart+time.Second))
			r := &run{j: &job.Job{}, rep: &report.Report{RunDir: dir}, bundle: &dshgen.Bundle{Plan: &dshgen.Plan{Hooks: []*dshgen.HookPlan{pre, post}}}}
			assert.Equal(t, report.Success, r.judgeHooks(report.Success, "", &output.Output{}))
			require.NotNil(t, r.rep.QuiesceSeconds)
			assert.InDelta(t, tt.want, *r.rep.QuiesceSeconds, 1e-9)
		})
	}
}
