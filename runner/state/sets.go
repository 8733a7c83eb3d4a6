package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/internal/atomicfile"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/report"
)

// MarkerName is the file written into a set's folder after a fully
// successful run; it holds that run's report.
const MarkerName = "vssmirror-good.json"

// ChooseSet picks the set a run writes into: none for single, today's
// weekday for weekday, and for rotate the set after the last one that
// completed successfully (so a failed set is retried and every other good
// set is left alone). Only names of the job's own sets are ever returned,
// whatever the history says.
func ChooseSet(s job.Sets, history []HistoryEntry, now time.Time) string {
	switch s.Mode {
	case job.SetsWeekday:
		return now.Weekday().String()
	case job.SetsRotate:
		names := s.Names()
		for i := len(history) - 1; i >= 0; i-- {
			if history[i].Outcome != report.Success {
				continue
			}
			if k := slices.Index(names, history[i].Set); k >= 0 {
				return names[(k+1)%len(names)]
			}
		}
		return names[0]
	}
	return ""
}

// Set states shown by ListSets.
const (
	SetGood       = "good"        // the marker is there: the last run into it succeeded
	SetInProgress = "in_progress" // a run of this job is writing it now (its lock is held)
	SetFailed     = "failed"      // written by a run that did not succeed: not a good copy
	SetEmpty      = "never"       // no run wrote it yet
	SetUnknown    = "unknown"     // the folder is not reachable from here
)

// SetStatus is one set and its last good run.
type SetStatus struct {
	Set      string        `json:"set"`
	Folder   string        `json:"folder"`
	LastGood *HistoryEntry `json:"last_good"`
	Marker   string        `json:"marker"` // present, missing, or unknown (folder not reachable from here)
	State    string        `json:"state"`  // good, in_progress, failed, never, unknown
}

// ListSets reports each set of the job with its last successful run and
// its state. running says whether a run of the job holds the lock now.
func ListSets(j *job.Job, stateDir string, running bool) ([]SetStatus, error) {
	history, _, err := ReadHistory(stateDir, j.Name)
	if err != nil {
		return nil, err
	}
	current, hasCurrent := "", false
	if running {
		current, hasCurrent = ReadCurrent(stateDir, j.Name)
	}
	var out []SetStatus
	for _, name := range j.Sets.Names() {
		st := SetStatus{Set: name, Folder: SetFolder(j.Destination, name), Marker: "unknown", State: SetUnknown}
		written := false
		for i := len(history) - 1; i >= 0; i-- {
			if history[i].Set != name {
				continue
			}
			written = true
			if history[i].Outcome == report.Success {
				h := history[i]
				st.LastGood = &h
				break
			}
		}
		if filepath.IsAbs(st.Folder) {
			st.Marker = "missing"
			if _, err := os.Stat(filepath.Join(st.Folder, MarkerName)); err == nil {
				st.Marker = "present"
			}
		}
		switch {
		case hasCurrent && name == current:
			st.State = SetInProgress
		case st.Marker == "present":
			st.State = SetGood
		case st.Marker == "missing" && written:
			st.State = SetFailed
		case st.Marker == "missing":
			st.State = SetEmpty
		}
		out = append(out, st)
	}
	return out, nil
}

// SetFolder is the destination folder of a set.
func SetFolder(dest, set string) string {
	if set == "" {
		return dest
	}
	return dshgen.WinJoin(dest, set)
}

// WriteMarker records a good run in its set's folder: the last thing a
// successful run writes.
func WriteMarker(rep *report.Report, dest string) error {
	folder := SetFolder(dest, rep.Set)
	if !filepath.IsAbs(folder) {
		return fmt.Errorf("the set folder %s is not a path on this system: no marker written", folder)
	}
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(folder, MarkerName), data, 0o644)
}

// RemoveMarker removes the good marker of the set a run is about to
// rewrite: a set being rewritten is not good until that run succeeds.
// A folder not reachable from here is left alone.
func RemoveMarker(dest, set string) error {
	folder := SetFolder(dest, set)
	if !filepath.IsAbs(folder) {
		return nil
	}
	err := os.Remove(filepath.Join(folder, MarkerName))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the good marker of the set being rewritten: %w", err)
	}
	return nil
}

// currentPath is the file naming the set a running run writes.
func currentPath(stateDir, jobName string) string {
	return filepath.Join(stateDir, jobName+".current")
}

// WriteCurrent records, under the job's lock, the set the run is about to
// write ("" for sets: single), so `vssmirror sets` can show it in progress.
func WriteCurrent(stateDir, jobName, set string) error {
	return atomicfile.WriteFile(currentPath(stateDir, jobName), []byte(set+"\n"), 0o600)
}

// ClearCurrent removes the record when the run ends.
func ClearCurrent(stateDir, jobName string) error {
	err := os.Remove(currentPath(stateDir, jobName))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// ReadCurrent returns the set a running run writes. A file that does not
// hold a plain set name (at most 64 letters, digits and '-') is ignored.
func ReadCurrent(stateDir, jobName string) (string, bool) {
	b, err := readBounded(currentPath(stateDir, jobName))
	if err != nil {
		return "", false
	}
	set := strings.TrimRight(string(b), "\r\n")
	if !job.ValidSetName(set) {
		return "", false
	}
	return set, true
}
