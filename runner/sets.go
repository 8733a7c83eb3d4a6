package runner

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/job"
)

// MarkerName is the file written into a set's folder after a fully
// successful run; it holds that run's report.
const MarkerName = "vssmirror-good.json"

// ReadHistory reads the job's run history (oldest first; empty if none).
func ReadHistory(stateDir, jobName string) ([]HistoryEntry, error) {
	f, err := os.Open(HistoryPath(stateDir, jobName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []HistoryEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var h HistoryEntry
		if json.Unmarshal(sc.Bytes(), &h) == nil {
			out = append(out, h)
		}
	}
	return out, sc.Err()
}

var weekdays = map[time.Weekday]string{time.Monday: "Monday", time.Tuesday: "Tuesday", time.Wednesday: "Wednesday",
	time.Thursday: "Thursday", time.Friday: "Friday", time.Saturday: "Saturday", time.Sunday: "Sunday"}

// ChooseSet picks the set a run writes into: none for single, today's
// weekday for weekday, and for rotate the set after the last one that
// completed successfully (so a failed set is retried and every other good
// set is left alone).
func ChooseSet(s job.Sets, history []HistoryEntry, now time.Time) string {
	switch s.Mode {
	case job.SetsWeekday:
		return weekdays[now.Weekday()]
	case job.SetsRotate:
		names := s.Names()
		for i := len(history) - 1; i >= 0; i-- {
			if history[i].Outcome != OutcomeSuccess {
				continue
			}
			for k, n := range names {
				if n == history[i].Set {
					return names[(k+1)%len(names)]
				}
			}
		}
		return names[0]
	}
	return ""
}

// SetStatus is one set and its last good run.
type SetStatus struct {
	Set      string        `json:"set"`
	Folder   string        `json:"folder"`
	LastGood *HistoryEntry `json:"last_good"`
	Marker   string        `json:"marker"` // present, missing, or unknown (folder not reachable from here)
}

// ListSets reports each set of the job with its last successful run.
func ListSets(j *job.Job, stateDir string) ([]SetStatus, error) {
	history, err := ReadHistory(stateDir, j.Name)
	if err != nil {
		return nil, err
	}
	var out []SetStatus
	for _, name := range j.Sets.Names() {
		st := SetStatus{Set: name, Folder: setFolder(j.Destination, name), Marker: "unknown"}
		for i := len(history) - 1; i >= 0; i-- {
			if history[i].Outcome == OutcomeSuccess && history[i].Set == name {
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
		out = append(out, st)
	}
	return out, nil
}

// setFolder is the destination folder of a set.
func setFolder(dest, set string) string {
	if set == "" {
		return dest
	}
	return dshgen.WinJoin(dest, set)
}

// writeMarker records a good run in its set's folder.
func writeMarker(rep *Report, dest string) error {
	folder := setFolder(dest, rep.Set)
	if !filepath.IsAbs(folder) {
		return fmt.Errorf("the set folder %s is not a path on this system: no marker written", folder)
	}
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return writeFileSync(filepath.Join(folder, MarkerName), data)
}
