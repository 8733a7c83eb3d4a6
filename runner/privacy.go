package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// executable is os.Executable; tests replace it.
var executable = os.Executable

// privatePath is a path the folders-private check judges, and what it is
// to the run (for the message).
type privatePath struct {
	what, path string
}

// privateList collects the paths to judge, each once.
type privateList struct {
	paths []privatePath
	errs  []string // paths that could not be listed
}

func (l *privateList) add(what, path string) {
	if path == "" {
		return
	}
	path = filepath.Clean(path)
	if !slices.ContainsFunc(l.paths, func(p privatePath) bool { return p.path == path }) {
		l.paths = append(l.paths, privatePath{what, path})
	}
}

// file adds a file and the folder it is in (whoever can write there can
// replace it), and, for a link, the folder of what it points to.
// CheckPrivate itself follows the link to judge the file.
func (l *privateList) file(what, path string) {
	if path == "" {
		return
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	l.add(what, path)
	l.add("the folder of "+what, filepath.Dir(path))
	if real, err := filepath.EvalSymlinks(path); err == nil {
		l.add("the folder "+what+" links to", filepath.Dir(real))
	}
}

// stateFiles adds the state folder and the job's files in it
// (<job>.lock, <job>.journal.json, <job>.history.jsonl, <job>.current,
// whatever state names <job>.*: a job name has no dot, so no other job's
// file starts so).
func (l *privateList) stateFiles(stateDir, jobName string) {
	l.add("the state folder", stateDir)
	entries, err := os.ReadDir(stateDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		l.errs = append(l.errs, fmt.Sprintf("listing the state folder %s: %v", stateDir, err))
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), jobName+".") {
			l.file("the job's state file", filepath.Join(stateDir, e.Name()))
		}
	}
}

// tree adds a folder and everything in it.
func (l *privateList) tree(what, dir string) {
	if dir == "" {
		return
	}
	l.add(what, dir)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipAll // reported by what reads it
			}
			return err
		}
		if p == dir {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			l.file("a file in "+what, p)
		} else {
			l.add("a file in "+what, p)
		}
		return nil
	})
	if err != nil {
		l.errs = append(l.errs, fmt.Sprintf("listing %s %s: %v", what, dir, err))
	}
}

// runPrivateList is what a run reads or runs, elevated, from the disk: the
// state folder and the job's files in it, the scripts folder and its runs
// folder, the job file, the template folder and every file in it,
// vssmirror itself (it is the deletion guard's program), and the guard's
// and robocopy's programs when the job names them by an absolute path.
func runPrivateList(opts Options) *privateList {
	l := &privateList{}
	l.stateFiles(opts.StateDir, opts.Job.Name)
	scripts := opts.ScriptsDir
	if scripts == "" {
		scripts = opts.Job.ScriptsDir
	}
	if scripts != "" {
		l.add("the scripts folder", scripts)
		l.add("the scripts folder's runs folder", filepath.Join(scripts, "runs"))
	}
	// The job was read from its file; a file that is no longer there is
	// read by nobody, and its folder steers nothing.
	if _, err := os.Stat(opts.ConfigPath); err == nil {
		l.file("the job file", opts.ConfigPath)
	}
	l.tree("the template folder (--template-dir)", opts.TemplateDir)
	if self, err := executable(); err == nil {
		l.file("vssmirror itself (the deletion guard's program)", self)
	} else {
		l.errs = append(l.errs, fmt.Sprintf("finding vssmirror's own executable: %v", err))
	}
	// Paths of the server: a Windows path is not absolute elsewhere.
	if g := opts.Job.Guard; g.Enabled && filepath.IsAbs(g.VssmirrorPath) {
		l.file("guard.vssmirror_path", g.VssmirrorPath)
	}
	if p := opts.Job.Robocopy.Path; filepath.IsAbs(p) {
		l.file("robocopy.path", p)
	}
	// A diskshadow given by --diskshadow or VSSMIRROR_DISKSHADOW runs
	// elevated too (System32's belongs to the system).
	if p := resolvedDiskshadow(opts.Diskshadow); p != "" {
		l.file("the diskshadow program (--diskshadow)", p)
	}
	return l
}

