package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/dshgen/output"
	"github.com/vssmirror/vssmirror/internal/vssid"
	"github.com/vssmirror/vssmirror/runner/state"
)

// AliasFile is the file the copy script writes into the run folder as its
// first action (dshgen.AliasFile in the copy script's contract): one line
// <alias>=<value of %alias%> per volume of the plan, then
// VSS_SHADOW_SET=<value>, CRLF. diskshadow sets these variables in exec's
// environment after create, so the file names the run's shadows whatever
// language diskshadow prints its messages in: the belt to the output
// reader's braces.
const AliasFile = dshgen.AliasFile

// maxAliasFile bounds what is read of the alias file: 26 volumes make
// about 1.5 KB. A larger file was not written by the copy script.
const maxAliasFile = 16 << 10

// aliasLineRE is the only line shape taken from the alias file.
var aliasLineRE = regexp.MustCompile(`^([A-Za-z0-9_]+)=(` + vssid.Pattern + `)$`)

// aliasLine is one accepted line of the alias file.
type aliasLine struct {
	Alias string
	ID    string
}

// readAliasFile reads the alias file as untrusted input: a regular file of
// at most maxAliasFile bytes, of which only lines that are exactly
// NAME={GUID} count (a trailing CR or spaces aside); anything else, such as
// a line holding a second line break or a command, is skipped and counted
// in ignored. A missing file is no error (lines is nil).
func readAliasFile(path string) (lines []aliasLine, ignored int, err error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > maxAliasFile {
		return nil, 0, fmt.Errorf("%s is %d bytes, far more than the copy script writes", path, fi.Size())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxAliasFile+1))
	if err != nil {
		return nil, 0, err
	}
	if len(data) > maxAliasFile {
		return nil, 0, fmt.Errorf("%s grew past %d bytes while read", path, maxAliasFile)
	}
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimRight(l, "\r \t")
		if l == "" {
			continue
		}
		m := aliasLineRE.FindStringSubmatch(l)
		if m == nil || !vssid.Valid(m[2]) {
			ignored++
			continue
		}
		lines = append(lines, aliasLine{Alias: m[1], ID: m[2]})
	}
	return lines, ignored, nil
}

// aliasMerge merges the alias file's shadow IDs into the journal: while
// diskshadow runs the copy script (the file is written before the first
// robocopy) and once more after diskshadow ended.
type aliasMerge struct {
	r     *run
	tried time.Time
	noted map[string]bool
}

func (r *run) newAliasMerge() *aliasMerge { return &aliasMerge{r: r, noted: map[string]bool{}} }

// whileExec merges the file, at most once a second, while the last command
// diskshadow echoed is exec: a vssmirror killed during a long copy still
// leaves the shadows in the journal for the next run.
func (m *aliasMerge) whileExec(out *output.Output) {
	if !out.StoppedAtExec() || m.r.opts.Now().Sub(m.tried) < time.Second {
		return
	}
	m.merge(out.Deleted)
}

// merge reads the alias file and journals every shadow it names under one
// of the plan's aliases that is not in the journal yet and that diskshadow
// did not report deleted (deleted). The plan's alias tells the volume.
// Lines with other names (except VSS_SHADOW_SET, the set's ID) are
// ignored: only the job's own aliases may add a shadow to the journal,
// whose shadows are deleted by ID.
//
// An ID for an alias (or its volume) whose shadow this run already
// journaled under another ID, from diskshadow's output, is not journaled:
// diskshadow sets one variable per alias, so a second ID means the file
// was tampered with, and journaling it would have the run delete a shadow
// it did not create. The report says so (kind "journal").
func (m *aliasMerge) merge(deleted []string) {
	r := m.r
	m.tried = r.opts.Now()
	if r.rep.RunDir == "" || r.bundle == nil || r.journal == nil {
		return
	}
	path := filepath.Join(r.rep.RunDir, AliasFile)
	lines, ignored, err := readAliasFile(path)
	if err != nil {
		m.noteOnce("read", "the copy script's alias file was not used: %v", err)
		return
	}
	if ignored > 0 {
		m.noteOnce("ignored", "%s: %d line(s) that are not NAME={GUID} were ignored", AliasFile, ignored)
	}
	volumeOf := map[string]string{}
	for _, v := range r.bundle.Plan.Volumes {
		volumeOf[strings.ToLower(v.Alias)] = v.Letter + `:\`
	}
	setID := ""
	for _, l := range lines {
		if strings.EqualFold(l.Alias, "VSS_SHADOW_SET") {
			setID = l.ID
		}
	}
	var entries []state.JournalEntry
	var foreign []string
	for _, l := range lines {
		vol, ours := volumeOf[strings.ToLower(l.Alias)]
		switch {
		case strings.EqualFold(l.Alias, "VSS_SHADOW_SET"):
			continue
		case !ours:
			foreign = append(foreign, l.Alias)
			continue
		case containsFold(deleted, l.ID) || containsFold(r.journal.IDs(), l.ID):
			continue
		}
		if e, ok := m.conflict(l.Alias, vol, l.ID); ok {
			if !m.noted["conflict "+l.ID] {
				m.noted["conflict "+l.ID] = true
				r.errorf("journal", "%s names %s for alias %s, but this run's shadow of %s is %s: the file was tampered with; %s is not journaled (so never deleted), %s is kept", AliasFile, l.ID, l.Alias, vol, e.ID, l.ID, e.ID)
				r.say("warning: %s names %s for alias %s, not the shadow %s diskshadow printed: not journaled", AliasFile, l.ID, l.Alias, e.ID)
			}
			continue
		}
		entries = append(entries, safeEntry(state.JournalEntry{ID: l.ID, SetID: setID, Alias: l.Alias, Volume: vol, RunID: r.rep.RunID, Recorded: r.opts.Now()}))
	}
	if len(foreign) > 0 {
		m.noteOnce("foreign", "%s: line(s) for %s ignored: not an alias of this job", AliasFile, strings.Join(foreign, ", "))
	}
	if len(entries) == 0 {
		return
	}
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	if err := r.journal.Record(entries...); err != nil {
		r.journalFailed(err)
	}
	r.note("the copy script's %s named %d shadow(s) diskshadow's output did not show (%s): journaled, so they are deleted like the others", AliasFile, len(ids), strings.Join(ids, ", "))
	r.say("journaled %d shadow(s) from %s that diskshadow's output did not show", len(ids), AliasFile)
}

// conflict returns this run's journal entry for alias or its volume vol
// whose ID is not id, if there is one.
func (m *aliasMerge) conflict(alias, vol, id string) (state.JournalEntry, bool) {
	for _, e := range m.r.journal.Entries {
		if e.RunID != m.r.rep.RunID || strings.EqualFold(e.ID, id) {
			continue
		}
		if strings.EqualFold(e.Alias, alias) || e.Volume != "" && strings.EqualFold(e.Volume, vol) {
			return e, true
		}
	}
	return state.JournalEntry{}, false
}

func (m *aliasMerge) noteOnce(key, format string, args ...any) {
	if m.noted[key] {
		return
	}
	m.noted[key] = true
	m.r.note(format, args...)
}

// safeEntry is state.JournalEntry.Sanitize: an odd alias, volume or
// exposure read from diskshadow's output (a mount folder, an alias with
// unusual characters) never makes the journal refuse the shadow's ID.
func safeEntry(e state.JournalEntry) state.JournalEntry { return e.Sanitize() }

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}
