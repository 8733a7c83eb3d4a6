package restore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/dshgen/script"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner/manifest"
	"github.com/vssmirror/vssmirror/runner/state"
)

const testJob = `version: 1
name: fs
scripts_dir: 'C:\ProgramData\vssmirror\fs'
destination: '\\nas01\backups\fs'
sources:
  - path: 'D:\Shares'
    target: 'Shares'
`

// writeSet writes a set's manifest (written at w, run id) and, when good,
// its marker.
func writeSet(t *testing.T, dest, set string, w time.Time, good bool, cab string) {
	folder := state.SetFolder(dest, set)
	story := filepath.Join(folder, job.StoryDir)
	h := manifest.Header{Kind: manifest.KindManifest, Job: "fs", RunID: "run-" + set, Written: w, Metadata: cab}
	mw, err := manifest.NewWriter(story, manifest.ManifestName, h, manifest.GzipAbove)
	require.NoError(t, err)
	_, err = mw.Close()
	require.NoError(t, err)
	if cab != "" {
		require.NoError(t, os.WriteFile(filepath.Join(story, cab), []byte("MSCF"), 0o644))
	}
	if good {
		require.NoError(t, os.WriteFile(filepath.Join(folder, state.MarkerName), []byte("{}"), 0o644))
	}
}

func weekdayJob(t *testing.T) *job.Job {
	j, err := job.Parse("job.yaml", []byte(testJob+"sets: weekday\n"))
	require.NoError(t, err)
	j.Destination = t.TempDir() // a local folder, as the test doubles use
	return j
}

func TestChooseAsOf(t *testing.T) {
	j := weekdayJob(t)
	day := func(d int, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.Local) }
	writeSet(t, j.Destination, "Monday", day(16, 23), true, "")
	writeSet(t, j.Destination, "Tuesday", day(17, 23), true, "")
	writeSet(t, j.Destination, "Wednesday", day(18, 23), false, "") // failed: never chosen
	writeSet(t, j.Destination, "Thursday", day(19, 23), true, "")
	for asOf, want := range map[string]string{"2026-11-16": "Monday", "2026-11-17": "Tuesday", "2026-11-18": "Tuesday", "2026-11-19": "Thursday", "2026-12-31": "Thursday"} {
		d, err := ParseDate("as-of", asOf)
		require.NoError(t, err)
		si, err := ChooseAsOf(j, d)
		require.NoError(t, err, asOf)
		assert.Equal(t, want, si.Set, asOf)
	}
	d, _ := ParseDate("as-of", "2026-11-15")
	_, err := ChooseAsOf(j, d)
	assert.ErrorContains(t, err, "no good set")
	_, err = ParseDate("as-of", "20.11.2026")
	assert.ErrorContains(t, err, "YYYY-MM-DD")
}

