package runner

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// unixModes skips a test that opens paths with unix modes and owners (on
// Windows the same judgement is made on DACLs: runner/state's Windows
// tests).
func unixModes(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("modes and owners: the DACL checks are runner/state's Windows tests")
	}
}

// privateTree is a job whose every path folders-private judges exists and
// is private: state folder and files, scripts and runs folders, job file,
// template folder, vssmirror itself, the guard's program and robocopy.
type privateTree struct {
	base, stateDir, scripts, config, templates, self, guard, robocopy string
	opts                                                              Options
}

func newPrivateTree(t *testing.T) *privateTree {
	t.Helper()
	e := newEnv(t, "")
	base := t.TempDir()
	p := &privateTree{base: base, stateDir: filepath.Join(base, "state"), scripts: filepath.Join(base, "scripts"),
		config: filepath.Join(base, "jobs", "job.yaml"), templates: filepath.Join(base, "templates"),
		self: filepath.Join(base, "bin", "vssmirror"), guard: filepath.Join(base, "guard", "vssmirror.exe"),
		robocopy: filepath.Join(base, "robocopy", "robocopy.exe")}
	for _, d := range []string{p.stateDir, filepath.Join(p.scripts, "runs"), p.templates} {
		require.NoError(t, os.MkdirAll(d, 0o700))
	}
	for _, f := range []string{p.config, p.self, p.guard, p.robocopy} {
		require.NoError(t, os.MkdirAll(filepath.Dir(f), 0o755))
		require.NoError(t, os.WriteFile(f, []byte("x"), 0o755))
	}
	for _, f := range []string{"fs.lock", "fs.journal.json", "fs.history.jsonl", "fs.current"} {
		require.NoError(t, os.WriteFile(filepath.Join(p.stateDir, f), nil, 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(p.templates, "copy.cmd.tmpl"), []byte("x"), 0o644))
	orig := executable
	executable = func() (string, error) { return p.self, nil }
	t.Cleanup(func() { executable = orig })
	e.job.Guard.Enabled, e.job.Guard.VssmirrorPath = true, p.guard
	e.job.Robocopy.Path = p.robocopy
	p.opts = e.opts()
	p.opts.StateDir, p.opts.ScriptsDir, p.opts.ConfigPath, p.opts.TemplateDir = p.stateDir, p.scripts, p.config, p.templates
	return p
}

// TestFoldersPrivateEveryPath opens one path at a time to others and
// checks that folders-private refuses it, naming what it is and the path.
func TestFoldersPrivateEveryPath(t *testing.T) {
	unixModes(t)
	p := newPrivateTree(t)
	c := foldersPrivate(p.opts)
	require.True(t, c.OK, c.Message)
	for _, w := range []string{"the state folder", "the job's state file", "the scripts folder", "the scripts folder's runs folder", "the job file",
		"the template folder (--template-dir)", "vssmirror itself (the deletion guard's program)", "guard.vssmirror_path", "robocopy.path"} {
		assert.Contains(t, c.Message, w)
	}

	for _, tc := range []struct{ what, path string }{
		{"the state folder", p.stateDir},
		{"the job's state file", filepath.Join(p.stateDir, "fs.journal.json")},
		{"the job's state file", filepath.Join(p.stateDir, "fs.history.jsonl")},
		{"the job's state file", filepath.Join(p.stateDir, "fs.lock")},
		{"the job's state file", filepath.Join(p.stateDir, "fs.current")},
		{"the scripts folder", p.scripts},
		{"the scripts folder's runs folder", filepath.Join(p.scripts, "runs")},
		{"the job file", p.config},
		{"the folder of the job file", filepath.Dir(p.config)},
		{"the template folder (--template-dir)", p.templates},
		{"a file in the template folder (--template-dir)", filepath.Join(p.templates, "copy.cmd.tmpl")},
		{"vssmirror itself (the deletion guard's program)", p.self},
		{"the folder of vssmirror itself (the deletion guard's program)", filepath.Dir(p.self)},
		{"guard.vssmirror_path", p.guard},
		{"the folder of guard.vssmirror_path", filepath.Dir(p.guard)},
		{"robocopy.path", p.robocopy},
		{"the folder of robocopy.path", filepath.Dir(p.robocopy)},
	} {
		t.Run(strings.TrimPrefix(tc.path, p.base), func(t *testing.T) {
			fi, err := os.Stat(tc.path)
			require.NoError(t, err)
			require.NoError(t, os.Chmod(tc.path, fi.Mode().Perm()|0o022))
			defer os.Chmod(tc.path, fi.Mode().Perm())
			c := foldersPrivate(p.opts)
			assert.False(t, c.OK)
			assert.Equal(t, "folders-private", c.Name)
			assert.Contains(t, c.Message, tc.what+": "+tc.path+" is writable by others (mode ")
			assert.Contains(t, c.Message, `chmod o-w "`+tc.path+`"`)
		})
	}
	require.True(t, foldersPrivate(p.opts).OK, "every path is private again")
}

// TestFoldersPrivateOwner: a job file (or a template) owned by another
// account is refused even with mode 0600.
func TestFoldersPrivateOwner(t *testing.T) {
	unixModes(t)
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another account needs root")
	}
	p := newPrivateTree(t)
	for _, f := range []string{p.config, filepath.Join(p.templates, "copy.cmd.tmpl"), filepath.Dir(p.self)} {
		require.NoError(t, os.Chown(f, 65534, 65534))
		c := foldersPrivate(p.opts)
		assert.False(t, c.OK)
		assert.Contains(t, c.Message, f+" is owned by uid 65534")
		require.NoError(t, os.Chown(f, 0, 0))
	}
	assert.True(t, foldersPrivate(p.opts).OK)
}

