package dshgen

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/vssmirror/vssmirror/internal/utf16text"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
)

// Plan is everything the templates need to render one job's scripts. It is
// derived from a validated job by NewPlan and is the data of every template.
type Plan struct {
	Job         string       // job name
	ScriptsDir  string       // where the scripts live on the server
	DshPath     string       // <scripts_dir>\<name>.dsh
	CmdPath     string       // <scripts_dir>\<name>.cmd, run by exec
	CleanupPath string       // <scripts_dir>\<name>-cleanup.dsh
	StartPath   string       // <scripts_dir>\<name>-start.dsh (two-phase)
	StopPath    string       // <scripts_dir>\<name>-stop.dsh (two-phase)
	TwoPhase    bool         // rendered as the two-phase pair: no copy, no verification
	Context     string       // "persistent" or "persistent nowriters"
	Metadata    string       // metadata .cab path, empty for none
	Verbose     bool         // set verbose on
	Full        bool         // begin backup ... end backup
	Verify      []WriterRef  // writer verify
	Exclude     []WriterRef  // writer exclude
	Volumes     []Volume     // one per volume the sources use
	Sources     []CopySource // one per source, in job order
	Robocopy    string       // robocopy executable
	UTF8        bool         // a path is non-ASCII: the .cmd is UTF-8 with chcp 65001
	Guard       *GuardPlan   // deletion guard, nil when off
	Story       *StoryPlan   // the set's story (story.go): manifest, keep-deleted
	ListPass    bool         // a robocopy /L pass per source (guard or keep-deleted)
	Set         string       // the backup set the scripts write (empty for sets: single or when rendered without one)

	// Hooks and built-in verification (hooks.go): the wrappers in the
	// order they run, and each by kind (nil when the job has none).
	Hooks      []*HookPlan
	PreHook    *HookPlan
	PostHook   *HookPlan
	VerifyHook *HookPlan // hooks.verify and/or the verify section
	Check      *CheckPlan
	// VerifyComponents are writer verify lines of single components:
	// {WRITER-GUID}:\LOGICAL PATH\NAME, quoted in the script.
	VerifyComponents []string

	// The numbers the copy script decides by, owned by robocmd so that the
	// script and robocmd.Classify cannot disagree: robocopy's errorlevel is
	// Partial from MinPartial and Fatal from MinFatal (or below 0), and the
	// script itself exits MinPartial or MinFatal for those classes;
	// GuardRefusedExit is what `vssmirror guard` exits when it refuses
	// (tested with `if errorlevel`, i.e. ">=").
	MinPartial       int // robocmd.MinPartial
	MinFatal         int // robocmd.MinFatal
	GuardRefusedExit int // robocmd.GuardRefusedExit

	// Files the copy script shares with the runner, in the run folder
	// (%VSSMIRROR_RUN_DIR%, else logs\ beside the script).
	AliasFile string // AliasFile: the script writes <alias>=<shadow ID> lines and VSS_SHADOW_SET=<set ID>
	AbortFile string // AbortMarker: when the runner creates it, the script exits MinFatal
	EmptyDir  string // EmptyDirName: the empty folder the emptiness check starts from
}

// Names of the files the copy script shares with the runner, in the run
// folder (VSSMIRROR_RUN_DIR).
const (
	// AliasFile is written by the copy script as its first action: one
	// line <alias>=<value of %alias%> per volume, in the order of
	// Plan.Volumes, then VSS_SHADOW_SET=<value>. diskshadow sets these
	// variables in exec's environment after create; a value is empty when
	// the variable was not set. Lines end in CRLF.
	AliasFile = "vssmirror-aliases.txt"
	// AbortMarker, when it exists in VSSMIRROR_RUN_DIR, makes the copy
	// script stop before the next source and before it would exit 0: it
	// echoes the file's lines as the reason and exits MinFatal, so
	// diskshadow quits at exec and end backup never runs. Write the reason
	// as plain text lines; cmd's for /f skips empty lines and lines starting
	// with ';'. Only checked when VSSMIRROR_RUN_DIR is set.
	AbortMarker = "vssmirror-abort"
	// EmptyDirName is a folder the copy script creates in its log folder and
	// keeps empty: the emptiness check of each snapshot folder starts there.
	EmptyDirName = "vssmirror-empty"
)

// GuardPlan is the deletion guard of the copy script.
type GuardPlan struct {
	Exe        string // vssmirror.exe, which judges the /L pass
	MaxPercent int
	MaxFiles   int
}

