package dshgen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/templates"
)

// StoryPlan is what the copy script's story step (`vssmirror story`) and
// its keep-deleted step (`vssmirror keep-deleted`) need to know about the
// run: written beside the scripts as <name>.story.json by Render, read back
// (and checked) by ReadStoryPlan. Every path in it is also in the scripts.
type StoryPlan struct {
	Schema      int           `json:"schema"`
	Job         string        `json:"job"`
	Set         string        `json:"set"`      // the set's name, "" for sets: single
	SetRoot     string        `json:"set_root"` // the set's folder on the destination
	BackupType  string        `json:"backup_type"`
	Writers     bool          `json:"writers"` // false: a crash-consistent (nowriters) snapshot
	Verify      []WriterRef   `json:"verify_writers"`
	Exclude     []WriterRef   `json:"exclude_writers"`
	Metadata    string        `json:"metadata"` // the writer metadata .cab diskshadow writes, "" for none
	Scripts     []string      `json:"scripts"`  // the .dsh and .cmd that run
	Volumes     []StoryVolume `json:"volumes"`
	Sources     []StorySource `json:"sources"`
	Hashes      bool          `json:"hashes"`
	HashWorkers int           `json:"hash_workers"`
	FFT         bool          `json:"fft"`
	KeepDeleted int           `json:"keep_deleted_days"`

	Exe  string `json:"-"` // vssmirror.exe, which the copy script runs
	File string `json:"-"` // the plan's file name, beside the scripts
}

// StoryVolume is one volume of the shadow copy set.
type StoryVolume struct {
	Letter string `json:"letter"` // live volume, e.g. D
	Alias  string `json:"alias"`  // diskshadow alias, e.g. vssm_d
	Expose string `json:"expose"` // letter the shadow is exposed as
}

// StorySource is one source of the story plan.
type StorySource struct {
	Index   int    `json:"index"`
	Path    string `json:"path"`    // live path, e.g. D:\Shares
	Target  string `json:"target"`  // folder under the set, e.g. D\Shares
	Exposed string `json:"exposed"` // the same folder in the snapshot, e.g. S:\Shares
	Dest    string `json:"dest"`    // SetRoot\Target
}

// StoryPlanSchema is the schema of <name>.story.json.
const StoryPlanSchema = 1

// StoryFileName is the story plan's file name for a job.
func StoryFileName(jobName string) string { return jobName + ".story.json" }

// storyPlan derives the story plan of a job whose destination already
// names the set's folder (set is that folder's name).
func storyPlan(p *Plan, j *job.Job, set string) *StoryPlan {
	sp := &StoryPlan{
		Schema: StoryPlanSchema, Job: j.Name, Set: set, SetRoot: j.Destination,
		BackupType: j.Shadow.BackupType, Writers: j.Shadow.Writers,
		Verify: p.Verify, Exclude: p.Exclude, Metadata: p.Metadata,
		Scripts: []string{p.DshPath, p.CmdPath},
		Hashes:  j.Manifest.Hashes, HashWorkers: j.Manifest.HashWorkers, FFT: j.Robocopy.FFT,
		KeepDeleted: j.Robocopy.KeepDeletedDays,
		Exe:         j.Guard.VssmirrorPath, File: StoryFileName(j.Name),
	}
	if sp.Verify == nil {
		sp.Verify = []WriterRef{}
	}
	if sp.Exclude == nil {
		sp.Exclude = []WriterRef{}
	}
	for _, v := range p.Volumes {
		sp.Volumes = append(sp.Volumes, StoryVolume(v))
	}
	for i, s := range j.Sources {
		sp.Sources = append(sp.Sources, StorySource{Index: i + 1, Path: s.Path, Target: s.Target, Exposed: p.Sources[i].Exposed, Dest: p.Sources[i].Dest})
	}
	return sp
}

// StoryExcludes returns the /XD entry that keeps a mirror into dest away
// from the set's story folder: the full path of setRoot\_vssmirror when
// dest is the set's root itself, else nothing. Job validation refuses a
// target that is the destination's root, so today no source needs it;
// NewPlan still asks, so that the story folder is never mirrored over.
func StoryExcludes(dest, setRoot string) []string {
	if strings.EqualFold(strings.TrimRight(dest, `\/`), strings.TrimRight(setRoot, `\/`)) {
		return []string{WinJoin(setRoot, job.StoryDir)}
	}
	return nil
}

// JSON returns the story plan as written beside the scripts (Render
// gives it CRLF lines like every file of the bundle).
func (sp *StoryPlan) JSON() []byte {
	b, _ := json.MarshalIndent(sp, "", "  ")
	return append(b, '\n')
}

