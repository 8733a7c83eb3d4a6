package dshgen

import (
	"fmt"
	"strings"

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

// NewPlan derives the plan of a validated job.
func NewPlan(j *job.Job) (*Plan, error) {
	p := &Plan{
		Job:         j.Name,
		ScriptsDir:  j.ScriptsDir,
		DshPath:     WinJoin(j.ScriptsDir, j.Name+".dsh"),
		CmdPath:     WinJoin(j.ScriptsDir, j.Name+".cmd"),
		CleanupPath: WinJoin(j.ScriptsDir, j.Name+"-cleanup.dsh"),
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
		p.Sources = append(p.Sources, CopySource{
			Index:     i + 1,
			Path:      s.Path,
			Exposed:   exposed,
			Dest:      dest,
			Args:      robocmd.Args(exposed, dest, o),
			LogName:   fmt.Sprintf("%s-robocopy-%d.log", j.Name, i+1),
			ListName:  fmt.Sprintf("%s-source-%d.lst", j.Name, i+1),
			GuardLog:  fmt.Sprintf("%s-guard-%d.log", j.Name, i+1),
			DirSwitch: dirSwitch,
		})
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
	if !isASCII(j.Destination) || !isASCII(j.Robocopy.Path) {
		p.UTF8 = true
	}
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