// WriterRef is a writer in a verify or exclude line.
type WriterRef struct {
	ID    string // {GUID}
	Label string // catalog name and display name, or "writer {GUID}"
}

// Volume is one volume in the shadow copy set.
type Volume struct {
	Letter string // drive letter of the live volume, e.g. "D"
	Alias  string // diskshadow alias, e.g. "vssm_d"
	Expose string // letter the shadow is exposed as, e.g. "S"
}

// CopySource is one robocopy run of the copy script.
type CopySource struct {
	Index     int      // 1-based
	Path      string   // the live source path, e.g. D:\Shares
	Exposed   string   // the same folder in the exposed snapshot, e.g. S:\Shares
	Dest      string   // destination folder, e.g. \\nas01\backups\fs\D\Shares
	Args      []string // robocopy arguments, unquoted, without the log switch
	LogName   string   // file name of the source's /UNILOG+ log
	ListName  string   // file the emptiness check lists the snapshot folder into
	GuardLog  string   // file name of the deletion guard's /L pass log
	DirSwitch string   // dir attribute switch for the emptiness check
}

// NewPlan derives the plan of a validated job. It refuses a job whose
// robocopy command lines would be longer than cmd.exe accepts
// (CmdMaxLine), naming the source's exclude_dirs or exclude_files; for a
// job with several backup sets it counts the longest set folder too.
func NewPlan(j *job.Job) (*Plan, error) {
	return newPlan(j, setFolderAllowance(j))
}

// setFolderAllowance is the length of the longest `\<set>` folder Render
// may add to the job's destination.
func setFolderAllowance(j *job.Job) int {
	n := 0
	for _, s := range j.Sets.Names() {
		if s != "" && len(s)+1 > n {
			n = len(s) + 1
		}
	}
	return n
}

