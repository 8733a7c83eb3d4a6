package dshgen

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/templates"
)

// HookPlan is one hook of the job: the wrapper .cmd diskshadow's exec
// calls, the command it runs, and the files it leaves in the run folder
// (%VSSMIRROR_RUN_DIR%, else logs\ beside the script) for the runner.
type HookPlan struct {
	Kind    string   // job.HookPre, job.HookPost or job.HookVerify
	Command []string // the program and its arguments, as in the job file
	Line    string   // the command line the wrapper runs (quoted; `call` for a .cmd or .bat)
	// Batch: the command is a .cmd or .bat. The wrapper then runs itself
	// again in a child cmd.exe, so that an `exit` without /b in the hook
	// ends only that child, and fails when the child wrote no Result.
	Batch   bool
	Display string // the command for the wrapper's echo (quoted by robocmd.Quote)
	Name    string // wrapper file name: <job>-<kind>.cmd
	Path    string // the wrapper on the server, as the .dsh's exec names it
	// Files in the run folder, the wrapper's contract with the runner:
	// Started is written before the command runs, Result holds its exit
	// code (one line) after it ended, Log its output (stdout and stderr).
	Started string
	Result  string
	Log     string
}

// Hook file name suffixes in the run folder.
const (
	HookStartedExt = ".started"
	HookResultExt  = ".rc"
	HookLogExt     = ".out.log"
)

// HookFile is the base name of a hook's wrapper and files: <job>-<kind>.
func HookFile(jobName, kind string) string { return jobName + "-" + kind }

// CheckPlan is the built-in verification (the job's verify section), run
// by the verify wrapper after the hooks.verify command.
type CheckPlan struct {
	Eseutil    string      // eseutil.exe; "" when eseutil checks are off
	Roots      []CheckRoot // where the databases and logs are looked for
	OnCopy     bool        // the roots are the destination folders (verify.on: copy)
	ResultFile string      // one line per check: ok|failed KIND CODE "PATH"
	LogFile    string      // eseutil's output
	Hashes     *HashPlan   // sample hashes; nil when off
}

// CheckRoot is one folder the eseutil checks search.
type CheckRoot struct {
	Source string // the source path, for messages
	Path   string // the folder searched: the exposed snapshot folder or the destination
}

// HashPlan is the sample-hash comparison of verify.sample_hashes.
type HashPlan struct {
	Exe       string // vssmirror.exe, which hashes and compares
	Sample    int
	CopiedMax int // files robocopy copied (from its log), compared too, per source
	Sources   []CopySource
}

// EseutilResults is the name of the eseutil results file in the run folder.
func EseutilResults(jobName string) string { return jobName + "-eseutil.txt" }

// HashResults is the name of source n's (1-based) sample-hash result in
// the run folder.
func HashResults(jobName string, n int) string { return fmt.Sprintf("%s-hashes-%d.json", jobName, n) }

// hookPlans adds the job's hooks and built-in verification to the plan.
func hookPlans(p *Plan, j *job.Job) error {
	for _, kind := range job.HookKinds {
		cmd := j.Hooks.Command(kind)
		if len(cmd) == 0 && !(kind == job.HookVerify && j.Verify.Enabled()) {
			continue
		}
		base := HookFile(j.Name, kind)
		h := &HookPlan{Kind: kind, Command: cmd, Name: base + ".cmd", Path: WinJoin(j.ScriptsDir, base+".cmd"),
			Started: base + HookStartedExt, Result: base + HookResultExt, Log: base + HookLogExt}
		if len(cmd) > 0 {
			line, err := hookLine(cmd)
			if err != nil {
				return fmt.Errorf("hooks.%s: %w", kind, err)
			}
			h.Line, h.Batch = line, job.IsBatch(cmd[0])
			if h.Display, err = quoteLine(cmd[0], cmd[1:]); err != nil {
				return fmt.Errorf("hooks.%s: %w", kind, err)
			}
		}
		for _, a := range cmd {
			if !isASCII(a) {
				p.UTF8 = true
			}
		}
		p.Hooks = append(p.Hooks, h)
		switch kind {
		case job.HookPre:
			p.PreHook = h
		case job.HookPost:
			p.PostHook = h
		case job.HookVerify:
			p.VerifyHook = h
		}
	}
	if !j.Verify.Enabled() {
		return nil
	}
	c := &CheckPlan{ResultFile: EseutilResults(j.Name), LogFile: j.Name + "-eseutil.log", OnCopy: j.Verify.On == job.VerifyOnCopy}
	if j.Verify.Eseutil {
		c.Eseutil = j.Verify.EseutilPath
		if !isASCII(c.Eseutil) {
			p.UTF8 = true
		}
		for _, s := range p.Sources {
			root := CheckRoot{Source: s.Path, Path: s.Exposed}
			if c.OnCopy {
				root.Path = s.Dest
			}
			c.Roots = append(c.Roots, root)
		}
	}
	if j.Verify.SampleHashes > 0 {
		c.Hashes = &HashPlan{Exe: j.Guard.VssmirrorPath, Sample: j.Verify.SampleHashes, CopiedMax: j.Verify.HashCopiedMax, Sources: p.Sources}
		if !isASCII(c.Hashes.Exe) {
			p.UTF8 = true
		}
	}
	p.Check = c
	return nil
}