// check judges every path of the list (state.CheckPrivate): the
// folders-private check, failed with every path that others can change.
func (l *privateList) check() report.Check {
	c := report.Check{Name: "folders-private"}
	problems := slices.Clone(l.errs)
	var whats []string
	for _, p := range l.paths {
		if err := state.CheckPrivate(p.path); err != nil {
			problems = append(problems, p.what+": "+err.Error())
		}
		if !slices.Contains(whats, p.what) && !strings.HasPrefix(p.what, "the folder") && !strings.HasPrefix(p.what, "a file in") {
			whats = append(whats, p.what)
		}
	}
	if len(problems) > 0 {
		c.Message = strings.Join(problems, "; ")
		return c
	}
	c.OK, c.Message = true, "nobody else can change "+strings.Join(whats, ", ")+" (nor the folders they are in)"
	return c
}

// foldersPrivate checks that nobody but SYSTEM, Administrators,
// TrustedInstaller and the account running vssmirror (root and that
// account, off Windows) owns or can write what the run reads or runs
// elevated (runPrivateList).
func foldersPrivate(opts Options) report.Check {
	return runPrivateList(opts).check()
}

// statePrivate is foldersPrivate for `vssmirror cleanup`: the state folder
// and the job's files in it, whose journal names the shadows it deletes.
func statePrivate(stateDir, jobName string) report.Check {
	l := &privateList{}
	l.stateFiles(stateDir, jobName)
	return l.check()
}

// journaledLetters are the drive letters the job's journal records as
// exposed by its own shadows, each with the shadow's ID: what a crashed
// run left, which the run deletes (cleanupEarlierRun) before its
// snapshot. The journal is only read; one that cannot be read gives none
// (the lock step reports it).
func journaledLetters(stateDir, jobName string) map[string]string {
	j, err := state.OpenJournal(stateDir, jobName)
	if err != nil {
		return nil
	}
	mine := map[string]string{}
	for _, e := range j.Entries {
		if e.ExposedAs != "" { // checked: a letter, a colon, maybe a backslash
			mine[strings.ToUpper(e.ExposedAs[:1])] = e.ID
		}
	}
	return mine
}

// lettersFree is the expose-letters-free check: every letter the job
// exposes its shadows on must be free, except one the journal records as
// exposed by a shadow of this job (mine: letter to shadow ID), which the
// run deletes before it takes its snapshot.
func lettersFree(letters []string, used map[string]bool, mine map[string]string) report.Check {
	c := report.Check{Name: "expose-letters-free"}
	var taken, left []string
	for _, l := range letters {
		u := strings.ToUpper(l)
		switch {
		case !used[u]:
		case mine[u] != "":
			left = append(left, fmt.Sprintf("%s: (shadow %s)", u, mine[u]))
		default:
			taken = append(taken, u+":")
		}
	}
	if len(taken) > 0 {
		c.Message = fmt.Sprintf("%s already in use (a mapped drive, a disk, or a shadow left exposed by an earlier run: `vssmirror cleanup`); set shadow.expose_letters to free letters", strings.Join(taken, ", "))
		return c
	}
	c.OK, c.Message = true, "free: "+strings.Join(letters, ", ")
	if len(left) > 0 {
		c.Message = fmt.Sprintf("free: %s; %s exposed by this job's own shadows that an earlier run left (recorded in its journal): they are deleted before the snapshot",
			strings.Join(letters, ", "), strings.Join(left, ", "))
	}
	return c
}

// resolvedDiskshadow is the diskshadow program given on the command line or
// by VSSMIRROR_DISKSHADOW, as an absolute path; "" for System32's.
func resolvedDiskshadow(given string) string {
	if given == "" {
		given = os.Getenv("VSSMIRROR_DISKSHADOW")
	}
	if given == "" {
		return ""
	}
	if p, err := exec.LookPath(given); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
	}
	return ""
}
