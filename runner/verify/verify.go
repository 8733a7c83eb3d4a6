package verify

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/manifest"
	"github.com/vssmirror/vssmirror/runner/state"
)

// Kinds of finding.
const (
	Missing    = "missing"    // listed in the manifest, not in the set
	Extra      = "extra"      // in the set, not in the manifest
	Size       = "size"       // another size than the manifest's
	Time       = "time"       // another modification time
	Hash       = "hash"       // another SHA-256 than the snapshot's
	Unreadable = "unreadable" // a folder or file of the set that cannot be read
	NoStory    = "manifest"   // the manifest (or the hashes sidecar) is missing or not valid
)

// Finding is one difference between the set and its manifest.
type Finding struct {
	Kind   string `json:"kind"`
	Source int    `json:"source,omitempty"`
	Path   string `json:"path,omitempty"` // under the source's target folder
	Want   string `json:"want,omitempty"`
	Got    string `json:"got,omitempty"`
}

// Result is the verdict on a set.
type Result struct {
	Schema   int              `json:"schema"`
	Job      string           `json:"job"`
	Set      string           `json:"set"`
	Folder   string           `json:"folder"`
	Manifest string           `json:"manifest"`
	RunID    string           `json:"run_id"`
	Marker   bool             `json:"good_marker"`
	OK       bool             `json:"ok"`
	Files    int64            `json:"files"`   // listed in the manifest
	Checked  int64            `json:"checked"` // found in the set with the right size and time
	Hashed   int64            `json:"hashed"`
	Counts   map[string]int64 `json:"counts"`
	Findings []Finding        `json:"findings"` // the first MaxFindings
	Warnings []string         `json:"warnings"`
	Seconds  float64          `json:"seconds"`
}

// MaxFindings is how many findings a Result lists (Counts has them all).
const MaxFindings = 1000

// ErrDamaged is returned (wrapped) when the set does not match its manifest.
var ErrDamaged = errors.New("the backup set does not match its manifest")

// Options of Verify.
type Options struct {
	Job      *job.Job
	Set      string // the set's name; "" for sets: single
	Hashes   bool   // compare every file's SHA-256 with the hashes sidecar
	Workers  int    // files hashed at once (default the job's manifest.hash_workers)
	Progress func(files, hashed int64)
	Now      func() time.Time
}

// Verify checks the set. The Result is returned whenever the set's folder
// could be read; err wraps ErrDamaged when the set does not match (or its
// manifest is missing or invalid), and is another error when the set's
// folder cannot be reached.
func Verify(o Options) (*Result, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Workers <= 0 {
		o.Workers = o.Job.Manifest.HashWorkers
	}
	if o.Workers <= 0 {
		o.Workers = job.DefaultHashWorkers
	}
	if err := CheckSet(o.Job, o.Set); err != nil {
		return nil, err
	}
	start := o.Now()
	setRoot := state.SetFolder(o.Job.Destination, o.Set)
	v := &verifier{o: o, res: &Result{Schema: 1, Job: o.Job.Name, Set: o.Set, Folder: setRoot, Counts: map[string]int64{}, Findings: []Finding{}, Warnings: []string{}}}
	if fi, err := os.Stat(setRoot); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("the set's folder %s cannot be read: %v", setRoot, err)
	}
	if _, err := os.Stat(filepath.Join(setRoot, state.MarkerName)); err == nil {
		v.res.Marker = true
	} else {
		v.warn("the set has no good marker (%s): the last run into it did not finish successfully, or is running now", state.MarkerName)
	}
	v.run(setRoot)
	v.res.Seconds = o.Now().Sub(start).Seconds()
	v.res.OK = len(v.res.Counts) == 0
	if !v.res.OK {
		return v.res, fmt.Errorf("%w: %s", ErrDamaged, v.summary())
	}
	return v.res, nil
}

// ErrBadSet is wrapped by CheckSet's errors: a --set the job does not have
// (or none where the job has several) is a usage error, as for restore.
var ErrBadSet = errors.New("bad --set")