// newPlan is NewPlan with setAllowance characters added to every robocopy
// line's length (0 when the destination already holds the set folder).
func newPlan(j *job.Job, setAllowance int) (*Plan, error) {
	p := &Plan{
		Job:         j.Name,
		ScriptsDir:  j.ScriptsDir,
		DshPath:     WinJoin(j.ScriptsDir, j.Name+".dsh"),
		CmdPath:     WinJoin(j.ScriptsDir, j.Name+".cmd"),
		CleanupPath: WinJoin(j.ScriptsDir, j.Name+"-cleanup.dsh"),
		StartPath:   WinJoin(j.ScriptsDir, j.Name+"-start.dsh"),
		StopPath:    WinJoin(j.ScriptsDir, j.Name+"-stop.dsh"),
		Context:     "persistent",
		Verbose:     j.Shadow.Verbose,
		Full:        j.Shadow.BackupType == job.BackupFull,
		Robocopy:    j.Robocopy.Path,

		MinPartial:       robocmd.MinPartial,
		MinFatal:         robocmd.MinFatal,
		GuardRefusedExit: robocmd.GuardRefusedExit,
		AliasFile:        AliasFile,
		AbortFile:        AbortMarker,
		EmptyDir:         EmptyDirName,
	}
	if !j.Shadow.Writers {
		p.Context = "persistent nowriters"
	}
	if j.Guard.Enabled {
		p.Guard = &GuardPlan{Exe: j.Guard.VssmirrorPath, MaxPercent: j.Guard.MaxDeletePercent, MaxFiles: j.Guard.MaxDeleteFiles}
	}
	p.ListPass = j.Guard.Enabled || j.Robocopy.KeepDeletedDays > 0
	if j.Shadow.Metadata {
		p.Metadata = WinJoin(j.ScriptsDir, j.Name+".cab")
	}
	for _, w := range j.Shadow.VerifyWriters {
		p.Verify = append(p.Verify, writerRef(w))
	}
	for _, w := range j.Shadow.ExcludeWriters {
		p.Exclude = append(p.Exclude, writerRef(w))
	}
	vols := job.Volumes(j)
	letters := job.ExposeLetters(j)
	if len(letters) != len(vols) {
		return nil, fmt.Errorf("job %s: %d volumes but %d expose letters", j.Name, len(vols), len(letters))
	}
	exposeOf := map[string]string{}
	for i, v := range vols {
		p.Volumes = append(p.Volumes, Volume{Letter: v, Alias: "vssm_" + strings.ToLower(v), Expose: letters[i]})
		exposeOf[v] = letters[i]
	}
	opts := robocmd.Options{
		Mirror:           j.Robocopy.Mirror,
		FFT:              j.Robocopy.FFT,
		Retries:          j.Robocopy.Retries,
		WaitSeconds:      j.Robocopy.WaitSeconds,
		Threads:          j.Robocopy.Threads,
		Copy:             j.Robocopy.Copy,
		DCopy:            j.Robocopy.DCopy,
		BackupMode:       j.Robocopy.BackupMode,
		ExcludeJunctions: j.Robocopy.ExcludeJunctions,
		ExtraArgs:        j.Robocopy.ExtraArgs,
	}
	for i, s := range j.Sources {
		letter := strings.ToUpper(s.Path[:1])
		exposed := exposeOf[letter] + s.Path[1:]
		o := opts
		o.ExcludeDirs = s.ExcludeDirs
		o.ExcludeFiles = s.ExcludeFiles
		root := len(s.Path) == 3
		dirSwitch := "/a"
		if root {
			// A volume root always holds the hidden system folders
			// "System Volume Information" and "$RECYCLE.BIN": they neither
			// count as content nor belong in the backup.
			dirSwitch = "/a:-s"
			o.ExcludeDirs = append([]string{"System Volume Information", "$RECYCLE.BIN"}, o.ExcludeDirs...)
		}
		dest := WinJoin(j.Destination, s.Target)
		o.ExcludeDirs = append(o.ExcludeDirs, StoryExcludes(dest, j.Destination)...)
		cs := CopySource{
			Index:     i + 1,
			Path:      s.Path,
			Exposed:   exposed,
			Dest:      dest,
			Args:      robocmd.Args(exposed, dest, o),
			LogName:   fmt.Sprintf("%s-robocopy-%d.log", j.Name, i+1),
			ListName:  fmt.Sprintf("%s-source-%d.lst", j.Name, i+1),
			GuardLog:  fmt.Sprintf("%s-guard-%d.log", j.Name, i+1),
			DirSwitch: dirSwitch,
		}
		if err := checkRobocopyLines(p, cs, i, s, setAllowance); err != nil {
			return nil, err
		}
		p.Sources = append(p.Sources, cs)
		for _, a := range append([]string{s.Path, exposed, dest}, o.ExcludeDirs...) {
			if !isASCII(a) {
				p.UTF8 = true
			}
		}
		for _, a := range o.ExcludeFiles {
			if !isASCII(a) {
				p.UTF8 = true
			}
		}
	}
	p.VerifyComponents = j.Verify.VerifyComponents
	if err := hookPlans(p, j); err != nil {
		return nil, err
	}
	if !isASCII(j.Destination) || !isASCII(j.Robocopy.Path) || !isASCII(j.Guard.VssmirrorPath) {
		p.UTF8 = true
	}
	p.Story = storyPlan(p, j, "")
	return p, nil
}

func writerRef(id string) WriterRef {
	w, _ := job.LookupWriter(id)
	if w.Name == "" {
		return WriterRef{ID: w.ID, Label: "writer " + w.ID}
	}
	return WriterRef{ID: w.ID, Label: fmt.Sprintf("%s (%s)", w.Name, w.DisplayName)}
}

