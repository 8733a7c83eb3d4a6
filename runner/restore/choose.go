package restore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/manifest"
	"github.com/vssmirror/vssmirror/runner/state"
)

// SetInfo is what a set's story says about it.
type SetInfo struct {
	Set      string    `json:"set"`
	Folder   string    `json:"folder"`
	Good     bool      `json:"good"`    // the good marker is there
	Written  time.Time `json:"written"` // when its manifest was written (zero without one)
	RunID    string    `json:"run_id"`
	Manifest bool      `json:"manifest"`
	Problem  string    `json:"problem,omitempty"` // why the manifest could not be read
}

// ReadSet reads a set's marker and manifest header.
func ReadSet(j *job.Job, set string) SetInfo {
	folder := state.SetFolder(j.Destination, set)
	si := SetInfo{Set: set, Folder: folder}
	if _, err := os.Stat(filepath.Join(folder, state.MarkerName)); err == nil {
		si.Good = true
	}
	r, err := manifest.Open(filepath.Join(folder, job.StoryDir), manifest.ManifestName, manifest.KindManifest)
	if err != nil {
		si.Problem = err.Error()
		return si
	}
	defer r.Close()
	si.Manifest, si.Written, si.RunID = true, r.Header.Written, r.Header.RunID
	return si
}

// DateLayout is how --as-of and --from-date are written.
const DateLayout = "2006-01-02"

// ParseDate reads a --as-of or --from-date value.
func ParseDate(flag, s string) (time.Time, error) {
	d, err := time.ParseInLocation(DateLayout, s, time.Local)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s %q: write the date as YYYY-MM-DD, e.g. 2026-11-20", flag, s)
	}
	return d, nil
}

// ChooseAsOf picks the newest good set whose manifest was written on or
// before the day asOf (local time): the state of the data as it was at
// the end of that day, as far as the sets go back.
func ChooseAsOf(j *job.Job, asOf time.Time) (SetInfo, error) {
	end := asOf.AddDate(0, 0, 1)
	var best *SetInfo
	var seen []string
	for _, name := range j.Sets.Names() {
		si := ReadSet(j, name)
		label := name
		if label == "" {
			label = "(single)"
		}
		switch {
		case !si.Manifest:
			seen = append(seen, label+": no manifest")
			continue
		case !si.Good:
			seen = append(seen, label+": not good")
			continue
		}
		seen = append(seen, label+": "+si.Written.Local().Format("2006-01-02 15:04"))
		if si.Written.Before(end) && (best == nil || si.Written.After(best.Written)) {
			s := si
			best = &s
		}
	}
	if best == nil {
		return SetInfo{}, fmt.Errorf("no good set with a manifest written on or before %s (%s)", asOf.Format(DateLayout), strings.Join(seen, "; "))
	}
	return *best, nil
}

// ErrNoSet is returned when neither --set nor --as-of chooses a set of a
// job with several.
var ErrNoSet = errors.New("the job has several backup sets: give --set NAME or --as-of YYYY-MM-DD")