// TestFoldersPrivateNotChecked: what the run does not read is not judged:
// another job's state files, the guard's program when the guard is off, a
// robocopy found on the PATH, and paths of the server that are not paths
// here; missing paths pass (created private, or reported by what reads
// them), and so does the folder of a job file that is not there.
func TestFoldersPrivateNotChecked(t *testing.T) {
	unixModes(t)
	p := newPrivateTree(t)
	other := filepath.Join(p.stateDir, "fs-old.journal.json") // job "fs-old"
	require.NoError(t, os.WriteFile(other, nil, 0o600))
	require.NoError(t, os.Chmod(other, 0o666))
	require.NoError(t, os.Chmod(filepath.Dir(p.guard), 0o777))
	p.opts.Job.Guard.Enabled = false
	p.opts.Job.Robocopy.Path = "robocopy.exe"
	c := foldersPrivate(p.opts)
	assert.True(t, c.OK, c.Message)
	assert.NotContains(t, c.Message, "guard.vssmirror_path")

	p.opts.Job.Guard.Enabled = true
	p.opts.Job.Guard.VssmirrorPath = `C:\Program Files\vssmirror\vssmirror.exe` // not a path here
	p.opts.Job.Robocopy.Path = `C:\Windows\System32\robocopy.exe`
	p.opts.StateDir = filepath.Join(p.base, "new", "state")
	p.opts.TemplateDir = filepath.Join(p.base, "no-templates")
	p.opts.ConfigPath = filepath.Join(p.base, "jobs", "missing.yaml") // read by nobody: its folder steers nothing
	require.NoError(t, os.Chmod(filepath.Dir(p.config), 0o777))
	c = foldersPrivate(p.opts)
	assert.True(t, c.OK, c.Message)
}

// TestFoldersPrivateTemplateLink: a template that is a link is judged by
// its target, and by the folder the target is in.
func TestFoldersPrivateTemplateLink(t *testing.T) {
	unixModes(t)
	p := newPrivateTree(t)
	elsewhere := filepath.Join(p.base, "elsewhere")
	require.NoError(t, os.Mkdir(elsewhere, 0o755))
	target := filepath.Join(elsewhere, "job.dsh.tmpl")
	require.NoError(t, os.WriteFile(target, []byte("x"), 0o644))
	require.NoError(t, os.Symlink(target, filepath.Join(p.templates, "job.dsh.tmpl")))
	require.True(t, foldersPrivate(p.opts).OK)
	require.NoError(t, os.Chmod(elsewhere, 0o777))
	c := foldersPrivate(p.opts)
	assert.False(t, c.OK)
	assert.Contains(t, c.Message, "the folder a file in the template folder (--template-dir) links to: "+elsewhere+" is writable")
}