func TestRestoreRefuses(t *testing.T) {
	j := weekdayJob(t)
	writeSet(t, j.Destination, "Monday", time.Now(), true, "")
	base := Options{Job: j, Set: "Monday", To: `E:\Restore`, LogDir: t.TempDir(), Robocopy: "/nonexistent/robocopy"}
	for _, tc := range []struct {
		name string
		mod  func(o *Options)
		want string
	}{
		{"no set", func(o *Options) { o.Set = "" }, "--set NAME or --as-of"},
		{"both", func(o *Options) { o.AsOf = "2026-11-20" }, "not both"},
		{"unknown set", func(o *Options) { o.Set = "Funday" }, "not a set of the job"},
		{"no target", func(o *Options) { o.To = "" }, "--to is required"},
		{"relative target", func(o *Options) { o.To = `Restore` }, "full path"},
		{"live root", func(o *Options) { o.To = `D:\Shares` }, "live folder of sources[0]"},
		{"inside live root", func(o *Options) { o.To = `d:\shares\Finance` }, "live folder"},
		{"above live root", func(o *Options) { o.To = `D:\` }, "live folder"},
		{"live root through '.'", func(o *Options) { o.To = `D:\.\Shares` }, "live folder"},
		{"live root through '..'", func(o *Options) { o.To = `D:\Temp\..\Shares\Finance` }, "live folder"},
		{"live root with a trailing dot", func(o *Options) { o.To = `D:\Shares.` }, "live folder"},
		{"live root as a long path", func(o *Options) { o.To = `\\?\D:\Shares` }, "live folder"},
		{"into the set", func(o *Options) { o.To = filepath.Join(j.Destination, "Monday", "x") }, "overlaps the set"},
		{"traversal", func(o *Options) { o.Path = `Shares\..\..\Windows` }, "--path"},
		{"story folder", func(o *Options) { o.Path = `_vssmirror` }, "story folder"},
		{"deleted without date", func(o *Options) { o.Deleted = true }, "--from-date"},
		{"date without deleted", func(o *Options) { o.FromDate = "2026-11-20" }, "goes with --deleted"},
		{"nothing kept", func(o *Options) { o.Deleted, o.FromDate = true, "2026-11-20" }, "nothing was kept"},
		{"switch as target", func(o *Options) { o.To = `/MIR` }, "/MIR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := base
			tc.mod(&o)
			res, err := Restore(t.Context(), o)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrRefused), "%v", err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Nil(t, res)
		})
	}
}

// isDeleting reports a robocopy switch that deletes files.
func isDeleting(a string) bool {
	name, _, _ := strings.Cut(strings.ToUpper(a), ":")
	return name == "/MIR" || name == "/PURGE" || name == "/MOV" || name == "/MOVE"
}

// FuzzRestoreNeverDeletes: for any job file that validates (the seeds are
// the examples and jobs whose extra_args, targets and copy flags vary),
// the restore's robocopy arguments, per source and for the whole set, and
// the generated copy-back script never hold /MIR, /PURGE, /MOV or /MOVE.
func FuzzRestoreNeverDeletes(f *testing.F) {
	for _, ex := range []string{"fileserver", "multivolume", "exchange", "crashconsistent"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", ex, "job.yaml"))
		require.NoError(f, err)
		f.Add(data, `E:\Restore`)
	}
	f.Add([]byte(testJob+"robocopy:\n  extra_args: ['/XO', '/SEC']\n  mirror: true\n"), `\\nas\restore`)
	f.Add([]byte(testJob+"robocopy:\n  mirror: false\n  copy: DATSOU\n  backup_mode: false\n"), `F:\x`)
	f.Fuzz(func(t *testing.T, data []byte, to string) {
		j, err := job.Parse("job.yaml", data)
		if err != nil {
			return
		}
		for i, s := range j.Sources {
			from := dshgen.WinJoin(j.Destination, s.Target)
			for _, dst := range []string{to, s.Path} {
				args, err := robocmdArgs(j, from, dst)
				if err != nil {
					continue
				}
				for _, a := range args {
					if isDeleting(a) {
						t.Fatalf("sources[%d]: restore argument %q deletes", i, a)
					}
				}
			}
		}
		p, err := restorePlan(j, SetInfo{Folder: j.Destination, RunID: "r"}, "sql", `C:\Restore`, "fs.cab")
		if err != nil {
			return
		}
		files, err := dshgen.RenderRestore(p, "")
		if err != nil {
			return
		}
		for _, line := range strings.Split(string(files[1].Data), "\r\n") {
			if strings.HasPrefix(line, "rem ") || strings.HasPrefix(line, "echo ") {
				continue // the comments say "never /MIR or /PURGE"
			}
			for _, tok := range strings.Fields(line) {
				if isDeleting(strings.Trim(tok, `"`)) {
					t.Fatalf("the copy-back script runs %q: %s", tok, line)
				}
			}
		}
	})
}