// maxStoryPlan bounds the story plan file vssmirror reads back: a job of
// 20,000 sources fits in a few MB.
const maxStoryPlan = 64 << 20

var jobNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ReadStoryPlan reads and checks a story plan. vssmirror runs elevated and
// the file sits in a folder an attacker might reach, so every field is
// checked before it is used: the job and set names' shapes, every path
// quotable for cmd.exe (no ", control characters, line breaks), each
// source's destination inside the set's folder and its own target.
func ReadStoryPlan(path string) (*StoryPlan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStoryPlan+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxStoryPlan {
		return nil, fmt.Errorf("%s: larger than %d bytes: not a story plan vssmirror wrote", path, maxStoryPlan)
	}
	var sp StoryPlan
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sp); err != nil {
		return nil, fmt.Errorf("%s: not a story plan: %w", path, err)
	}
	if err := sp.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &sp, nil
}

func (sp *StoryPlan) check() error {
	switch {
	case sp.Schema != StoryPlanSchema:
		return fmt.Errorf("schema %d, this vssmirror reads %d", sp.Schema, StoryPlanSchema)
	case !jobNameRE.MatchString(sp.Job):
		return fmt.Errorf("job %q is not a job name", sp.Job)
	case !job.ValidSetName(sp.Set):
		return fmt.Errorf("set %q is not a set name", sp.Set)
	case sp.BackupType != job.BackupCopy && sp.BackupType != job.BackupFull:
		return fmt.Errorf("backup_type %q is neither copy nor full", sp.BackupType)
	case sp.HashWorkers < 1 || sp.HashWorkers > 64:
		return fmt.Errorf("hash_workers %d is out of range 1-64", sp.HashWorkers)
	case sp.KeepDeleted < 0 || sp.KeepDeleted > job.MaxKeepDeletedDays:
		return fmt.Errorf("keep_deleted_days %d is out of range", sp.KeepDeleted)
	case len(sp.Sources) == 0:
		return errors.New("no sources")
	}
	paths := append([]string{sp.SetRoot}, sp.Scripts...)
	if sp.Metadata != "" {
		paths = append(paths, sp.Metadata)
	}
	for _, s := range sp.Sources {
		paths = append(paths, s.Path, s.Target, s.Exposed, s.Dest)
		if !strings.EqualFold(s.Dest, WinJoin(sp.SetRoot, s.Target)) {
			return fmt.Errorf("source %d: destination %q is not the set's folder %q and its target %q", s.Index, s.Dest, sp.SetRoot, s.Target)
		}
		first, _, _ := strings.Cut(s.Target, `\`)
		if s.Target == "" || strings.Contains(s.Target, "..") || strings.EqualFold(first, job.StoryDir) {
			return fmt.Errorf("source %d: target %q is not a folder of its own under the set", s.Index, s.Target)
		}
	}
	for _, p := range paths {
		if p == "" {
			return errors.New("an empty path")
		}
		if err := robocmd.CheckPath(p); err != nil {
			return fmt.Errorf("path %q: %w", p, err)
		}
	}
	for _, v := range sp.Volumes {
		if len(v.Letter) != 1 || len(v.Expose) != 1 || !strings.HasPrefix(v.Alias, "vssm_") {
			return fmt.Errorf("volume %+v is not one vssmirror plans", v)
		}
	}
	return nil
}

// Dir is the set's story folder, <set>\_vssmirror.
func (sp *StoryPlan) Dir() string { return WinJoin(sp.SetRoot, job.StoryDir) }

// DeletedDir is where keep-deleted moves what /MIR would delete,
// <set>\_vssmirror\deleted (then <run date>\<path under the set>).
func (sp *StoryPlan) DeletedDir() string { return WinJoin(sp.Dir(), "deleted") }

// CheckStoryStep refuses a bundle whose copy script does not run the story
// step (an override of copy.cmd.tmpl written before it existed): a run
// would then mark a set good without its manifest and writer metadata.
func CheckStoryStep(b *Bundle) error {
	want := []byte(` story "%~dp0` + b.Plan.Story.File + `"`)
	for _, f := range b.Files {
		if f.Template == templates.CopyCmd && !bytes.Contains(f.Data, want) {
			return fmt.Errorf("the copy script %s does not run the set's story step (%s story \"%%~dp0%s\", before its final exit 0): an override of %s from an older vssmirror? Dump the current templates (vssmirror templates dump) and carry your change over", f.Name, b.Plan.Story.Exe, b.Plan.Story.File, templates.CopyCmd)
		}
	}
	return nil
}