// A journal file anyone may write, in a private state folder: run stops in
// preflight (exit 12) and deletes nothing, not even the shadow the journal
// names.
func TestRunRefusesOpenJournalFile(t *testing.T) {
	unixModes(t)
	e := newEnv(t, "")
	e.foreign()
	planted := `{"entries":[{"id":"{99999999-9999-9999-9999-999999999999}","run_id":"x","recorded":"2026-11-22T00:00:00Z"}]}`
	require.NoError(t, os.MkdirAll(e.stateDir, 0o700))
	jp := state.JournalPath(e.stateDir, "fs")
	require.NoError(t, os.WriteFile(jp, []byte(planted), 0o600))
	require.NoError(t, os.Chmod(jp, 0o666))
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.PreflightFailed, rep.Outcome)
	assert.Equal(t, 12, rep.ExitCode)
	assert.Contains(t, err.Error(), "the job's state file: "+jp+" is writable by others")
	assert.Len(t, e.shadows(), 1, "the foreign shadow is untouched")
}

// A template folder anyone may write: run stops in preflight and renders
// nothing.
func TestRunRefusesOpenTemplateDir(t *testing.T) {
	unixModes(t)
	e := newEnv(t, "")
	tdir := filepath.Join(t.TempDir(), "templates")
	require.NoError(t, os.Mkdir(tdir, 0o700))
	require.NoError(t, os.Chmod(tdir, 0o777))
	require.NoError(t, os.WriteFile(filepath.Join(tdir, "copy.cmd.tmpl"), []byte("@echo off\r\nnet localgroup administrators eve /add\r\n"), 0o644))
	o := e.opts()
	o.TemplateDir = tdir
	rep, err := Run(context.Background(), o)
	require.Error(t, err)
	assert.Equal(t, report.PreflightFailed, rep.Outcome)
	assert.Contains(t, err.Error(), "the template folder (--template-dir): "+tdir+" is writable")
	assert.Empty(t, rep.Scripts, "nothing was rendered")

	// A template anyone may write, in a private folder: refused too.
	require.NoError(t, os.Chmod(tdir, 0o755))
	require.NoError(t, os.Chmod(filepath.Join(tdir, "copy.cmd.tmpl"), 0o666))
	_, err = Run(context.Background(), o)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a file in the template folder (--template-dir): "+filepath.Join(tdir, "copy.cmd.tmpl")+" is writable")
}

// `vssmirror cleanup` checks the state folder and the job's files in it
// before it reads the journal: an open folder or journal stops it with
// exit 12, and the shadow the journal names is left alone.
func TestCleanupChecksStatePrivate(t *testing.T) {
	unixModes(t)
	planted := `{"entries":[{"id":"{99999999-9999-9999-9999-999999999999}","run_id":"x","recorded":"2026-11-22T00:00:00Z"}]}`
	for _, tc := range []struct {
		name string
		open func(e *env) string
	}{
		{"open folder", func(e *env) string {
			require.NoError(t, os.Chmod(e.stateDir, 0o777))
			return "the state folder: " + e.stateDir
		}},
		{"open journal", func(e *env) string {
			jp := state.JournalPath(e.stateDir, "fs")
			require.NoError(t, os.Chmod(jp, 0o666))
			return "the job's state file: " + jp
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			e.foreign()
			require.NoError(t, os.MkdirAll(e.stateDir, 0o700))
			require.NoError(t, os.WriteFile(state.JournalPath(e.stateDir, "fs"), []byte(planted), 0o600))
			want := tc.open(e)
			rep, err := Cleanup(context.Background(), e.opts())
			require.Error(t, err)
			assert.Equal(t, report.PreflightFailed, rep.Outcome)
			assert.Equal(t, 12, rep.ExitCode)
			assert.Contains(t, err.Error(), "preflight folders-private: "+want+" is writable by others")
			require.NotEmpty(t, rep.Preflight)
			last := rep.Preflight[len(rep.Preflight)-1]
			assert.Equal(t, "folders-private", last.Name)
			assert.False(t, last.OK)
			assert.Len(t, e.shadows(), 1, "the shadow the journal names is untouched")
			assert.Contains(t, e.journalText(), "99999999", "the journal is left as it was")
		})
	}
}

// A cleanup of a private state folder records the passed check.
func TestCleanupPrivateCheckPasses(t *testing.T) {
	e := newEnv(t, "")
	rep, err := Cleanup(context.Background(), e.opts())
	require.NoError(t, err)
	var names []string
	for _, c := range rep.Preflight {
		names = append(names, c.Name)
		if c.Name == "folders-private" {
			assert.True(t, c.OK, c.Message)
		}
	}
	assert.Contains(t, names, "folders-private")
}

