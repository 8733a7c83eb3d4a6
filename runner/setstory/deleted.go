package setstory

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner/manifest"
)

// KeptResult is what KeepDeleted moved.
type KeptResult struct {
	Folder string // <story>\deleted\<run date>
	Files  int    // files moved
	Dirs   int    // folders moved (with everything in them)
}

// RunDate is the date of a run: the local date of the time in its run ID
// (the base name of runDir), or of now without one.
func RunDate(runDir string, now time.Time) string {
	if id := filepath.Base(runDir); runDir != "" && runIDRE.MatchString(id) {
		if t, err := time.Parse("20060102T150405Z", id[:16]); err == nil {
			return t.Local().Format(DateLayout)
		}
	}
	return now.Format(DateLayout)
}

// KeepDeleted moves what the mirror of source index would delete (the
// extras listed by its /L /FP pass, listLog) into
// <set>\_vssmirror\deleted\<run date>\<path under the set>, before /MIR
// runs. Moves are renames on the set's volume. A name already taken there
// (a second run the same day) gets "~2", "~3", ... appended. A listed path
// that is gone already is skipped; any other failure is returned, and the
// copy script then does not mirror that source.
func KeepDeleted(planPath string, index int, listLog, runDir string, now time.Time, console io.Writer) (*KeptResult, error) {
	sp, err := dshgen.ReadStoryPlan(planPath)
	if err != nil {
		return nil, err
	}
	if sp.KeepDeleted == 0 {
		return nil, fmt.Errorf("%s: robocopy.keep_deleted_days is 0: nothing is kept", planPath)
	}
	var src *dshgen.StorySource
	for i := range sp.Sources {
		if sp.Sources[i].Index == index {
			src = &sp.Sources[i]
		}
	}
	if src == nil {
		return nil, fmt.Errorf("%s: no source %d", planPath, index)
	}
	f, err := os.Open(listLog)
	if err != nil {
		return nil, fmt.Errorf("the /L pass's log: %w", err)
	}
	defer f.Close()
	// Like the deletion guard: a pass without its summary (robocopy
	// failed, the log was cut) does not say everything /MIR would delete.
	if l, err := robocmd.ParseLog(f, robocmd.LogOptions{}); err != nil || len(l.Jobs) == 0 || !l.Jobs[len(l.Jobs)-1].Summary {
		return nil, fmt.Errorf("the /L pass %s did not finish (no summary): cannot tell what /MIR would delete, so nothing is kept and the source is not mirrored", listLog)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("the /L pass's log: %w", err)
	}
	res := &KeptResult{Folder: dshgen.WinJoin(sp.DeletedDir(), RunDate(runDir, now))}
	var moved []string // folders moved: what was under them went with them
	root := strings.TrimRight(sp.SetRoot, `\/`)
	err = robocmd.ExtraPaths(f, src.Dest, func(p string, dir bool) error {
		for _, m := range moved {
			if len(p) > len(m) && strings.EqualFold(p[:len(m)], m) && strings.ContainsRune(`\/`, rune(p[len(m)])) {
				return nil
			}
		}
		rel := p[len(root)+1:]
		// The log is input: a path that climbs out of the set ('..') or
		// names a stream (':') is not one robocopy listed; moving it could
		// take a file from anywhere. Refuse it, and so the source.
		if err := manifest.CheckPath(strings.ReplaceAll(rel, "/", `\`)); err != nil {
			return fmt.Errorf("the /L log %s names %q: %v; not a path under the set robocopy would list", listLog, p, err)
		}
		if first, _, _ := strings.Cut(strings.ReplaceAll(rel, "/", `\`), `\`); strings.EqualFold(first, job.StoryDir) {
			return nil // never the story itself
		}
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		target, err := freeName(dshgen.WinJoin(res.Folder, rel))
		if err != nil {
			return err
		}
		// Whoever can write to the set could have put a link (a junction
		// on Windows) under _vssmirror\deleted; this process runs elevated
		// and must not create folders or drop files wherever such a link
		// points: checked before the folders are made and after.
		if err := noLinks(sp.Dir(), parentOf(target)); err != nil {
			return fmt.Errorf("keeping %s: %w", p, err)
		}
		if err := os.MkdirAll(parentOf(target), 0o755); err != nil {
			return fmt.Errorf("keeping %s: %w", p, err)
		}
		if err := noLinks(sp.Dir(), parentOf(target)); err != nil {
			return fmt.Errorf("keeping %s: %w", p, err)
		}
		if err := os.Rename(p, target); err != nil {
			return fmt.Errorf("keeping %s (moving it to %s): %w", p, target, err)
		}
		if fi.IsDir() {
			moved = append(moved, p)
			res.Dirs++
		} else {
			res.Files++
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	fmt.Fprintf(console, "[vssmirror] source %d: kept %d files and %d folders /MIR would delete in %s\n", index, res.Files, res.Dirs, res.Folder)
	return res, nil
}

// noLinks checks that dir and every folder between base and dir (base
// included) that exists is a plain folder, not a symbolic link, junction or other
// reparse point.
func noLinks(base, dir string) error {
	base = strings.TrimRight(base, `\/`)
	if !strings.EqualFold(dir, base) && !(len(dir) > len(base) && strings.EqualFold(dir[:len(base)], base) && strings.ContainsRune(`\/`, rune(dir[len(base)]))) {
		return fmt.Errorf("%s is not under %s", dir, base)
	}
	p := base
	rest := strings.TrimLeft(dir[len(base):], `\/`)
	for {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // the rest is yet to be made, as plain folders
		}
		if err != nil {
			return err
		}
		if fi.Mode()&(fs.ModeSymlink|fs.ModeIrregular) != 0 || !fi.IsDir() {
			return fmt.Errorf("%s is a link or junction, not a folder: nothing is moved through it; remove it from the set", p)
		}
		if rest == "" {
			return nil
		}
		part, after, _ := strings.Cut(strings.ReplaceAll(rest, "/", `\`), `\`)
		p = dshgen.WinJoin(p, part)
		rest = after
	}
}

// freeName returns p, or p~2, p~3, ... the first that does not exist.
func freeName(p string) (string, error) {
	for i := 1; i < 10000; i++ {
		c := p
		if i > 1 {
			c = fmt.Sprintf("%s~%d", p, i)
		}
		if _, err := os.Lstat(c); errors.Is(err, fs.ErrNotExist) {
			return c, nil
		}
	}
	return "", fmt.Errorf("keeping %s: 10000 names taken", p)
}

// parentOf is the folder of a Windows (or POSIX) path.
func parentOf(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i > 0 {
		return p[:i]
	}
	return p
}
