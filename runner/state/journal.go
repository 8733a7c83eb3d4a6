package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/internal/atomicfile"
	"github.com/vssmirror/vssmirror/internal/vssid"
)

// ErrCorrupt is wrapped by every error about a state file that does not
// have the shape vssmirror writes: edited by someone, or damaged.
var ErrCorrupt = errors.New("state file tampered or corrupt")

// JournalEntry is a shadow copy a run created and has not seen deleted.
type JournalEntry struct {
	ID        string    `json:"id"`
	SetID     string    `json:"set_id,omitempty"`
	Alias     string    `json:"alias,omitempty"`
	Volume    string    `json:"volume,omitempty"`
	ExposedAs string    `json:"exposed_as,omitempty"`
	RunID     string    `json:"run_id"`
	Recorded  time.Time `json:"recorded"`
	// HoldUntil is set for the shadows of a two-phase snapshot (vssmirror
	// snapshot start): they are kept on purpose until snapshot stop, or
	// until a run or cleanup finds the deadline passed.
	HoldUntil *time.Time `json:"hold_until,omitempty"`
}

// Held reports whether the entry is a held snapshot whose deadline has
// not passed at now.
func (e JournalEntry) Held(now time.Time) bool {
	return e.HoldUntil != nil && now.Before(*e.HoldUntil)
}

var (
	aliasRE  = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
	letterRE = regexp.MustCompile(`^[A-Za-z]:\\?$`)
	runIDRE  = regexp.MustCompile(`^[A-Za-z0-9_.:-]{0,80}$`)
	volumeRE = regexp.MustCompile(`^([A-Za-z]:\\?|\\\\\?\\Volume` + vssid.Pattern + `\\)$`)
)

// Check returns an error unless every field has the shape a run writes:
// ID and SetID braced GUIDs, letters and aliases without spaces or line
// breaks. Only a checked entry may reach a script.
func (e JournalEntry) Check() error {
	switch {
	case !vssid.Valid(e.ID):
		return fmt.Errorf("id %q is not a {GUID}", e.ID)
	case e.SetID != "" && !vssid.Valid(e.SetID):
		return fmt.Errorf("set_id %q is not a {GUID}", e.SetID)
	case e.Alias != "" && !aliasRE.MatchString(e.Alias):
		return fmt.Errorf("alias %q is not an alias diskshadow prints", e.Alias)
	case e.ExposedAs != "" && !letterRE.MatchString(e.ExposedAs):
		return fmt.Errorf("exposed_as %q is not a drive letter", e.ExposedAs)
	case e.Volume != "" && !volumeRE.MatchString(e.Volume):
		return fmt.Errorf("volume %q is not a volume name", e.Volume)
	case !runIDRE.MatchString(e.RunID):
		return fmt.Errorf("run_id %q is not a run ID", e.RunID)
	}
	return nil
}

// Sanitize drops the side fields (set ID, alias, volume, exposure) that
// fail Check's shapes, so that an odd value read from diskshadow's output
// never makes Record refuse the shadow's ID itself.
func (e JournalEntry) Sanitize() JournalEntry {
	if e.SetID != "" && !vssid.Valid(e.SetID) {
		e.SetID = ""
	}
	if e.Alias != "" && !aliasRE.MatchString(e.Alias) {
		e.Alias = ""
	}
	if e.Volume != "" && !volumeRE.MatchString(e.Volume) {
		e.Volume = ""
	}
	if e.ExposedAs != "" && !letterRE.MatchString(e.ExposedAs) {
		e.ExposedAs = ""
	}
	return e
}

// Journal is the job's record of shadow copies that may still exist. It is
// rewritten atomically and fsync'd on every change, so that after a crash
// the next start knows exactly which shadows to delete, and never touches
// any other shadow copy on the server. The entries in memory are the
// truth: a failed write never loses one (Record keeps it and returns the
// error, the next successful write includes it).
type Journal struct {
	path    string
	Entries []JournalEntry `json:"entries"`
}

// JournalPath is the job's journal in stateDir.
func JournalPath(stateDir, jobName string) string {
	return filepath.Join(stateDir, jobName+".journal.json")
}

