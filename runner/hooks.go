package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/dshgen/output"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/report"
)

// hookOutputLines is how many of a hook's last output lines the report keeps.
const hookOutputLines = 10

// hookWatch enforces hooks.timeout_seconds while diskshadow runs: a hook
// whose wrapper wrote its start file (dshgen.HookPlan.Started) and no
// result within the timeout stops diskshadow and everything it started.
type hookWatch struct {
	dir     string
	hooks   []*dshgen.HookPlan
	timeout time.Duration
	cancel  context.CancelFunc
	every   time.Duration

	mu       sync.Mutex
	timedOut string // the kind of the hook that timed out
	done     chan struct{}
	quit     chan struct{}
}

func (r *run) newHookWatch(cancel context.CancelFunc) *hookWatch {
	return &hookWatch{dir: r.rep.RunDir, hooks: r.bundle.Plan.Hooks, timeout: time.Duration(r.j.Hooks.TimeoutSeconds) * time.Second,
		cancel: cancel, every: 200 * time.Millisecond, done: make(chan struct{}), quit: make(chan struct{})}
}

// start runs the watch until stop (a job without hooks has nothing to watch).
func (w *hookWatch) start() {
	if len(w.hooks) == 0 {
		close(w.done)
		return
	}
	go func() {
		defer close(w.done)
		t := time.NewTicker(w.every)
		defer t.Stop()
		for {
			select {
			case <-w.quit:
				return
			case <-t.C:
				if w.check(time.Now()) {
					return
				}
			}
		}
	}()
}

// check stops diskshadow when a hook runs longer than the timeout.
func (w *hookWatch) check(now time.Time) bool {
	for _, h := range w.hooks {
		if h.Line == "" {
			continue
		}
		fi, err := os.Stat(filepath.Join(w.dir, h.Started))
		if err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(w.dir, h.Result)); err == nil {
			continue
		}
		if now.Sub(fi.ModTime()) > w.timeout {
			w.mu.Lock()
			w.timedOut = h.Kind
			w.mu.Unlock()
			w.cancel()
			return true
		}
	}
	return false
}

// stop ends the watch and returns the kind of the hook that timed out.
func (w *hookWatch) stop() string {
	close(w.quit)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.timedOut
}

// readHook reads what a hook's wrapper left in the run folder: whether it
// started the command, its exit code, its duration (the start and result
// files' modification times) and its last output lines. Every file is
// input: an exit code that is not a number is reported as unreadable.
func readHook(dir string, h *dshgen.HookPlan, by string) (report.HookResult, time.Time, time.Time) {
	res := report.HookResult{Kind: h.Kind, Command: h.Command, Output: []string{}}
	var start, end time.Time
	fi, err := os.Stat(filepath.Join(dir, h.Started))
	if err != nil {
		return res, start, end
	}
	res.Ran, res.RanBy, start = true, by, fi.ModTime()
	res.Output = tailFile(filepath.Join(dir, h.Log), hookOutputLines)
	rfi, err := os.Stat(filepath.Join(dir, h.Result))
	if err != nil {
		res.Message = "the hook did not end (stopped by a timeout, an interrupt or a crash)"
		return res, start, end
	}
	end = rfi.ModTime()
	res.DurationSeconds = max(0, end.Sub(start).Seconds())
	data, err := readSmall(filepath.Join(dir, h.Result), 64)
	if err == nil {
		if v, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
			res.ExitCode = &v
			return res, start, end
		}
	}
	res.Message = fmt.Sprintf("the exit code in %s cannot be read", h.Result)
	return res, start, end
}