// CheckSet refuses a set name that is not one of the job's sets; its
// errors wrap ErrBadSet.
func CheckSet(j *job.Job, set string) error {
	names := j.Sets.Names()
	for _, n := range names {
		if strings.EqualFold(n, set) {
			return nil
		}
	}
	if set == "" {
		return fmt.Errorf("%w: the job has several backup sets: give --set (one of %s)", ErrBadSet, strings.Join(names, ", "))
	}
	if len(names) == 1 && names[0] == "" {
		return fmt.Errorf("%w: --set %q: the job has one set (sets: single); leave --set out", ErrBadSet, set)
	}
	return fmt.Errorf("%w: --set %q is not a set of the job (%s)", ErrBadSet, set, strings.Join(names, ", "))
}

type verifier struct {
	o      Options
	res    *Result
	mu     sync.Mutex
	files  atomic.Int64
	hashed atomic.Int64
}

func (v *verifier) warn(format string, args ...any) {
	v.res.Warnings = append(v.res.Warnings, fmt.Sprintf(format, args...))
}

func (v *verifier) find(f Finding) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.res.Counts[f.Kind]++
	if len(v.res.Findings) < MaxFindings {
		v.res.Findings = append(v.res.Findings, f)
	}
}

func (v *verifier) summary() string {
	var parts []string
	for _, k := range []string{NoStory, Missing, Extra, Size, Time, Hash, Unreadable} {
		if n := v.res.Counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	return strings.Join(parts, ", ")
}

func (v *verifier) run(setRoot string) {
	story := filepath.Join(setRoot, job.StoryDir)
	m, err := manifest.Open(story, manifest.ManifestName, manifest.KindManifest)
	if err != nil {
		v.find(Finding{Kind: NoStory, Got: err.Error()})
		return
	}
	defer m.Close()
	v.res.Manifest, v.res.RunID = m.Name, m.Header.RunID
	var h *manifest.Reader
	if v.o.Hashes {
		if !m.Header.Hashes {
			v.find(Finding{Kind: NoStory, Got: "--hashes: the run that wrote this set recorded no hashes (set manifest.hashes: true in the job)"})
			return
		}
		if h, err = manifest.Open(story, manifest.HashesName, manifest.KindHashes); err != nil {
			v.find(Finding{Kind: NoStory, Got: err.Error()})
			return
		}
		defer h.Close()
		if h.Header.RunID != m.Header.RunID {
			v.find(Finding{Kind: NoStory, Got: fmt.Sprintf("the hashes sidecar is of run %s, the manifest of run %s", h.Header.RunID, m.Header.RunID)})
			return
		}
	}
	pool := newHashPool(v, v.o.Workers)
	defer pool.close()
	tolerance := time.Duration(0)
	if v.o.Job.Robocopy.FFT {
		tolerance = 2 * time.Second // /FFT: the share keeps FAT's 2-second times
	}
	for {
		src, ok, err := m.NextSource()
		if err != nil {
			v.find(Finding{Kind: NoStory, Got: err.Error()})
			return
		}
		if !ok {
			break
		}
		if h != nil {
			if hs, ok, err := h.NextSource(); err != nil || !ok || hs.Index != src.Index {
				v.find(Finding{Kind: NoStory, Source: src.Index, Got: fmt.Sprintf("the hashes sidecar does not follow the manifest (%v)", err)})
				return
			}
		}
		if err := v.source(setRoot, src, m, h, pool, tolerance); err != nil {
			v.find(Finding{Kind: NoStory, Source: src.Index, Got: err.Error()})
			return
		}
	}
	v.res.Files = m.Totals().Files
}

// source merges the manifest's files of src with a walk of its folder.
func (v *verifier) source(setRoot string, src manifest.Source, m, h *manifest.Reader, pool *hashPool, tolerance time.Duration) error {
	dir := manifest.OSPath(setRoot, src.Target)
	next, stop := iter.Pull2(manifest.Walk(dir, nil))
	defer stop()
	we, werr, wok := next()
	for {
		me, mok, err := m.NextFile()
		if err != nil {
			return err
		}
		var want manifest.Entry
		if mok && h != nil {
			he, hok, err := h.NextFile()
			if err != nil || !hok || he.Path != me.Path {
				return fmt.Errorf("the hashes sidecar does not follow the manifest at %q (%v)", me.Path, err)
			}
			want = he
		}
		// The set's files before this manifest entry are extras.
		for wok && (!mok || werr != nil || manifest.ComparePaths(we.Path, me.Path) < 0) {
			if werr != nil {
				if we.Path == "" && os.IsNotExist(werr) {
					// the whole folder is gone: every listed file is missing
				} else {
					v.find(Finding{Kind: Unreadable, Source: src.Index, Path: we.Path, Got: werr.Error()})
				}
			} else {
				v.find(Finding{Kind: Extra, Source: src.Index, Path: we.Path, Got: fmt.Sprintf("%d bytes", we.Size)})
			}
			we, werr, wok = next()
		}
		if !mok {
			break
		}
		v.files.Add(1)
		if !wok || manifest.ComparePaths(we.Path, me.Path) > 0 {
			v.find(Finding{Kind: Missing, Source: src.Index, Path: me.Path, Want: fmt.Sprintf("%d bytes", me.Size)})
			v.progress()
			continue
		}
		switch d := we.MTime.Sub(me.MTime); {
		case we.Size != me.Size:
			v.find(Finding{Kind: Size, Source: src.Index, Path: me.Path, Want: fmt.Sprintf("%d bytes", me.Size), Got: fmt.Sprintf("%d bytes", we.Size)})
		case d > tolerance || d < -tolerance:
			v.find(Finding{Kind: Time, Source: src.Index, Path: me.Path, Want: me.MTime.UTC().Format(time.RFC3339Nano), Got: we.MTime.UTC().Format(time.RFC3339Nano)})
		default:
			v.mu.Lock()
			v.res.Checked++
			v.mu.Unlock()
			if h != nil && want.SHA256 != "" {
				pool.add(src.Index, manifest.OSPath(dir, me.Path), me.Path, want.SHA256)
			}
		}
		v.progress()
		we, werr, wok = next()
	}
	return nil
}

func (v *verifier) progress() {
	if v.o.Progress != nil {
		v.o.Progress(v.files.Load(), v.hashed.Load())
	}
}

// hashPool hashes the set's files with a few workers.
type hashPool struct {
	v    *verifier
	jobs chan hashJob
	wg   sync.WaitGroup
}

type hashJob struct {
	source           int
	path, rel, wantH string
}

func newHashPool(v *verifier, workers int) *hashPool {
	p := &hashPool{v: v, jobs: make(chan hashJob, 4*workers)}
	for range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for j := range p.jobs {
				got, _, err := manifest.HashFile(j.path)
				switch {
				case err != nil:
					v.find(Finding{Kind: Unreadable, Source: j.source, Path: j.rel, Got: err.Error()})
				case got != j.wantH:
					v.find(Finding{Kind: Hash, Source: j.source, Path: j.rel, Want: j.wantH, Got: got})
				}
				v.hashed.Add(1)
				v.mu.Lock()
				v.res.Hashed++
				v.mu.Unlock()
			}
		}()
	}
	return p
}

func (p *hashPool) add(source int, path, rel, want string) {
	p.jobs <- hashJob{source: source, path: path, rel: rel, wantH: want}
}

func (p *hashPool) close() {
	if p.jobs != nil {
		close(p.jobs)
		p.wg.Wait()
		p.jobs = nil
	}
}

// Progress returns a progress callback that rewrites one line on w (a
// terminal) at most every interval, and a function that ends the line.
func Progress(w io.Writer, interval time.Duration) (func(files, hashed int64), func()) {
	var last time.Time
	var mu sync.Mutex
	printed := false
	report := func(files, hashed int64) {
		mu.Lock()
		defer mu.Unlock()
		if now := time.Now(); now.Sub(last) >= interval {
			last = now
			printed = true
			fmt.Fprintf(w, "\rvssmirror verify: %d files checked, %d hashed ", files, hashed)
		}
	}
	return report, func() {
		if printed {
			fmt.Fprintln(w)
		}
	}
}