// TestLettersFree: a letter in use fails the check unless the job's
// journal records it as exposed by one of the job's own shadows (a crashed
// run's, deleted before the snapshot); the message says so.
func TestLettersFree(t *testing.T) {
	const id = "{11111111-2222-3333-4444-555555555555}"
	for _, tc := range []struct {
		name    string
		letters []string
		used    map[string]bool
		mine    map[string]string
		ok      bool
		want    []string
	}{
		{"free", []string{"S", "T"}, map[string]bool{"C": true}, nil, true, []string{"free: S, T"}},
		{"taken", []string{"S", "T"}, map[string]bool{"T": true}, nil, false, []string{"T: already in use", "vssmirror cleanup", "shadow.expose_letters"}},
		{"left by this job", []string{"S", "T"}, map[string]bool{"S": true, "T": true}, map[string]string{"S": id, "T": id}, true,
			[]string{"free: S, T; S: (shadow " + id + "), T: (shadow " + id + ") exposed by this job's own shadows", "deleted before the snapshot"}},
		{"one left, one taken", []string{"S", "T"}, map[string]bool{"S": true, "T": true}, map[string]string{"S": id}, false, []string{"T: already in use"}},
		{"journal names another letter", []string{"S"}, map[string]bool{"S": true}, map[string]string{"Q": id}, false, []string{"S: already in use"}},
		{"lower case letter", []string{"s"}, map[string]bool{"S": true}, map[string]string{"S": id}, true, []string{"S: (shadow " + id + ")"}},
		{"lower case taken", []string{"s"}, map[string]bool{"S": true}, nil, false, []string{"S: already in use"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := lettersFree(tc.letters, tc.used, tc.mine)
			assert.Equal(t, "expose-letters-free", c.Name)
			assert.Equal(t, tc.ok, c.OK, c.Message)
			for _, w := range tc.want {
				assert.Contains(t, c.Message, w)
			}
		})
	}
}

// TestJournaledLetters reads the letters a crashed run's shadows were
// exposed on from the journal, read-only; a corrupt or missing journal
// exempts nothing.
func TestJournaledLetters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	assert.Empty(t, journaledLetters(dir, "fs"), "no journal")
	assert.NoDirExists(t, dir, "reading creates nothing")

	require.NoError(t, os.MkdirAll(dir, 0o700))
	j, err := state.OpenJournal(dir, "fs")
	require.NoError(t, err)
	now := time.Now()
	require.NoError(t, j.Record(
		state.JournalEntry{ID: "{11111111-1111-1111-1111-111111111111}", ExposedAs: "S:", RunID: "r1", Recorded: now},
		state.JournalEntry{ID: "{22222222-2222-2222-2222-222222222222}", ExposedAs: `t:\`, RunID: "r1", Recorded: now},
		state.JournalEntry{ID: "{33333333-3333-3333-3333-333333333333}", RunID: "r1", Recorded: now}, // not exposed yet
	))
	assert.Equal(t, map[string]string{"S": "{11111111-1111-1111-1111-111111111111}", "T": "{22222222-2222-2222-2222-222222222222}"}, journaledLetters(dir, "fs"))
	assert.Empty(t, journaledLetters(dir, "other"), "another job's journal")

	require.NoError(t, os.WriteFile(state.JournalPath(dir, "fs"), []byte(`{"entries":[{"id":"{1}\r\nexec evil.cmd","exposed_as":"S:"}]}`), 0o600))
	assert.Empty(t, journaledLetters(dir, "fs"), "a corrupt journal exempts nothing (the lock step reports it)")

	// The preflight's journal: the letters of the job's crashed run are
	// exempt, checked the way preflight does.
	c := lettersFree([]string{"S"}, map[string]bool{"S": true}, journaledLetters(dir, "fs"))
	assert.False(t, c.OK, c.Message)
}

// A --diskshadow program others can write is refused like vssmirror itself.
func TestDiskshadowProgramMustBePrivate(t *testing.T) {
	dir := t.TempDir()
	ds := filepath.Join(dir, "diskshadow.exe")
	require.NoError(t, os.WriteFile(ds, []byte("#!/bin/sh\n"), 0o755))
	require.NoError(t, os.Chmod(ds, 0o777))
	assert.Equal(t, ds, resolvedDiskshadow(ds))
	l := &privateList{}
	l.file("the diskshadow program (--diskshadow)", resolvedDiskshadow(ds))
	c := l.check()
	assert.False(t, c.OK)
	assert.Contains(t, c.Message, "the diskshadow program (--diskshadow): "+ds)
}
