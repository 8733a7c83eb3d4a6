// Package atomicfile writes files so that a reader, or the next start after
// a crash, sees either the old content or the new, never a half-written file.
// Every file vssmirror writes for later reading (journal, reports, metrics,
// task XML, markers, presets, scripts) goes through it.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile writes data to path through a temporary file in the same
// folder, fsync'd and renamed into place, then fsyncs the folder where the
// OS allows it. The folder is created if needed.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp, err := writeTemp(dir, filepath.Base(path), data, perm)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// CreateNew writes data to path only if path does not exist yet: the file
// either appears whole or not at all, and an existing file (even one that
// appears while writing) is never replaced. fs.ErrExist is wrapped when
// path exists.
//
// The whole file is linked into place from a temporary file. Where the file
// system has no hard links (FAT, exFAT, some SMB shares), path is instead
// created exclusively (O_CREATE|O_EXCL, so still never replacing a file)
// and the data written into it; a failed write removes it again, and only
// a crash while writing can leave it short.
func CreateNew(path string, data []byte, perm fs.FileMode) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("writing %s: %w", path, fs.ErrExist)
	}
	dir := filepath.Dir(path)
	tmp, err := writeTemp(dir, filepath.Base(path), data, perm)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp)
	// Link fails if path appeared meanwhile.
	if lerr := link(tmp, path); lerr != nil {
		if errors.Is(lerr, fs.ErrExist) {
			return fmt.Errorf("writing %s: %w", path, lerr)
		}
		if err := writeExclusive(path, data, perm); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	syncDir(dir)
	return nil
}

// writeExclusive creates path, failing if it exists, and writes data into
// it; on a failure after creating it, it removes it again.
func writeExclusive(path string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr, os.Chmod(path, perm)); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// File is one file of a set written by WriteAll.
type File struct {
	Name string // base name in the folder
	Data []byte
}

// WriteAll writes every file into dir, all or nothing: each file is first
// written in full to a temporary file; targets that exist are checked to be
// regular files before anything is replaced; then the files are renamed
// into place, and if one rename fails every file already replaced is put
// back as it was (an earlier version restored, a new file removed). Only a
// crash in the middle of the renames can leave a mix of old and new files,
// each of them whole. If putting a file back fails too, the error says so
// (and where the previous version was kept).
//
// The previous version of each target is kept as a hard link, or, where
// the file system has none (FAT, exFAT, some SMB shares), as a copy.
func WriteAll(dir string, files []File, perm fs.FileMode) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating folder %s: %w", dir, err)
	}
	for _, f := range files {
		fi, err := os.Lstat(filepath.Join(dir, f.Name))
		if err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("writing %s: it exists and is not a regular file (a folder or link?); nothing was written", filepath.Join(dir, f.Name))
		}
	}
	var temps, backups []string
	defer func() {
		for _, t := range temps {
			if t != "" {
				os.Remove(t)
			}
		}
	}()
	for _, f := range files {
		tmp, err := writeTemp(dir, f.Name, f.Data, perm)
		if err != nil {
			return fmt.Errorf("writing %s: %w", filepath.Join(dir, f.Name), err)
		}
		temps = append(temps, tmp)
	}
	// Keep each existing target as a backup so a failed rename further on
	// can put it back.
	for _, f := range files {
		target := filepath.Join(dir, f.Name)
		b := ""
		if fi, err := os.Lstat(target); err == nil {
			b = target + ".vssmirror-old"
			os.Remove(b)
			if err := keep(target, b, fi.Mode().Perm()); err != nil {
				removeAll(backups)
				return fmt.Errorf("writing %s: keeping the previous version: %w", target, err)
			}
		}
		backups = append(backups, b)
	}
	defer removeAll(backups)
	for i, f := range files {
		target := filepath.Join(dir, f.Name)
		if rerr := rename(temps[i], target); rerr != nil {
			var undoErrs []error
			for k := i - 1; k >= 0; k-- {
				undo := filepath.Join(dir, files[k].Name)
				if backups[k] != "" {
					if err := rename(backups[k], undo); err != nil {
						undoErrs = append(undoErrs, fmt.Errorf("putting back the previous %s: %w (it is kept as %s)", undo, err, backups[k]))
					}
					backups[k] = "" // restored, or kept for the user
				} else if err := os.Remove(undo); err != nil && !errors.Is(err, fs.ErrNotExist) {
					undoErrs = append(undoErrs, fmt.Errorf("removing the new %s again: %w", undo, err))
				}
			}
			if len(undoErrs) > 0 {
				return fmt.Errorf("writing %s: %w; the folder could not be put back as it was: %w", target, rerr, errors.Join(undoErrs...))
			}
			return fmt.Errorf("writing %s: %w; the folder was left as it was", target, rerr)
		}
		temps[i] = ""
	}
	syncDir(dir)
	return nil
}

// rename is os.Rename, replaceable by tests to make one rename fail.
var rename = os.Rename

// link is os.Link, replaceable by tests to play a file system without hard
// links.
var link = os.Link

// keep makes backup a copy of target's content: a hard link where the file
// system has them, else a copy with mode perm. backup must not exist.
func keep(target, backup string, perm fs.FileMode) error {
	if err := link(target, backup); err == nil {
		return nil
	}
	data, err := os.ReadFile(target)
	if err != nil {
		return err
	}
	return writeExclusive(backup, data, perm)
}

func removeAll(paths []string) {
	for _, p := range paths {
		if p != "" {
			os.Remove(p)
		}
	}
}

func writeTemp(dir, base string, data []byte, perm fs.FileMode) (string, error) {
	tmp, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return "", err
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr, os.Chmod(tmp.Name(), perm)); err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}