// maxStateFile bounds what is read from a state file: a journal of 64
// shadows is a few KB; anything this large was not written by vssmirror.
const maxStateFile = 4 << 20

// OpenJournal reads the journal of job in stateDir (empty if none). Every
// entry is checked (JournalEntry.Check): one that fails makes the whole
// journal refused with ErrCorrupt, naming the file and the entry.
func OpenJournal(stateDir, jobName string) (*Journal, error) {
	j := &Journal{path: JournalPath(stateDir, jobName)}
	data, err := readBounded(j.path)
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the shadow journal: %w", err)
	}
	if err := json.Unmarshal(data, j); err != nil {
		return nil, fmt.Errorf("%w: the shadow journal %s is not valid JSON (%v): it lists shadows a run may have left; inspect it, delete leftover shadows with diskshadow (`list shadows all`, then `delete shadows id {ID}`), then remove the file", ErrCorrupt, j.path, err)
	}
	for i, e := range j.Entries {
		if err := e.Check(); err != nil {
			return nil, fmt.Errorf("%w: the shadow journal %s, entry %d: %v; nothing was run. Inspect the file (and who can write the state folder), delete leftover shadows by hand with diskshadow, then remove it", ErrCorrupt, j.path, i+1, err)
		}
	}
	return j, nil
}

func readBounded(path string) ([]byte, error) {
	f, fi, err := OpenRegular(path)
	if errors.Is(err, ErrNotRegular) {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > maxStateFile {
		return nil, fmt.Errorf("%w: %s is %d bytes, far more than vssmirror writes", ErrCorrupt, path, fi.Size())
	}
	b, err := io.ReadAll(io.LimitReader(f, maxStateFile+1))
	if err == nil && len(b) > maxStateFile { // it grew since Stat
		err = fmt.Errorf("%w: %s is more than %d bytes, far more than vssmirror writes", ErrCorrupt, path, maxStateFile)
	}
	return b, err
}

// Path returns the journal's file.
func (j *Journal) Path() string { return j.path }

// Record adds or updates entries (by ID) and writes the journal. An entry
// that fails Check is refused (and not kept); the others are kept in memory
// even when the write fails.
func (j *Journal) Record(entries ...JournalEntry) error {
	changed := false
	var bad []error
	for _, e := range entries {
		if err := e.Check(); err != nil {
			bad = append(bad, fmt.Errorf("not journaled: %w", err))
			continue
		}
		found := false
		for i := range j.Entries {
			if strings.EqualFold(j.Entries[i].ID, e.ID) {
				found = true
				if e.ExposedAs != "" && j.Entries[i].ExposedAs != e.ExposedAs {
					j.Entries[i].ExposedAs = e.ExposedAs
					changed = true
				}
				// Later output completes an entry: its set, volume, alias.
				for _, f := range []struct {
					dst *string
					src string
				}{
					{&j.Entries[i].SetID, e.SetID}, {&j.Entries[i].Volume, e.Volume}, {&j.Entries[i].Alias, e.Alias},
				} {
					if f.src != "" && *f.dst == "" {
						*f.dst = f.src
						changed = true
					}
				}
			}
		}
		if !found {
			j.Entries = append(j.Entries, e)
			changed = true
		}
	}
	if changed {
		bad = append(bad, j.write())
	}
	return errors.Join(bad...)
}

// Remove drops the entries with these IDs and writes the journal.
func (j *Journal) Remove(ids ...string) error {
	keep := j.Entries[:0]
	for _, e := range j.Entries {
		if !slices.ContainsFunc(ids, func(id string) bool { return strings.EqualFold(id, e.ID) }) {
			keep = append(keep, e)
		}
	}
	j.Entries = keep
	return j.write()
}

// Hold sets the hold deadline of the entries with these IDs and writes
// the journal.
func (j *Journal) Hold(until time.Time, ids ...string) error {
	for i := range j.Entries {
		if slices.ContainsFunc(ids, func(id string) bool { return strings.EqualFold(id, j.Entries[i].ID) }) {
			u := until
			j.Entries[i].HoldUntil = &u
		}
	}
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
	if err := atomicfile.WriteFile(j.path, data, 0o600); err != nil {
		return fmt.Errorf("the shadow journal: %w", err)
	}
	return nil
}
