package setstory

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/internal/atomicfile"
	"github.com/vssmirror/vssmirror/internal/vssid"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/manifest"
)

// ResultName is the file Write leaves in the run folder for the runner:
// what was written, or why not.
const ResultName = "vssmirror-story.json"

// ReportName is the run report the runner copies into the story folder.
const ReportName = "report.json"

// Result is what Write did.
type Result struct {
	OK       bool     `json:"ok"`
	Error    string   `json:"error,omitempty"`
	Folder   string   `json:"folder"`
	Manifest string   `json:"manifest"` // file name in Folder
	Hashes   string   `json:"hashes,omitempty"`
	Files    int64    `json:"files"`
	Bytes    int64    `json:"bytes"`
	Hashed   int64    `json:"hashed"`
	Unhashed int64    `json:"unhashed"` // files not found (or of another size) in the snapshot
	Copied   []string `json:"copied"`   // .cab and scripts, names in Folder
	Seconds  float64  `json:"seconds"`
}

// Options of Write.
type Options struct {
	RunDir    string // VSSMIRROR_RUN_DIR; "" = <plan's folder>\logs, run ID manual-<time>
	Host      string
	Now       func() time.Time
	GzipAbove int // manifest.GzipAbove when 0
	Console   io.Writer
}

var runIDRE = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$`)

// Write writes the set's story from the story plan at planPath. It always
// leaves a Result in the run folder (when it can) and returns an error
// when the story is not complete: the copy script then fails the backup.
func Write(planPath string, o Options) (*Result, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.GzipAbove == 0 {
		o.GzipAbove = manifest.GzipAbove
	}
	if o.Console == nil {
		o.Console = io.Discard
	}
	start := o.Now()
	res := &Result{Copied: []string{}}
	logDir := o.RunDir
	if logDir == "" {
		logDir = filepath.Join(filepath.Dir(planPath), "logs")
	}
	err := write(planPath, logDir, o, res)
	res.Seconds = o.Now().Sub(start).Seconds()
	res.OK = err == nil
	if err != nil {
		res.Error = err.Error()
	}
	if data, jerr := json.MarshalIndent(res, "", "  "); jerr == nil {
		if werr := atomicfile.WriteFile(filepath.Join(logDir, ResultName), data, 0o644); werr != nil && err == nil {
			err = werr
		}
	}
	return res, err
}

func write(planPath, logDir string, o Options, res *Result) error {
	sp, err := dshgen.ReadStoryPlan(planPath)
	if err != nil {
		return err
	}
	dir := sp.Dir()
	res.Folder = dir
	runID := filepath.Base(o.RunDir)
	if o.RunDir == "" || !runIDRE.MatchString(runID) {
		runID = "manual-" + o.Now().UTC().Format("20060102T150405Z")
	}
	h := manifest.Header{
		Kind: manifest.KindManifest, Job: sp.Job, Host: o.Host, RunID: runID, Set: sp.Set, SetRoot: sp.SetRoot,
		BackupType: sp.BackupType, Hashes: sp.Hashes,
		Writers: manifest.WriterInfo{Mode: "writers"},
	}
	if !sp.Writers {
		h.Writers.Mode = "nowriters"
	}
	for _, w := range sp.Verify {
		h.Writers.Verified = append(h.Writers.Verified, w.ID+" "+w.Label)
	}
	for _, w := range sp.Exclude {
		h.Writers.Excluded = append(h.Writers.Excluded, w.ID+" "+w.Label)
	}
	h.Shadows, h.ShadowSet, h.SnapshotTime = readShadows(filepath.Join(logDir, dshgen.AliasFile), sp.Volumes)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating the set's story folder: %w", err)
	}
	// The writer metadata and the scripts that run, as they are.
	copies := append([]string{}, sp.Scripts...)
	copies = append(copies, planPath)
	if sp.Metadata != "" {
		copies = append([]string{sp.Metadata}, copies...)
	}
	for i, src := range copies {
		name := winBase(src)
		if err := copyFile(src, filepath.Join(dir, name)); err != nil {
			if i == 0 && sp.Metadata != "" {
				return fmt.Errorf("the writer metadata %s (set metadata) cannot be copied into the set: %w", src, err)
			}
			return err
		}
		res.Copied = append(res.Copied, name)
	}
	if sp.Metadata != "" {
		h.Metadata = winBase(sp.Metadata)
	}
	for _, s := range sp.Scripts {
		h.Scripts = append(h.Scripts, winBase(s))
	}
	h.Written = o.Now().UTC()
	return writeManifest(sp, dir, h, o, res)
}

// writeManifest walks each source's folder in the set and writes the
// manifest, and with hashes the sidecar, whose entries are read from the
// snapshot (the exposed folder) by sp.HashWorkers workers in order.
func writeManifest(sp *dshgen.StoryPlan, dir string, h manifest.Header, o Options, res *Result) error {
	mw, err := manifest.NewWriter(dir, manifest.ManifestName, h, o.GzipAbove)
	if err != nil {
		return err
	}
	defer mw.Abort()
	var hw *manifest.Writer
	if sp.Hashes {
		hh := h
		hh.Kind, hh.Algorithm = manifest.KindHashes, "sha256"
		if hw, err = manifest.NewWriter(dir, manifest.HashesName, hh, o.GzipAbove); err != nil {
			return err
		}
		defer hw.Abort()
	}
	for _, s := range sp.Sources {
		src := manifest.Source{Index: s.Index, Path: s.Path, Target: s.Target}
		if err := mw.BeginSource(src); err != nil {
			return err
		}
		var hp *hashPipe
		if hw != nil {
			if err := hw.BeginSource(src); err != nil {
				return err
			}
			hp = newHashPipe(hw, s.Exposed, sp.HashWorkers, res)
		}
		dest := s.Dest
		skip := func(rel string) bool { return false }
		if len(dshgen.StoryExcludes(s.Dest, sp.SetRoot)) > 0 {
			skip = func(rel string) bool { return strings.EqualFold(rel, job.StoryDir) }
		}
		for e, err := range manifest.Walk(dest, skip) {
			if err != nil {
				if hp != nil {
					hp.close()
				}
				return fmt.Errorf("source %d: reading %s in the set: %w", s.Index, manifest.OSPath(dest, e.Path), err)
			}
			if err := mw.Add(e); err != nil {
				if hp != nil {
					hp.close()
				}
				return fmt.Errorf("source %d: %w", s.Index, err)
			}
			if hp != nil {
				hp.add(e)
			}
		}
		if hp != nil {
			if err := hp.close(); err != nil {
				return fmt.Errorf("source %d: hashes: %w", s.Index, err)
			}
			if err := hw.EndSource(); err != nil {
				return err
			}
		}
		if err := mw.EndSource(); err != nil {
			return err
		}
	}
	t := mw.Totals()
	res.Files, res.Bytes = t.Files, t.Bytes
	if hw != nil {
		name, err := hw.Close()
		if err != nil {
			return fmt.Errorf("the hashes sidecar: %w", err)
		}
		res.Hashes = name
	} else {
		// A previous run's hashes would not match this set any more.
		for _, n := range []string{manifest.HashesName, manifest.HashesName + manifest.GzSuffix} {
			if err := os.Remove(filepath.Join(dir, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("removing the previous run's %s: %w", n, err)
			}
		}
	}
	name, err := mw.Close()
	if err != nil {
		return fmt.Errorf("the manifest: %w", err)
	}
	res.Manifest = name
	fmt.Fprintf(o.Console, "[vssmirror] the set's story: %s\\%s, %d files, %d bytes%s\n", sp.Dir(), name, t.Files, t.Bytes, hashNote(res))
	return nil
}

func hashNote(res *Result) string {
	if res.Hashes == "" {
		return ""
	}
	return fmt.Sprintf(", %d hashed from the snapshot (%d not found there or of another size)", res.Hashed, res.Unhashed)
}

// hashPipe hashes files from the snapshot with a few workers and writes
// the results to the sidecar in the manifest's order; at most 4 x workers
// files are in flight.
type hashPipe struct {
	w     *manifest.Writer
	root  string
	order chan *hashJob
	work  chan *hashJob
	wg    sync.WaitGroup
	done  chan error
	res   *Result
}

type hashJob struct {
	e   manifest.Entry
	sum chan string
}

func newHashPipe(w *manifest.Writer, root string, workers int, res *Result) *hashPipe {
	p := &hashPipe{w: w, root: root, order: make(chan *hashJob, 4*workers), work: make(chan *hashJob, 4*workers), done: make(chan error, 1), res: res}
	for range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for j := range p.work {
				j.sum <- hashFile(manifest.OSPath(p.root, j.e.Path), j.e.Size)
			}
		}()
	}
	go func() {
		var err error
		for j := range p.order {
			sum := <-j.sum
			if sum == "" {
				p.res.Unhashed++
			} else {
				p.res.Hashed++
			}
			if err == nil {
				j.e.SHA256 = sum
				err = p.w.Add(j.e)
			}
		}
		p.done <- err
	}()
	return p
}

func (p *hashPipe) add(e manifest.Entry) {
	j := &hashJob{e: e, sum: make(chan string, 1)}
	p.order <- j
	p.work <- j
}

func (p *hashPipe) close() error {
	close(p.work)
	close(p.order)
	p.wg.Wait()
	return <-p.done
}

// hashFile returns the SHA-256 of the file in hex, or "" when it cannot be
// read or is not size bytes long (then it is not the file the set holds).
func hashFile(path string, size int64) string {
	sum, n, err := manifest.HashFile(path)
	if err != nil || n != size {
		return ""
	}
	return sum
}

// readShadows reads the alias file the copy script wrote (untrusted: only
// NAME={GUID} lines of the plan's aliases count) and its time, which is
// when the copy began, right after create.
func readShadows(path string, vols []dshgen.StoryVolume) ([]manifest.Shadow, string, time.Time) {
	shadows := []manifest.Shadow{}
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > 64<<10 {
		return shadows, "", time.Time{}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return shadows, "", time.Time{}
	}
	ids := map[string]string{}
	for _, l := range strings.Split(string(data), "\n") {
		name, id, ok := strings.Cut(strings.TrimRight(l, "\r \t"), "=")
		if ok && vssid.Valid(id) {
			ids[strings.ToLower(name)] = id
		}
	}
	for _, v := range vols {
		shadows = append(shadows, manifest.Shadow{Volume: v.Letter, Alias: v.Alias, ID: ids[strings.ToLower(v.Alias)], Expose: v.Expose})
	}
	return shadows, ids["vss_shadow_set"], fi.ModTime().UTC()
}

// copyFile copies src to dst atomically.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	p, err := atomicfile.Create(dst, 0o644)
	if err != nil {
		return err
	}
	defer p.Abort()
	if _, err := io.Copy(p, in); err != nil {
		return fmt.Errorf("copying %s to %s: %w", src, dst, err)
	}
	return p.Commit()
}

// winBase is the last part of a Windows (or, with the test doubles, a
// POSIX) path.
func winBase(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		return p[i+1:]
	}
	return p
}
