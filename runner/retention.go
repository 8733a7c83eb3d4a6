package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// runDirRE is the name of a run folder as newRunID makes it:
// 20261122T043430Z-abcdef (UTC start time, then 6 random hex digits).
var runDirRE = regexp.MustCompile(`^([0-9]{8}T[0-9]{6}Z)-[0-9a-f]{6}$`)

// runIDTime returns the start time a run ID holds, or false when name is
// not a run ID.
func runIDTime(name string) (time.Time, bool) {
	m := runDirRE.FindStringSubmatch(name)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T150405Z", m[1])
	return t, err == nil
}

// pruneEntry is one folder or file retention may remove.
type pruneEntry struct {
	name string
	t    time.Time
}

// expired returns the entries both limits let go: not among the newest
// keepRuns and older than keepDays days. Ties in time keep name order.
func expired(entries []pruneEntry, keepRuns, keepDays int, now time.Time) []pruneEntry {
	keepRuns, keepDays = max(keepRuns, 0), max(keepDays, 0)
	sort.SliceStable(entries, func(a, b int) bool {
		if !entries[a].t.Equal(entries[b].t) {
			return entries[a].t.After(entries[b].t)
		}
		return entries[a].name > entries[b].name
	})
	cutoff := now.Add(-time.Duration(keepDays) * 24 * time.Hour)
	var out []pruneEntry
	for i, e := range entries {
		if i >= keepRuns && e.t.Before(cutoff) {
			out = append(out, e)
		}
	}
	return out
}

// Prune removes the folders of old runs from runsDir (<scripts_dir>\runs).
// A run folder is removed only when both limits are exceeded: it is not
// among the newest keepRuns runs (current included) and it started more
// than keepDays days before now. The run ID current (the running run; a
// path is reduced to its last element) is never removed.
//
// Only what vssmirror created for this job is touched: entries named like a
// run ID (20261122T043430Z-abcdef) that are real folders holding the job's
// <jobName>.dsh (other jobs sharing the folder keep theirs). Anything else in
// runsDir is left alone, and so is an entry with a run ID name that is a
// file, a symbolic link or a junction (vssmirror never makes those). Links
// inside a run folder are removed themselves, never followed: the removal
// goes through an os.Root opened on runsDir and os.RemoveAll, which do not
// follow links, so nothing outside runsDir can be deleted.
//
// It returns the paths it removed. A missing runsDir is not an error; a
// folder that cannot be removed is reported and the others are still
// pruned.
func Prune(runsDir, jobName string, keepRuns, keepDays int, now time.Time, current string) (removed []string, err error) {
	current = filepath.Base(filepath.Clean(current))
	return prune(runsDir, keepRuns, keepDays, now, current, func(root *os.Root, name string) (time.Time, bool) {
		t, ok := runIDTime(name)
		if !ok {
			return time.Time{}, false
		}
		fi, err := root.Lstat(name)
		if err != nil || fi.Mode().Type() != fs.ModeDir {
			return time.Time{}, false
		}
		// Only this job's runs: a scripts folder shared by several jobs
		// holds theirs too. A run folder holds the job's <name>.dsh.
		if fi, err := root.Lstat(filepath.Join(name, jobName+".dsh")); err != nil || !fi.Mode().IsRegular() {
			return time.Time{}, false
		}
		return t, true
	})
}

// logNameRE is the name of a log the copy script writes into logs\ next to
// itself when it runs without the runner (no VSSMIRROR_RUN_DIR): for job
// <name> and source N, <name>-robocopy-N.log, <name>-guard-N.log and
// <name>-source-N.lst (see dshgen.NewPlan).
var logNameRE = regexp.MustCompile(`^([A-Za-z0-9_-]+)-(robocopy-[0-9]+\.log|guard-[0-9]+\.log|source-[0-9]+\.lst)$`)

// PruneLogs removes old log files of the job jobName from dir, the logs\
// folder next to the copy script (<scripts_dir>\logs), where the scripts
// write when they run without the runner. The rule is that of Prune with
// files for runs and their modification time for the start: a file goes
// only when it is not among the newest keepRuns of the job's log files and
// was last written more than keepDays days before now.
//
// Only regular files named like the logs the job's copy script writes are
// considered (<job>-robocopy-N.log, <job>-guard-N.log, <job>-source-N.lst,
// matched without regard to case as Windows does); folders, links and any
// other file are left alone. The copy script rewrites or appends to the
// same files on every run, so this removes the logs of sources no longer
// in the job rather than the history of one log.
func PruneLogs(dir, jobName string, keepRuns, keepDays int, now time.Time) (removed []string, err error) {
	return prune(dir, keepRuns, keepDays, now, "", func(root *os.Root, name string) (time.Time, bool) {
		m := logNameRE.FindStringSubmatch(name)
		if m == nil || !strings.EqualFold(m[1], jobName) {
			return time.Time{}, false
		}
		fi, err := root.Lstat(name)
		if err != nil || !fi.Mode().IsRegular() {
			return time.Time{}, false
		}
		return fi.ModTime(), true
	})
}

// prune lists dir, asks candidate for the time of each entry it may remove,
// and removes the expired ones through an os.Root on dir. The entry named
// keep counts towards keepRuns but is never removed.
func prune(dir string, keepRuns, keepDays int, now time.Time, keep string, candidate func(root *os.Root, name string) (time.Time, bool)) (removed []string, err error) {
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	defer root.Close()
	d, err := root.Open(".")
	if err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return nil, fmt.Errorf("retention: reading %s: %w", dir, err)
	}
	var entries []pruneEntry
	for _, name := range names {
		if t, ok := candidate(root, name); ok {
			entries = append(entries, pruneEntry{name: name, t: t})
		}
	}
	var errs []error
	for _, e := range expired(entries, keepRuns, keepDays, now) {
		if e.name == keep {
			continue
		}
		if err := root.RemoveAll(e.name); err != nil {
			errs = append(errs, fmt.Errorf("retention: removing %s: %w", filepath.Join(dir, e.name), err))
			continue
		}
		removed = append(removed, filepath.Join(dir, e.name))
	}
	return removed, errors.Join(errs...)
}
