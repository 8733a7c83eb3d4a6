package restore

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/internal/atomicfile"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner/manifest"
)

// Writers are the writers `restore --writer` generates a restore for.
var Writers = []string{"exchange", "sql", "hyperv"}

// GenerateOptions of Generate.
type GenerateOptions struct {
	Job         *job.Job
	Set, AsOf   string
	Writer      string // exchange, sql or hyperv
	Dir         string // where the scripts are written (and run from): ASCII, no spaces
	TemplateDir string
}

// Generate writes, for review, a writer-aware restore into o.Dir: the
// diskshadow script (load metadata <the set's .cab>, writer verify, begin
// restore, exec, end restore), the copy-back .cmd (robocopy /E back to
// every source's live folder, never /MIR or /PURGE) and a README of the
// manual steps. The .cab is copied beside them. It returns the files
// written. Nothing is written unless all of them render and lint clean.
func Generate(o GenerateOptions) ([]string, error) {
	known := false
	for _, w := range Writers {
		known = known || w == o.Writer
	}
	if !known {
		return nil, refuse("--writer %q: choose one of %s", o.Writer, strings.Join(Writers, ", "))
	}
	if o.Dir == "" {
		return nil, refuse("--writer needs --generate DIR: the folder the restore scripts are written to")
	}
	if err := job.CheckScriptsDir(o.Dir); err != nil {
		return nil, refuse("--generate: %v", err)
	}
	si, err := chooseSet(Options{Job: o.Job, Set: o.Set, AsOf: o.AsOf})
	if err != nil {
		return nil, err
	}
	story := filepath.Join(si.Folder, job.StoryDir)
	r, err := manifest.Open(story, manifest.ManifestName, manifest.KindManifest)
	if err != nil {
		return nil, fmt.Errorf("%w: the set %s has no readable manifest, so its writer metadata is unknown: %v", ErrRefused, si.Folder, err)
	}
	cab := r.Header.Metadata
	r.Close()
	if cab == "" || manifest.CheckPath(cab) != nil || strings.Contains(cab, `\`) {
		return nil, refuse("the set %s holds no writer metadata (.cab): the backup ran with shadow.metadata: false; a writer-aware restore needs it", si.Folder)
	}
	p, err := restorePlan(o.Job, si, o.Writer, o.Dir, cab)
	if err != nil {
		return nil, err
	}
	files, err := dshgen.RenderRestore(p, o.TemplateDir)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(story, cab))
	if err != nil {
		return nil, fmt.Errorf("reading the set's writer metadata: %w", err)
	}
	all := []atomicfile.File{{Name: cab, Data: data}}
	var written []string
	for _, f := range files {
		all = append(all, atomicfile.File{Name: f.Name, Data: f.Data})
	}
	if err := atomicfile.WriteAll(o.Dir, all, 0o644); err != nil {
		return nil, err
	}
	for _, f := range all {
		written = append(written, filepath.Join(o.Dir, f.Name))
	}
	return written, nil
}

// restorePlan is the data of the writer-aware restore templates: one
// copy per source, from its folder in the set back to its live path.
func restorePlan(j *job.Job, si SetInfo, writer, dir, cab string) (*dshgen.RestorePlan, error) {
	w, _ := job.LookupWriter(writer)
	dsh, cmd, readme := dshgen.RestoreFileNames(j.Name, writer)
	setArg := ""
	if si.Set != "" {
		setArg = " --set " + si.Set
	}
	p := &dshgen.RestorePlan{
		Job: j.Name, Set: si.Set, RunID: si.RunID, WriterName: writer,
		Writer: dshgen.WriterRef{ID: w.ID, Label: fmt.Sprintf("%s (%s)", w.Name, w.DisplayName)},
		Dir:    dir, DshPath: dshgen.WinJoin(dir, dsh), CmdPath: dshgen.WinJoin(dir, cmd), ReadmePath: dshgen.WinJoin(dir, readme),
		Metadata: dshgen.WinJoin(dir, cab), SetFolder: si.Folder, Robocopy: j.Robocopy.Path,
		MinPartial: robocmd.MinPartial, LogName: j.Name + "-restore-" + writer + ".log",
		VerifyCmd:   "vssmirror verify --config <job.yaml>" + setArg + " --hashes",
		Destination: j.Destination,
	}
	for i, s := range j.Sources {
		from := dshgen.WinJoin(si.Folder, s.Target)
		args, err := robocmd.RestoreArgs(from, s.Path, copyOptions(j))
		if err != nil {
			return nil, fmt.Errorf("sources[%d]: %w", i, err)
		}
		p.Copies = append(p.Copies, dshgen.RestoreCopy{Index: i + 1, From: from, To: s.Path, Args: args})
	}
	return p, nil
}

// copyOptions are the job's copy flags as a restore uses them.
func copyOptions(j *job.Job) robocmd.RestoreOptions {
	r := j.Robocopy
	return robocmd.RestoreOptions{Copy: r.Copy, DCopy: r.DCopy, BackupMode: r.BackupMode, Retries: r.Retries, Wait: r.WaitSeconds,
		Threads: r.Threads, ExcludeJunctions: r.ExcludeJunctions, FFT: r.FFT}
}