// readSmall reads at most limit bytes of a file.
func readSmall(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// tailFile returns the last n non-empty lines of a file (its last 16 KiB),
// as printable text of at most 300 characters each: a hook's output is in
// whatever code page it chose and is never interpreted, only shown.
func tailFile(path string, n int) []string {
	out := []string{}
	f, err := os.Open(path)
	if err != nil {
		return out
	}
	defer f.Close()
	const window = 16 << 10
	if fi, err := f.Stat(); err == nil && fi.Size() > window {
		f.Seek(fi.Size()-window, io.SeekStart)
	}
	data, _ := io.ReadAll(io.LimitReader(f, window))
	for _, l := range strings.Split(strings.ReplaceAll(string(data), "\r", "\n"), "\n") {
		l = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && r != '\t' {
				return -1
			}
			return r
		}, strings.ToValidUTF8(l, "?"))
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if len(l) > 300 {
			l = strings.ToValidUTF8(l[:300], "") + "..."
		}
		out = append(out, l)
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

// judgeHooks fills the report's hooks and quiesce time from the wrappers'
// files and returns the outcome they make of the run's outcome: a failed
// or timed-out pre_snapshot or post_snapshot hook fails the snapshot, a
// failed verify hook or built-in check is verify_failed (diskshadow stopped
// before end backup).
func (r *run) judgeHooks(outcome report.Outcome, timedOut string, out *output.Output) report.Outcome {
	plan := r.bundle.Plan
	var preEnd, postStart time.Time
	failedKind := ""
	for _, h := range plan.Hooks {
		if h.Line == "" {
			continue
		}
		res, start, end := readHook(r.rep.RunDir, h, report.HookByDiskshadow)
		if timedOut == h.Kind {
			res.TimedOut = true
			res.Message = fmt.Sprintf("stopped after hooks.timeout_seconds (%ds)", r.j.Hooks.TimeoutSeconds)
			r.errorf("hook", "the %s hook did not finish within %ds; diskshadow and the hook were stopped", h.Kind, r.j.Hooks.TimeoutSeconds)
			if failedKind == "" {
				failedKind = h.Kind
			}
		} else if res.Ran && res.ExitCode == nil && outcome != report.Timeout && outcome != report.Interrupted {
			// No result file and no timeout: the wrapper was cut short. A
			// called .cmd that ends with `exit N` (no /b) ends the wrapper
			// itself, before the result and the checks after the hook.
			r.errorf("hook", "the %s hook's wrapper ended before it recorded the hook's exit code (%s): does the script end with `exit` instead of `exit /b`? `exit` ends the wrapper too, so what should follow the hook did not run", h.Kind, orText(res.Message, "no result file"))
			if failedKind == "" {
				failedKind = h.Kind
			}
		} else if res.ExitCode != nil && *res.ExitCode != 0 {
			r.errorf("hook", "the %s hook exited %d: %s", h.Kind, *res.ExitCode, strings.Join(lastOr(res.Output, "no output"), " | "))
			if failedKind == "" {
				failedKind = h.Kind
			}
		}
		switch h.Kind {
		case job.HookPre:
			preEnd = end
		case job.HookPost:
			postStart = start
		}
		r.rep.Hooks = append(r.rep.Hooks, res)
	}
	if !preEnd.IsZero() && !postStart.IsZero() {
		q := max(0, postStart.Sub(preEnd).Seconds())
		r.rep.QuiesceSeconds = &q
	}
	verifyFailed := r.judgeVerification(out)
	if outcome == report.Timeout || outcome == report.Interrupted {
		return outcome
	}
	switch failedKind {
	case job.HookPre, job.HookPost:
		return report.SnapshotFailed
	case job.HookVerify:
		if outcome == report.CopyFailed || outcome == report.Success {
			return report.VerifyFailed
		}
	}
	if verifyFailed && (outcome == report.CopyFailed || outcome == report.Success) {
		return report.VerifyFailed
	}
	return outcome
}

func lastOr(lines []string, def string) []string {
	if len(lines) == 0 {
		return []string{def}
	}
	return lines[max(0, len(lines)-3):]
}

// eseLineRE is a line of the eseutil results file the verify wrapper writes.
var eseLineRE = regexp.MustCompile(`^(ok|failed) (checksum|logs|none) (-?\d{1,11}) "([^"]*)"\s*$`)

// judgeVerification reads the built-in verification's results (eseutil's
// lines and each source's hash comparison) into the report and reports
// whether it failed. The verify wrapper ran when diskshadow stopped at its
// exec or went past it; a verification that did not run (an earlier step
// failed) is reported as such and fails nothing by itself.
func (r *run) judgeVerification(out *output.Output) bool {
	plan := r.bundle.Plan
	c := plan.Check
	if c == nil {
		return false
	}
	on := job.VerifyOnSnapshot
	if c.OnCopy {
		on = job.VerifyOnCopy
	}
	v := &report.Verification{On: on, Databases: []report.DBCheck{}, Hashes: []report.HashCompare{}, OK: true}
	r.rep.Verification = v
	reached := execReached(out, plan.VerifyHook) || goneBeyondVerify(r.rep.RunDir, plan.Job, c)
	failed := false
	if c.Eseutil != "" {
		data, err := readSmall(filepath.Join(r.rep.RunDir, c.ResultFile), 4<<20)
		switch {
		case err != nil && reached:
			failed = true
			r.errorf("verify", "eseutil: no results (%s): the verification did not complete", c.ResultFile)
		case err == nil:
			for _, l := range strings.Split(strings.ReplaceAll(string(data), "\r", ""), "\n") {
				if strings.TrimSpace(l) == "" {
					continue
				}
				m := eseLineRE.FindStringSubmatch(l)
				if m == nil {
					failed = true
					r.errorf("verify", "eseutil results: a line vssmirror did not write: %q", truncate(l, 200))
					continue
				}
				code, _ := strconv.Atoi(m[3])
				d := report.DBCheck{Path: m[4], Check: m[2], OK: m[1] == "ok" && m[2] != "none", ExitCode: code}
				if !d.OK {
					failed = true
					if m[2] == "none" {
						r.errorf("verify", "eseutil: no .edb database was found in the %s", on)
					} else {
						r.errorf("verify", "eseutil %s of %s failed with exit %d", checkSwitch(m[2]), m[4], code)
					}
				}
				v.Databases = append(v.Databases, d)
			}
		}
	}
	if c.Hashes != nil {
		for i, s := range plan.Sources {
			name := dshgen.HashResults(plan.Job, i+1)
			hc, err := readHashResult(filepath.Join(r.rep.RunDir, name))
			if err != nil {
				if reached {
					failed = true
					r.errorf("verify", "sample hashes of %s: %v", s.Path, err)
				}
				continue
			}
			hc.Source = s.Path
			if !hc.OK {
				failed = true
				r.errorf("verify", "sample hashes of %s: %d file(s) differ and %d are missing in the destination (%d compared)", s.Path, len(hc.Mismatched), len(hc.Missing), hc.Compared)
			}
			v.Hashes = append(v.Hashes, hc)
		}
	}
	v.OK = !failed && reached
	return failed
}

// goneBeyondVerify reports whether a result of the built-in checks exists:
// the verify wrapper ran them.
func goneBeyondVerify(dir, jobName string, c *dshgen.CheckPlan) bool {
	if c.Eseutil != "" && fileExists(filepath.Join(dir, c.ResultFile)) {
		return true
	}
	if c.Hashes != nil {
		for i := range c.Hashes.Sources {
			if fileExists(filepath.Join(dir, dshgen.HashResults(jobName, i+1))) {
				return true
			}
		}
	}
	return false
}

func checkSwitch(kind string) string {
	if kind == "logs" {
		return "/ml"
	}
	return "/k"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "..."
}

// readHashResult reads a `vssmirror hashes` result file (JSON, at most
// 8 MiB, unknown fields refused).
func readHashResult(path string) (report.HashCompare, error) {
	var hc report.HashCompare
	data, err := readSmall(path, 8<<20)
	if err != nil {
		return hc, fmt.Errorf("no result: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&hc); err != nil {
		return hc, fmt.Errorf("%s cannot be read: %v", filepath.Base(path), err)
	}
	if hc.Mismatched == nil {
		hc.Mismatched = []string{}
	}
	if hc.Missing == nil {
		hc.Missing = []string{}
	}
	hc.OK = len(hc.Mismatched) == 0 && len(hc.Missing) == 0 && hc.Message == ""
	return hc, nil
}

// execReached reports whether diskshadow stopped at the exec of the
// hook's wrapper (the last command it echoed): the wrapper ran and failed.
func execReached(out *output.Output, h *dshgen.HookPlan) bool {
	if h == nil || out == nil {
		return false
	}
	f := strings.Fields(out.LastCommand)
	return len(f) >= 2 && strings.EqualFold(f[0], "exec") && strings.EqualFold(filepath.Base(strings.ReplaceAll(f[1], `\`, "/")), h.Name)
}

// preHookStarted reports whether the pre_snapshot hook's wrapper started
// its command in this run (its start file exists).
func (r *run) preHookStarted() bool {
	pre := r.bundle.Plan.PreHook
	return pre != nil && pre.Line != "" && fileExists(filepath.Join(r.rep.RunDir, pre.Started))
}

// keepResumePromise runs the post_snapshot hook itself when the
// pre_snapshot hook ran (and did not fail) but diskshadow never started the
// post_snapshot hook: create failed, a VSS error, a timeout, an interrupt,
// a crash. The application is never left quiesced. It runs at most once,
// bounded by hooks.timeout_seconds, after the run's own time limit and
// interrupt (like cleanup).
func (r *run) keepResumePromise() {
	plan := r.bundle.Plan
	pre, post := plan.PreHook, plan.PostHook
	if pre == nil || post == nil {
		return
	}
	if _, err := os.Stat(filepath.Join(r.rep.RunDir, pre.Started)); err != nil {
		return // the pre_snapshot hook never ran: nothing to resume
	}
	if data, err := readSmall(filepath.Join(r.rep.RunDir, pre.Result), 64); err == nil {
		if strings.TrimSpace(string(data)) != "0" {
			return // it failed: diskshadow stopped at its exec; no snapshot, nothing quiesced by contract
		}
	}
	if _, err := os.Stat(filepath.Join(r.rep.RunDir, post.Started)); err == nil {
		return // diskshadow ran it: exactly once
	}
	r.say("the pre_snapshot hook ran but diskshadow did not reach the post_snapshot hook: running it now")
	r.note("the post_snapshot hook was run by vssmirror (the resume promise): diskshadow stopped before it")
	timeout := time.Duration(r.j.Hooks.TimeoutSeconds) * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := r.runWrapper(ctx, post)
	res, _, _ := readHook(r.rep.RunDir, post, report.HookByVssmirror)
	if ctx.Err() != nil {
		res.TimedOut = true
		res.Message = fmt.Sprintf("stopped after hooks.timeout_seconds (%ds)", r.j.Hooks.TimeoutSeconds)
	}
	if err != nil && !res.Ran {
		res.Message = err.Error()
	}
	switch {
	case !res.Ran:
		r.errorf("hook", "the post_snapshot hook could not be run: %v; RESUME THE APPLICATION BY HAND (%s)", err, post.Path)
	case res.ExitCode == nil || *res.ExitCode != 0:
		r.errorf("hook", "the post_snapshot hook, run by vssmirror, failed: %s; check that the application runs again", orText(res.Message, "exit "+exitText(res.ExitCode)))
	}
	// Replace the diskshadow entry judgeHooks recorded for it.
	for i := range r.rep.Hooks {
		if r.rep.Hooks[i].Kind == job.HookPost {
			r.rep.Hooks[i] = res
			return
		}
	}
	r.rep.Hooks = append(r.rep.Hooks, res)
}

func exitText(code *int) string {
	if code == nil {
		return "unknown"
	}
	return strconv.Itoa(*code)
}

// runWrapper runs a hook's wrapper from the run folder, as diskshadow's
// exec would, with the run's environment; output goes to the console and
// the run log.
func (r *run) runWrapper(ctx context.Context, h *dshgen.HookPlan) error {
	wrapper := filepath.Join(r.rep.RunDir, h.Name)
	prog, args, err := wrapperCommand(r.exe, r.rep.RunDir, wrapper)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Dir = r.rep.RunDir
	cmd.Env = r.childEnv()
	cmd.WaitDelay = 10 * time.Second
	w := io.MultiWriter(r.console, r.logWriter())
	cmd.Stdout, cmd.Stderr = w, w
	tree := newTree(cmd)
	defer tree.close()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", prog, err)
	}
	if err := tree.started(); err != nil {
		r.say("warning: %v", err)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return nil // the wrapper's exit code is in its result file
	}
	return err
}

// hooksExist is the preflight check that every hook's program is a file:
// a post_snapshot hook that cannot start would leave the application
// quiesced, so a missing one stops the run before anything is quiesced.
func hooksExist(j *job.Job) report.Check {
	c := report.Check{Name: "hooks-exist", OK: true, Message: "no hooks"}
	var found []string
	for _, kind := range job.HookKinds {
		cmd := j.Hooks.Command(kind)
		if len(cmd) == 0 {
			continue
		}
		if fi, err := os.Stat(cmd[0]); err != nil || !fi.Mode().IsRegular() {
			return report.Check{Name: c.Name, Message: fmt.Sprintf("hooks.%s: %s is missing or not a file; nothing was quiesced", kind, cmd[0])}
		}
		found = append(found, kind)
	}
	if len(found) > 0 {
		c.Message = "found: " + strings.Join(found, ", ")
	}
	return c
}

// eseutilExists is the preflight check of verify.eseutil_path when eseutil
// verification is on.
func eseutilExists(j *job.Job) report.Check {
	c := report.Check{Name: "eseutil", OK: true, Message: "verify.eseutil is off"}
	if !j.Verify.Eseutil {
		return c
	}
	if fi, err := os.Stat(j.Verify.EseutilPath); err != nil || !fi.Mode().IsRegular() {
		return report.Check{Name: c.Name, Message: fmt.Sprintf("verify.eseutil is on but %s is missing or not a file; set verify.eseutil_path to eseutil.exe of this Exchange server (its Bin folder)", j.Verify.EseutilPath)}
	}
	c.Message = j.Verify.EseutilPath
	return c
}