// hookLine is the line that runs a hook: a program directly, a batch
// script with call (without it control never comes back to the wrapper),
// each argument quoted for that form.
func hookLine(cmd []string) (string, error) {
	quote, prefix := robocmd.Quote, ""
	if job.IsBatch(cmd[0]) {
		quote, prefix = robocmd.QuoteCall, "call "
	}
	parts := make([]string, len(cmd))
	for i, a := range cmd {
		q, err := quote(a)
		if err != nil {
			return "", err
		}
		parts[i] = q
	}
	return prefix + strings.Join(parts, " "), nil
}

// HookData is the data of the hook wrapper template: the plan and the
// hook. Check is the plan's built-in verification in the verify wrapper
// and nil in the others.
type HookData struct {
	*Plan
	Hook  *HookPlan
	Check *CheckPlan
}

// renderHook renders one hook's wrapper from templates.HookCmd.
func renderHook(tmpls map[string]*template.Template, plan *Plan, h *HookPlan) (File, error) {
	var buf bytes.Buffer
	if err := tmpls[templates.HookCmd].Execute(&buf, hookData(plan, h)); err != nil {
		return File{}, fmt.Errorf("rendering %s: %w", h.Name, err)
	}
	data := CRLF(buf.Bytes())
	if err := CheckCmdLines(h.Name, data); err != nil {
		return File{}, err
	}
	if !isASCII(string(data)) && !plan.UTF8 {
		return File{}, fmt.Errorf("rendering %s: the template added non-ASCII text to a script without chcp 65001", h.Name)
	}
	return File{Name: h.Name, Template: templates.HookCmd, Data: data}, nil
}

func hookData(plan *Plan, h *HookPlan) HookData {
	d := HookData{Plan: plan, Hook: h}
	if h.Kind == job.HookVerify {
		d.Check = plan.Check
	}
	return d
}

// twoPhase turns a plan into the two-phase snapshot's: a copy snapshot
// (the BackupComplete of end backup can only come from the diskshadow
// session that began the backup, and the stop script is another one),
// with the pre_snapshot and post_snapshot hooks and nothing that belongs
// to a copy (hooks.verify, the verify section).
func twoPhase(p *Plan) error {
	if p.Full {
		return fmt.Errorf("job %s: a two-phase snapshot is a copy snapshot: end backup (BackupComplete) can only come from the diskshadow session that began the backup, and the stop script runs in another; use shadow.backup_type: copy for this job", p.Job)
	}
	p.TwoPhase = true
	p.VerifyHook, p.Check = nil, nil
	var hooks []*HookPlan
	for _, h := range p.Hooks {
		if h.Kind != job.HookVerify {
			hooks = append(hooks, h)
		}
	}
	p.Hooks = hooks
	return nil
}

// describeHooks adds the hooks and the built-in verification to Describe.
func (p *Plan) describeHooks(b *strings.Builder) {
	if len(p.Hooks) == 0 {
		return
	}
	b.WriteString("\nhooks (each in its wrapper, run by the .dsh's exec):\n")
	when := map[string]string{job.HookPre: "before create", job.HookPost: "after create and expose, before the copy", job.HookVerify: "after the copy, before end backup"}
	for _, h := range p.Hooks {
		cmd := h.Display
		if cmd == "" {
			cmd = "(built-in verification only)"
		}
		fmt.Fprintf(b, "  %-13s %s: %s (%s)\n", h.Kind, when[h.Kind], cmd, h.Name)
	}
	if c := p.Check; c != nil {
		if c.Eseutil != "" {
			where := "snapshot"
			if c.OnCopy {
				where = "copy"
			}
			fmt.Fprintf(b, "  verify: eseutil /k on every .edb and /ml on every log folder in the %s (%s)\n", where, c.Eseutil)
		}
		if c.Hashes != nil {
			fmt.Fprintf(b, "  verify: SHA-256 of %d random files per source and of up to %d files robocopy copied, snapshot against destination\n", c.Hashes.Sample, c.Hashes.CopiedMax)
		}
	}
}