func robocmdArgs(j *job.Job, from, to string) ([]string, error) {
	o := copyOptions(j)
	o.ExcludeDirs = []string{dshgen.WinJoin(j.Destination, job.StoryDir)}
	o.ExcludeFiles = []string{state.MarkerName}
	return robocmdRestoreArgs(from, to, o)
}

// The writer-aware restore: three files and the .cab beside them; the
// .dsh has load metadata, writer verify, begin restore, exec, end restore
// in that order, lints clean, and the .cmd copies every source back.
func TestGenerateWriterRestore(t *testing.T) {
	for _, w := range Writers {
		t.Run(w, func(t *testing.T) {
			j := weekdayJob(t)
			writeSet(t, j.Destination, "Friday", time.Now(), true, "fs.cab")
			dir := filepath.Join(t.TempDir(), "restore")
			files, err := Generate(GenerateOptions{Job: j, Set: "Friday", Writer: w, Dir: dir})
			require.NoError(t, err)
			require.Len(t, files, 4)
			assert.FileExists(t, filepath.Join(dir, "fs.cab"))
			dsh, err := os.ReadFile(filepath.Join(dir, "fs-restore-"+w+".dsh"))
			require.NoError(t, err)
			s, err := script.Parse(bytes.NewReader(dsh))
			require.NoError(t, err)
			assert.Empty(t, script.Lint("restore.dsh", s), "the restore script lints clean")
			var verbs []string
			for _, st := range s.Statements {
				verbs = append(verbs, st.Verb)
			}
			text := string(dsh)
			for _, want := range []string{"load metadata " + dir + "/fs.cab", "begin restore", "exec " + dir + "/fs-restore-" + w + ".cmd", "end restore"} {
				assert.Contains(t, text, want)
			}
			assert.Equal(t, []string{"set", "load", "writer", "begin", "exec", "end", "exit"}, verbs)
			assert.Contains(t, text, "\r\nbegin restore\r\nexec ")
			cmd, _ := os.ReadFile(filepath.Join(dir, "fs-restore-"+w+".cmd"))
			assert.Contains(t, string(cmd), `D:\Shares /E`)
			assert.Regexp(t, `\r\nrobocopy\.exe \S+ D:\\Shares /E /FFT /R:2 /W:5 /MT:8 /COPY:DAT /DCOPY:DAT /B /XJ /NP "/UNILOG\+:%VSSM_LOG%"\r\n`, string(cmd))
			readme, _ := os.ReadFile(filepath.Join(dir, "fs-restore-"+w+"-README.txt"))
			assert.Contains(t, string(readme), "vssmirror verify --config <job.yaml> --set Friday --hashes")
		})
	}
	j := weekdayJob(t)
	writeSet(t, j.Destination, "Friday", time.Now(), true, "")
	_, err := Generate(GenerateOptions{Job: j, Set: "Friday", Writer: "sql", Dir: t.TempDir()})
	assert.ErrorContains(t, err, "no writer metadata")
	_, err = Generate(GenerateOptions{Job: j, Set: "Friday", Writer: "oracle", Dir: t.TempDir()})
	assert.ErrorContains(t, err, "choose one of")
}

// --path may name one file: robocopy gets its folder and its name as the
// file filter.
func TestRestoreArgsOfOneFile(t *testing.T) {
	args, err := robocmd.RestoreArgs(`\\nas\b\D\Shares`, `E:\R`, robocmd.RestoreOptions{Files: []string{"report 1.xlsx"}, BackupMode: true, ListOnly: true})
	require.NoError(t, err)
	assert.Equal(t, []string{`\\nas\b\D\Shares`, `E:\R`, "report 1.xlsx", "/E", "/R:0", "/W:0", "/B", "/NP", "/L"}, args)
	assert.Equal(t, `\\nas\b\D`, parentOf(`\\nas\b\D\x.txt`))
	assert.Equal(t, "x.txt", baseOf(`\\nas\b\D\x.txt`))
}