// WinJoin joins a Windows directory and a relative path with one
// backslash. A POSIX directory (only when the runner drives a diskshadow
// test double off Windows) is joined with '/'.
func WinJoin(dir, rel string) string {
	if strings.HasPrefix(dir, "/") {
		return strings.TrimSuffix(dir, "/") + "/" + rel
	}
	if strings.HasSuffix(dir, `\`) {
		return dir + rel
	}
	return dir + `\` + rel
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// CmdMaxLine is the longest line cmd.exe runs: "the maximum length of the
// string that you can use at the command prompt is 8191 characters"
// (Microsoft Learn, "Command prompt (Cmd.exe) command-line string
// limitation"); a batch line is held to it both as written and after
// %VARIABLE% expansion.
const CmdMaxLine = 8191

// VarAllowance is what CmdLineLen counts for one %VARIABLE% or %~dp0 after
// expansion: MAX_PATH, the most a folder such as %VSSM_LOGDIR% may take.
const VarAllowance = 260

// CmdLineLen returns the length in characters (UTF-16 code units, as cmd
// counts them) that a line of a batch file has for cmd.exe: the larger of
// the line as written and the line after expansion, where %% is one
// character and every %NAME% (or %NAME:...%) and %~...N counts
// VarAllowance.
func CmdLineLen(line string) int {
	raw := utf16text.Len(line)
	expanded := 0
	for i := 0; i < len(line); {
		if line[i] != '%' {
			r, size := utf8.DecodeRuneInString(line[i:])
			expanded += utf16.RuneLen(r)
			i += size
			continue
		}
		rest := line[i+1:]
		switch {
		case strings.HasPrefix(rest, "%"): // %% is one %
			expanded++
			i += 2
		case strings.HasPrefix(rest, "~"): // %~dp0, %~1
			j := strings.IndexFunc(rest, func(r rune) bool { return r >= '0' && r <= '9' })
			if j < 0 {
				expanded++
				i++
				continue
			}
			expanded += VarAllowance
			i += 1 + j + 1
		default:
			end := strings.IndexByte(rest, '%')
			if end <= 0 || strings.ContainsAny(rest[:end], " \t") {
				expanded++ // a lone % is kept (or dropped): count it
				i++
				continue
			}
			expanded += VarAllowance
			i += 1 + end + 1
		}
	}
	return max(raw, expanded)
}

// checkRobocopyLines measures the robocopy lines the copy script runs for
// source cs (the guard's /L pass and the mirror, as templates/copy.cmd.tmpl
// writes them) and refuses one longer than CmdMaxLine, naming the
// job's fields that make it long. cmd.exe would stop at such a line with
// "The input line is too long." and the job would fail on the server only.
func checkRobocopyLines(p *Plan, cs CopySource, index int, s job.Source, setAllowance int) error {
	cmdline, err := quoteLine(p.Robocopy, cs.Args)
	if err != nil {
		return fmt.Errorf("sources[%d]: %w", index, err)
	}
	lines := []string{cmdline + ` "/UNILOG+:%VSSM_LOGDIR%\` + cs.LogName + `"`}
	if p.ListPass {
		lines = append(lines, cmdline+` /L /FP "/UNILOG:%VSSM_LOGDIR%\`+cs.GuardLog+`" >nul`)
	}
	longest := 0
	for _, l := range lines {
		longest = max(longest, CmdLineLen(l)+setAllowance)
	}
	if longest <= CmdMaxLine {
		return nil
	}
	f := fmt.Sprintf("sources[%d]", index)
	var parts []string
	if n := len(s.ExcludeDirs); n > 0 {
		parts = append(parts, fmt.Sprintf("%s.exclude_dirs has %d entries (%d characters)", f, n, listLen(s.ExcludeDirs)))
	}
	if n := len(s.ExcludeFiles); n > 0 {
		parts = append(parts, fmt.Sprintf("%s.exclude_files has %d entries (%d characters)", f, n, listLen(s.ExcludeFiles)))
	}
	hint := "exclude a parent folder instead of its subfolders, or use wildcards (e.g. *.tmp, Cache*) to shorten the lists"
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%s.path, its target and robocopy.extra_args are too long", f))
		hint = "shorten them"
	}
	return fmt.Errorf("%s: the robocopy command line would be %d characters, over cmd.exe's limit of %d (counting %d for the log folder %%VSSM_LOGDIR%%): %s; %s",
		f, longest, CmdMaxLine, VarAllowance, strings.Join(parts, " and "), hint)
}

// listLen is the length of names written as robocopy arguments.
func listLen(names []string) int {
	n := 0
	for _, s := range names {
		q, err := robocmd.Quote(s)
		if err != nil {
			q = s
		}
		n += 1 + CmdLineLen(q)
	}
	return n
}

// quoteLine is the template function cmdline: prog and args, each quoted
// by robocmd.Quote, joined by spaces.
func quoteLine(prog string, args []string) (string, error) {
	parts := make([]string, 0, len(args)+1)
	for _, a := range append([]string{prog}, args...) {
		q, err := robocmd.Quote(a)
		if err != nil {
			return "", err
		}
		parts = append(parts, q)
	}
	return strings.Join(parts, " "), nil
}

// CheckCmdLines refuses a rendered batch file (CRLF or LF lines) with a
// line longer than CmdMaxLine as CmdLineLen counts it. NewPlan already
// refuses long robocopy lines with the job's field names; this catches
// any line, e.g. one a template override adds.
func CheckCmdLines(name string, data []byte) error {
	for i, l := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		if n := CmdLineLen(l); n > CmdMaxLine {
			return fmt.Errorf("rendering %s: line %d would be %d characters for cmd.exe (counting %d for each %%VARIABLE%%), over its limit of %d", name, i+1, n, VarAllowance, CmdMaxLine)
		}
	}
	return nil
}
