package runner

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/setstory"
	"github.com/vssmirror/vssmirror/runner/state"
)

// finishStory completes the set's story after a successful run, before the
// good marker: the story the copy script wrote is read into the report
// (its result file is input: bounded and decoded strictly), the run report
// is written into the story folder (a failure fails the run: a set
// without its story is not a good set), and deleted-files folders older
// than robocopy.keep_deleted_days are pruned (a failure is noted).
func (r *run) finishStory(outcome report.Outcome) report.Outcome {
	if outcome != report.Success {
		return outcome
	}
	folder := filepath.Join(state.SetFolder(r.j.Destination, r.rep.Set), job.StoryDir)
	if !filepath.IsAbs(folder) {
		r.note("the set's story folder %s is not a path on this system: no report written into it", folder)
		return outcome
	}
	st := &report.Story{Folder: folder, Copied: []string{}}
	if res, err := readStoryResult(filepath.Join(r.rep.RunDir, setstory.ResultName)); err != nil {
		r.note("the copy script's story result: %v", err)
	} else {
		st.Manifest, st.Hashes, st.Files, st.Bytes, st.Hashed, st.Unhashed = res.Manifest, res.Hashes, res.Files, res.Bytes, res.Hashed, res.Unhashed
		st.Copied = res.Copied
	}
	if r.j.Robocopy.KeepDeletedDays > 0 {
		pruned, err := setstory.PruneDeleted(folder, r.j.Robocopy.KeepDeletedDays, r.opts.Now())
		st.Pruned = pruned
		if err != nil {
			r.note("pruning deleted files kept in the set: %v", err)
		}
	}
	r.rep.Story = st
	r.rep.Outcome, r.rep.ExitCode = outcome, outcome.ExitCode()
	if err := setstory.WriteReport(folder, r.rep); err != nil {
		r.errorf("set-story", "writing the run report into the set's story folder: %v; the set is not marked good", err)
		return report.CopyFailed
	}
	return outcome
}

// readStoryResult reads the story step's result file.
func readStoryResult(path string) (*setstory.Result, error) {
	data, err := readBoundedFile(path, 1<<20)
	if err != nil {
		return nil, err
	}
	var res setstory.Result
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !res.OK {
		return nil, fmt.Errorf("%s says the story failed: %s", path, res.Error)
	}
	return &res, nil
}

// readBoundedFile reads a regular file of at most max bytes.
func readBoundedFile(path string, max int64) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > max {
		return nil, fmt.Errorf("%s is not a regular file of at most %d bytes", path, max)
	}
	return os.ReadFile(path)
}
