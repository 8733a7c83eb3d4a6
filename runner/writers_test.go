package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/dshgen/output"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/report"
)

// writerEnv is the test job (sources on D: and E:) with extra shadow
// settings, e.g. verify_writers.
func writerEnv(t *testing.T, shadow, lang, more string) *env {
	t.Helper()
	e := newEnv(t, "")
	t.Setenv("FAKEDSH_LANG", lang)
	yaml := strings.Replace(testJob, "shadow:\n", "shadow:\n"+shadow, 1) + more
	j, err := job.Parse("job.yaml", []byte(yaml))
	require.NoError(t, err, yaml)
	e.job = j
	e.foreign()
	return e
}

func writerErrors(rep *report.Report) []string {
	var msgs []string
	for _, er := range rep.Errors {
		if er.Kind == output.FailWriter {
			msgs = append(msgs, er.Message)
		}
	}
	return msgs
}

// A verified writer (SQL Server) whose database lives on C: while the job
// snapshots only D: and E:: diskshadow excludes the component, `writer
// verify` passes, and the backup would lack the database. The run stops
// the copy before it starts (abort marker: the copy script exits, end
// backup never runs) and fails naming the writer, the database and C:.
//
// pseudo-quotes: a translation that quotes names „so“ (German) is read too.
func TestVerifiedWriterComponentExcludedFailsTheRun(t *testing.T) {
	for _, lang := range []string{"", "pseudo", "pseudo-quotes"} {
		t.Run(orText(lang, "english"), func(t *testing.T) {
			e := writerEnv(t, "  verify_writers: [sql]\n  backup_type: full\n  sql_full_ok: true\n", lang, "sets: {rotate: 2}\n")
			t.Setenv("FAKEDSH_EXCLUDE", `SqlServerWriter:\HOST\master:C:,SqlServerWriter:\HOST\model:C:,System Writer:\System Files:C:`)
			t.Setenv("FAKEDSH_AWAIT_ABORT", "1")
			rep, err := Run(context.Background(), e.opts())
			require.Error(t, err)
			assert.Equal(t, report.SnapshotFailed, rep.Outcome)

			marker, err := os.ReadFile(filepath.Join(rep.RunDir, AbortFile))
			require.NoError(t, err, "the abort marker is in the run folder")
			assert.Contains(t, string(marker), "SqlServerWriter")
			assert.Contains(t, string(marker), `\HOST\master`)
			assert.Contains(t, string(marker), `volume C:\`, "the reason waits for the volume line")

			log := e.console.String()
			assert.Contains(t, log, "-> begin backup")
			assert.Contains(t, log, "-> exec", "diskshadow quit at exec")
			assert.NotContains(t, log, "-> end backup", "end backup never runs")

			msgs := writerErrors(rep)
			require.Len(t, msgs, 2, "%+v", rep.Errors)
			assert.Contains(t, msgs[0], `"SqlServerWriter"`)
			assert.Contains(t, msgs[0], `component \HOST\master (database master)`)
			assert.Contains(t, msgs[0], `volume C:\`)
			assert.Contains(t, msgs[0], `add a source on C:\ to the job's sources`)
			assert.Contains(t, msgs[1], "(database model)")
			assert.Contains(t, strings.Join(rep.Notes, "\n"), `writer "System Writer": component \System Files was left out`)
			for _, m := range msgs {
				assert.NotContains(t, m, "System Writer", "an unverified writer never fails the run")
			}
			for _, s := range rep.Sources {
				assert.Equal(t, report.SourceNotRun, s.Outcome, "nothing was copied")
			}
			// The run's shadows are gone, the foreign one untouched.
			assert.Empty(t, e.journal())
			left := e.shadows()
			require.Len(t, left, 1)
			assert.Equal(t, foreignID, left[0].ID)
		})
	}
}

// System, ASR and Task Scheduler Writer components on C: in a D:-only job
// are normal: information, no marker, success.
func TestUnverifiedWriterComponentExcludedIsInformation(t *testing.T) {
	for _, lang := range []string{"", "pseudo", "pseudo-quotes"} {
		t.Run(orText(lang, "english"), func(t *testing.T) {
			e := writerEnv(t, "  verify_writers: [sql]\n", lang, "")
			t.Setenv("FAKEDSH_EXCLUDE", `System Writer:\System Files:C:,ASR Writer:\ASR\ASR:C:,Task Scheduler Writer:\TasksStore:C:,SqlServerWriter:\HOST\shares:D:`)
			rep, err := Run(context.Background(), e.opts())
			require.NoError(t, err, e.console.String())
			assert.Equal(t, report.Success, rep.Outcome)
			assert.NoFileExists(t, filepath.Join(rep.RunDir, AbortFile))
			assert.Empty(t, writerErrors(rep))
			notes := strings.Join(rep.Notes, "\n")
			for _, w := range []string{"System Writer", "ASR Writer", "Task Scheduler Writer"} {
				assert.Contains(t, notes, `writer "`+w+`"`)
			}
			assert.NotContains(t, notes, "SqlServerWriter", "a component whose volume is in the set is not excluded")
			assert.Len(t, e.shadows(), 1)
		})
	}
}

// Hyper-V: the message names the virtual machine.
func TestVerifiedHyperVNamesTheVM(t *testing.T) {
	e := writerEnv(t, "  verify_writers: [hyperv]\n", "", "")
	t.Setenv("FAKEDSH_EXCLUDE", `Microsoft Hyper-V VSS Writer:\Online\DC01:C:`)
	t.Setenv("FAKEDSH_AWAIT_ABORT", "1")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.SnapshotFailed, rep.Outcome)
	msgs := writerErrors(rep)
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0], "(virtual machine DC01)")
	assert.FileExists(t, filepath.Join(rep.RunDir, AbortFile))
}

// A verified writer diskshadow excludes entirely fails the run too.
func TestVerifiedWriterExcludedEntirely(t *testing.T) {
	e := writerEnv(t, "  verify_writers: [exchange]\n", "", "")
	t.Setenv("FAKEDSH_EXCLUDE", `Microsoft Exchange Writer::C:`)
	t.Setenv("FAKEDSH_AWAIT_ABORT", "1")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.SnapshotFailed, rep.Outcome)
	msgs := writerErrors(rep)
	require.Len(t, msgs, 1, "both whole-writer lines name one loss: %+v", rep.Errors)
	assert.Contains(t, msgs[0], "excluded from the backup entirely")
	assert.FileExists(t, filepath.Join(rep.RunDir, AbortFile))
}

func TestWriteAbortSanitizes(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, writeAbort(dir, "component \"\\x\" & del C:\\* | more\n;comment\n\nsecond %PATH% line!"))
	data, err := os.ReadFile(filepath.Join(dir, AbortFile))
	require.NoError(t, err)
	assert.Equal(t, "component _\\x_ _ del C:\\* _ more\r\ncomment\r\nsecond _PATH_ line_\r\n", string(data))
}
