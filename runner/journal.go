package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// JournalEntry is a shadow copy a run created and has not seen deleted.
type JournalEntry struct {
	ID        string    `json:"id"`
	SetID     string    `json:"set_id,omitempty"`
	Alias     string    `json:"alias,omitempty"`
	Volume    string    `json:"volume,omitempty"`
	ExposedAs string    `json:"exposed_as,omitempty"`
	RunID     string    `json:"run_id"`
	Recorded  time.Time `json:"recorded"`
}

// Journal is the job's record of shadow copies that may still exist. It is
// rewritten atomically and fsync'd on every change, so that after a crash
// the next start knows exactly which shadows to delete, and never touches
// any other shadow copy on the server.
type Journal struct {
	path    string
	Entries []JournalEntry `json:"entries"`
}

// OpenJournal reads the journal of job in stateDir (empty if none).
func OpenJournal(stateDir, jobName string) (*Journal, error) {
	j := &Journal{path: filepath.Join(stateDir, jobName+".journal.json")}
	data, err := os.ReadFile(j.path)
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the shadow journal: %w", err)
	}
	if err := json.Unmarshal(data, j); err != nil {
		return nil, fmt.Errorf("the shadow journal %s is corrupt (%v): it lists shadows a run may have left; inspect it, delete leftover shadows with diskshadow, then remove the file", j.path, err)
	}
	return j, nil
}

// Path returns the journal's file.
func (j *Journal) Path() string { return j.path }

// Record adds or updates entries (by ID) and writes the journal.
func (j *Journal) Record(entries ...JournalEntry) error {
	changed := false
	for _, e := range entries {
		found := false
		for i := range j.Entries {
			if strings.EqualFold(j.Entries[i].ID, e.ID) {
				found = true
				if e.ExposedAs != "" && j.Entries[i].ExposedAs != e.ExposedAs {
					j.Entries[i].ExposedAs = e.ExposedAs
					changed = true
				}
			}
		}
		if !found {
			j.Entries = append(j.Entries, e)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	return j.write()
}

// Remove drops the entries with these IDs and writes the journal.
func (j *Journal) Remove(ids ...string) error {
	keep := j.Entries[:0]
	for _, e := range j.Entries {
		gone := false
		for _, id := range ids {
			if strings.EqualFold(e.ID, id) {
				gone = true
			}
		}
		if !gone {
			keep = append(keep, e)
		}
	}
	j.Entries = keep
	return j.write()
}

// IDs returns the recorded shadow IDs.
func (j *Journal) IDs() []string {
	ids := make([]string, len(j.Entries))
	for i, e := range j.Entries {
		ids[i] = e.ID
	}
	return ids
}

func (j *Journal) write() error {
	if len(j.Entries) == 0 {
		if err := os.Remove(j.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("clearing the shadow journal: %w", err)
		}
		return nil
	}
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	return writeFileSync(j.path, data)
}

// writeFileSync writes data to path through a temporary file, fsync'd and
// renamed into place, then fsyncs the folder where the OS allows it.
func writeFileSync(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}
