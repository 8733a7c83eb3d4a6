package restore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/internal/atomicfile"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner"
	"github.com/vssmirror/vssmirror/runner/manifest"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
	"github.com/vssmirror/vssmirror/runner/verify"
)

// ErrRefused is wrapped by the errors of a restore refused before it
// started (the command line asks for something unsafe or impossible).
var ErrRefused = errors.New("restore refused")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

// Options of Restore.
type Options struct {
	Job      *job.Job
	Set      string // the set by name ...
	AsOf     string // ... or the newest good set on or before this date (YYYY-MM-DD)
	To       string // the folder to restore into
	Path     string // a folder or file of the set, relative to its root (e.g. D\Shares\Finance); "" = all sources
	DryRun   bool   // robocopy /L: list, copy nothing
	InPlace  bool   // allow To to be (inside) a source's live folder
	Deleted  bool   // restore the files a run kept from deletion ...
	FromDate string // ... on this date (YYYY-MM-DD): <set>\_vssmirror\deleted\<date>
	LogDir   string // robocopy logs and the overwrite list; "" = <scripts_dir>\restores\<time>
	Robocopy string // "" = the job's robocopy.path
	Console  io.Writer
	Now      func() time.Time
}

// Result is a restore's report.
type Result struct {
	Schema     int            `json:"schema"`
	Job        string         `json:"job"`
	Set        string         `json:"set"`
	SetInfo    SetInfo        `json:"set_info"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	DryRun     bool           `json:"dry_run"`
	InPlace    bool           `json:"in_place"`
	Args       []string       `json:"args"`
	Log        string         `json:"log"`
	Overwrites string         `json:"overwrites,omitempty"` // the /L list of an in-place restore, written first
	WouldCopy  int64          `json:"would_copy,omitempty"` // files it lists (new or overwritten)
	ExitCode   int            `json:"robocopy_exit_code"`
	Class      robocmd.Class  `json:"class"`
	Files      robocmd.Counts `json:"files"`
	Bytes      robocmd.Counts `json:"bytes"`
	Outcome    report.Outcome `json:"outcome"`
	Warnings   []string       `json:"warnings"`
}

// Restore copies from a set back to a folder. The Result is returned
// whenever robocopy ran; err is a *runner.Error (outcome copy_failed)
// when it did not copy everything, and wraps ErrRefused when the restore
// was refused before it started.
func Restore(ctx context.Context, o Options) (*Result, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Console == nil {
		o.Console = io.Discard
	}
	if o.Robocopy == "" {
		o.Robocopy = o.Job.Robocopy.Path
	}
	res := &Result{Schema: 1, Job: o.Job.Name, To: o.To, DryRun: o.DryRun, InPlace: o.InPlace, Warnings: []string{}}
	si, err := chooseSet(o)
	if err != nil {
		return nil, err
	}
	res.Set, res.SetInfo = si.Set, si
	if !si.Good {
		res.warn(o, "the set %s has no good marker (%s): the last run into it did not finish successfully; what you restore may be incomplete", si.Folder, state.MarkerName)
	}
	if !si.Manifest {
		res.warn(o, "the set %s has no readable manifest (%s): it cannot be verified; restore with care", si.Folder, si.Problem)
	}
	from, excludeDirs, excludeFiles, err := source(o, si.Folder)
	if err != nil {
		return nil, err
	}
	res.From = from
	if err := checkTarget(o, si.Folder); err != nil {
		return nil, err
	}
	ro := copyOptions(o.Job)
	ro.ExcludeDirs, ro.ExcludeFiles = excludeDirs, excludeFiles
	if fi, err := os.Stat(from); err == nil && fi.Mode().IsRegular() {
		// --path names one file: robocopy copies folders, so its folder
		// with the file's name as the file filter.
		from, ro.Files = parentOf(from), []string{baseOf(from)}
		res.From = from
	}
	if _, err := robocmd.RestoreArgs(from, o.To, ro); err != nil {
		return nil, refuse("%v", err)
	}
	logDir := o.LogDir
	if logDir == "" {
		logDir = filepath.Join(o.Job.ScriptsDir, "restores", o.Now().UTC().Format("20060102T150405Z"))
	}
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the restore's log folder: %w", err)
	}
	if o.InPlace && !o.DryRun {
		// What the restore will overwrite, listed before anything is copied.
		lo := ro
		lo.ListOnly = true
		res.Overwrites = filepath.Join(logDir, "overwrites.log")
		listed, _, err := robocopy(ctx, o, from, lo, res.Overwrites)
		if err != nil {
			return res, &runner.Error{Outcome: report.CopyFailed, Err: fmt.Errorf("listing what the restore would overwrite: %w", err)}
		}
		res.WouldCopy = listed.Files.Copied
		fmt.Fprintf(o.Console, "vssmirror: in place: %d files will be written into %s (new or overwritten); the list: %s\n", listed.Files.Copied, o.To, res.Overwrites)
	}
	ro.ListOnly = o.DryRun
	res.Log = filepath.Join(logDir, "restore.log")
	lj, args, err := robocopy(ctx, o, from, ro, res.Log)
	res.Args = args
	if lj != nil {
		res.Files, res.Bytes, res.Class = lj.Files, lj.Bytes, lj.Outcome
		if lj.ExitCode != nil {
			res.ExitCode = *lj.ExitCode
		}
		if o.DryRun {
			res.WouldCopy = lj.Files.Copied
		}
	}
	res.Outcome = report.Success
	if err != nil {
		res.Outcome = report.CopyFailed
		err = &runner.Error{Outcome: report.CopyFailed, Err: err}
	}
	if data, jerr := json.MarshalIndent(res, "", "  "); jerr == nil {
		if werr := atomicfile.WriteFile(filepath.Join(logDir, "restore.json"), append(data, '\n'), 0o644); werr != nil {
			res.warn(o, "writing the restore report: %v", werr)
		}
	}
	return res, err
}

func (r *Result) warn(o Options, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.Warnings = append(r.Warnings, msg)
	fmt.Fprintf(o.Console, "vssmirror: WARNING: %s\n", msg)
}

// chooseSet picks the set by --set or --as-of.
func chooseSet(o Options) (SetInfo, error) {
	switch {
	case o.Set != "" && o.AsOf != "":
		return SetInfo{}, refuse("give --set or --as-of, not both")
	case o.AsOf != "":
		d, err := ParseDate("as-of", o.AsOf)
		if err != nil {
			return SetInfo{}, fmt.Errorf("%w: %v", ErrRefused, err)
		}
		return ChooseAsOf(o.Job, d)
	}
	names := o.Job.Sets.Names()
	if o.Set == "" && len(names) > 1 {
		return SetInfo{}, fmt.Errorf("%w: %v", ErrRefused, ErrNoSet)
	}
	if err := verify.CheckSet(o.Job, o.Set); err != nil {
		return SetInfo{}, fmt.Errorf("%w: %v", ErrRefused, err)
	}
	for _, n := range names {
		if strings.EqualFold(n, o.Set) {
			return ReadSet(o.Job, n), nil
		}
	}
	return ReadSet(o.Job, o.Set), nil
}

// source is the folder of the set to copy from, and what to leave out.
func source(o Options, setRoot string) (string, []string, []string, error) {
	if o.Path != "" {
		p := strings.Trim(o.Path, `\`)
		if err := manifest.CheckPath(p); err != nil {
			return "", nil, nil, refuse("--path: %v (a folder of the set, relative to its root, such as D\\Shares\\Finance)", err)
		}
		first, _, _ := strings.Cut(p, `\`)
		if strings.EqualFold(first, job.StoryDir) && !o.Deleted {
			return "", nil, nil, refuse("--path %s: the story folder is not restored; use --deleted --from-date for the files kept from deletion", o.Path)
		}
		o.Path = p
	}
	if o.Deleted {
		if o.FromDate == "" {
			return "", nil, nil, refuse("--deleted needs --from-date YYYY-MM-DD (a folder of %s)", dshgen.WinJoin(dshgen.WinJoin(setRoot, job.StoryDir), "deleted"))
		}
		if _, err := ParseDate("from-date", o.FromDate); err != nil {
			return "", nil, nil, fmt.Errorf("%w: %v", ErrRefused, err)
		}
		from := dshgen.WinJoin(dshgen.WinJoin(dshgen.WinJoin(setRoot, job.StoryDir), "deleted"), o.FromDate)
		if o.Path != "" {
			from = dshgen.WinJoin(from, o.Path)
		}
		if _, err := os.Stat(from); err != nil {
			return "", nil, nil, refuse("nothing was kept from deletion there: %v", err)
		}
		return from, nil, nil, nil
	}
	if o.FromDate != "" {
		return "", nil, nil, refuse("--from-date goes with --deleted")
	}
	if o.Path == "" {
		// The whole set: its own files stay behind.
		return setRoot, []string{dshgen.WinJoin(setRoot, job.StoryDir)}, []string{state.MarkerName}, nil
	}
	return dshgen.WinJoin(setRoot, o.Path), nil, nil, nil
}

// checkTarget refuses a target inside the set, and one that is, holds or
// is inside a source's live folder unless --in-place.
func checkTarget(o Options, setRoot string) error {
	if o.To == "" {
		return refuse("--to is required: the folder to restore into")
	}
	if err := robocmd.CheckPath(o.To); err != nil || strings.HasPrefix(o.To, "/") && !filepath.IsAbs(o.To) {
		return refuse("--to %q: not a folder robocopy can take: %v", o.To, err)
	}
	if !filepath.IsAbs(o.To) && !isWinAbs(o.To) {
		return refuse("--to %q: give a full path (D:\\Restore or \\\\server\\share\\folder)", o.To)
	}
	if overlaps(o.To, setRoot) {
		return refuse("--to %s overlaps the set's folder %s", o.To, setRoot)
	}
	for i, s := range o.Job.Sources {
		if overlaps(o.To, s.Path) && !o.InPlace {
			return refuse("--to %s is the live folder of sources[%d] (%s) or overlaps it: files there would be overwritten; restore to an empty folder, or give --in-place (the files it overwrites are listed first)", o.To, i, s.Path)
		}
	}
	return nil
}

func isWinAbs(p string) bool {
	return len(p) >= 3 && p[1] == ':' && p[2] == '\\' || strings.HasPrefix(p, `\\`)
}

// overlaps reports whether a and b are the same folder or one is inside
// the other (case-insensitive, either separator), compared as Windows
// resolves them: without a \\?\ or \\.\ prefix, '.' and '..' parts
// applied, trailing dots and spaces of each part dropped.
func overlaps(a, b string) bool {
	na, nb := winNorm(a), winNorm(b)
	return strings.HasPrefix(na, nb) || strings.HasPrefix(nb, na)
}

// winNorm is a path as overlaps compares it, ending in '\'.
func winNorm(p string) string {
	p = strings.ToLower(strings.ReplaceAll(p, "/", `\`))
	for _, pre := range []string{`\\?\unc\`, `\\.\unc\`, `\\?\`, `\\.\`} {
		if strings.HasPrefix(p, pre) {
			if strings.HasSuffix(pre, `unc\`) {
				p = `\\` + p[len(pre):]
			} else {
				p = p[len(pre):]
			}
			break
		}
	}
	lead := ""
	for strings.HasPrefix(p, `\`) {
		lead, p = lead+`\`, p[1:]
	}
	var parts []string
	for _, part := range strings.Split(p, `\`) {
		switch {
		case part == "" || part == ".":
		case part == "..":
			if len(parts) > 1 {
				parts = parts[:len(parts)-1]
			}
		default:
			if t := strings.TrimRight(part, ". "); t != "" {
				parts = append(parts, t)
			}
		}
	}
	return lead + strings.Join(parts, `\`) + `\`
}

// robocopy runs one robocopy from -> o.To with the log, and reads it.
func robocopy(ctx context.Context, o Options, from string, ro robocmd.RestoreOptions, log string) (*robocmd.LogJob, []string, error) {
	args, err := robocmd.RestoreArgs(from, o.To, ro)
	if err != nil {
		return nil, nil, err
	}
	full := append(append([]string{}, args...), "/UNILOG:"+log, "/TEE")
	cmd := exec.CommandContext(ctx, o.Robocopy, full...)
	cmd.Stdout, cmd.Stderr = o.Console, o.Console
	cmd.WaitDelay = 5 * time.Second
	runErr := cmd.Run()
	code := -1
	if cmd.ProcessState != nil {
		code = cmd.ProcessState.ExitCode()
	}
	if code < 0 && runErr != nil {
		return nil, args, fmt.Errorf("running %s: %w", o.Robocopy, runErr)
	}
	var lj *robocmd.LogJob
	if f, err := os.Open(log); err == nil {
		l, perr := robocmd.ParseLog(f, robocmd.LogOptions{ExitCode: &code})
		f.Close()
		if perr == nil && len(l.Jobs) > 0 {
			lj = l.Jobs[len(l.Jobs)-1]
		}
	}
	if lj == nil {
		lj = &robocmd.LogJob{Outcome: robocmd.Classify(code)}
	}
	lj.ExitCode = &code
	switch robocmd.Classify(code) {
	case robocmd.Partial:
		return lj, args, fmt.Errorf("robocopy exit %d: some files were not restored; see %s", code, log)
	case robocmd.Fatal:
		return lj, args, fmt.Errorf("robocopy exit %d: the restore failed; see %s", code, log)
	}
	return lj, args, nil
}

// robocmdRestoreArgs is robocmd.RestoreArgs (a seam for the fuzz test).
var robocmdRestoreArgs = robocmd.RestoreArgs

// parentOf and baseOf split a Windows (or, with the test doubles, POSIX)
// path at its last separator.
func parentOf(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i > 0 {
		return p[:i]
	}
	return p
}

func baseOf(p string) string { return p[strings.LastIndexAny(p, `\/`)+1:] }
