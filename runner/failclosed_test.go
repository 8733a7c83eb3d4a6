package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/dshgen/output"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// What vssmirror cannot read in diskshadow's output never reads as done:
// a shadow counts as deleted only on positive evidence, a failure is any
// HRESULT, and a name a database owner chose is never one of the run's
// shadows.

// A delete that names its shadow and then fails with E_FAIL (80004005, not
// a VSS code) deletes nothing: in any language the shadows stay journaled
// and the run does not report success.
func TestDeleteFailingWithEFAILIsNotBelieved(t *testing.T) {
	for _, lang := range []string{"", "pseudo"} {
		t.Run(orText(lang, "english"), func(t *testing.T) {
			e := newEnv(t, "delete-efail")
			e.foreign()
			t.Setenv("FAKEDSH_LANG", lang)
			rep, err := Run(context.Background(), e.opts())
			require.Error(t, err)
			assert.Equal(t, report.CleanupFailed, rep.Outcome)
			var codes []string
			for _, er := range rep.Errors {
				codes = append(codes, er.Kind+":"+er.Code)
			}
			assert.Contains(t, codes, "vss:80004005")
			own := ownShadows(e)
			require.Len(t, own, 2, "nothing was deleted")
			var journaled []string
			for _, j := range e.journal() {
				journaled = append(journaled, j.ID)
			}
			assert.ElementsMatch(t, own, journaled, "every shadow left is still journaled")
			assert.ElementsMatch(t, own, rep.Cleanup.Leaked)
		})
	}
}

// The listing after a cleanup delete fails in words vssmirror does not
// know (nothing at all here) and diskshadow quits: no shadow is believed
// gone, none leaves the journal.
func TestUnreadableFailedListingKeepsShadowsJournaled(t *testing.T) {
	e := newEnv(t, "exec:8,delete,list")
	e.foreign()
	t.Setenv("FAKEDSH_LANG", "mute")
	t.Setenv("FAKEDSH_ALIASES", "1")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.CleanupFailed, rep.Outcome)
	own := ownShadows(e)
	require.Len(t, own, 2)
	var journaled []string
	for _, j := range e.journal() {
		journaled = append(journaled, j.ID)
	}
	assert.ElementsMatch(t, own, journaled)
	for _, f := range rep.Cleanup.Shadows {
		assert.Equal(t, report.FateLeft, f.Fate, f.Message)
	}
}

func TestJudgeDeleteNeedsPositiveEvidence(t *testing.T) {
	const id = "{a0a3f1c2-c725-43ff-9bb0-876ccf2cee4a}"
	other := "\t* ÄÖ ID = {b0a3f1c2-c725-43ff-9bb0-876ccf2cee4a}"
	del := "-> delete shadows id " + id
	for name, c := range map[string]struct {
		lines  []string
		code   int
		killed bool
		fate   string
	}{
		"deleted":                 {[]string{del, "-> list shadows all", other, "-> exit"}, 0, false, report.FateDeleted},
		"still listed":            {[]string{del, "-> list shadows all", "\t* ÄÖ ID = " + id, "-> exit"}, 0, false, report.FateLeft},
		"no listing":              {[]string{del, "-> exit"}, 0, false, report.FateLeft},
		"no exit after listing":   {[]string{del, "-> list shadows all", other}, 0, false, report.FateLeft},
		"listing cut short":       {[]string{del, "-> list shadows all"}, 3, false, report.FateLeft},
		"exit code":               {[]string{del, "-> list shadows all", other, "-> exit"}, 1, false, report.FateLeft},
		"killed":                  {[]string{del, "-> list shadows all", other, "-> exit"}, -1, true, report.FateLeft},
		"localized list failure":  {[]string{del, "-> list shadows all", "ÄÖ HRESULT: 8000FFFF", "-> exit"}, 0, false, report.FateLeft},
		"localized E_FAIL":        {[]string{del, "ÄÖ HRESULT: 80004005", "-> list shadows all", "ÄÖ HRESULT: 8000FFFF", "-> exit"}, 0, false, report.FateLeft},
		"listing before delete":   {[]string{"-> list shadows all", "\t* ÄÖ ID = " + id, del, "-> exit"}, 0, false, report.FateLeft},
		"not found":               {[]string{del, "ÄÖ HRESULT: 80042308", "-> list shadows all", other, "-> exit"}, 0, false, report.FateNotFound},
		"not found, no listing":   {[]string{del, "ÄÖ HRESULT: 80042308"}, 1, false, report.FateNotFound},
		"not found in the list":   {[]string{del, "-> list shadows all", "ÄÖ HRESULT: 80042308"}, 1, false, report.FateLeft},
		"not found but listed":    {[]string{del, "ÄÖ HRESULT: 80042308", "-> list shadows all", "\t* ÄÖ ID = " + id, "-> exit"}, 0, false, report.FateLeft},
		"listing failed, English": {[]string{del, "-> list shadows all", "The last operation failed.", "-> exit"}, 0, false, report.FateLeft},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := output.Parse(strings.NewReader(strings.Join(c.lines, "\n")))
			require.NoError(t, err)
			fate, msg := judgeDelete(&dsResult{Output: out, ExitCode: c.code, Killed: c.killed}, id, "")
			assert.Equal(t, c.fate, fate, msg)
			if fate == report.FateLeft {
				assert.NotEmpty(t, msg)
			}
		})
	}
	// diskshadow did not start: no output at all.
	fate, msg := judgeDelete(&dsResult{ExitCode: -1}, id, "starting diskshadow: no such file")
	assert.Equal(t, report.FateLeft, fate)
	assert.Equal(t, "starting diskshadow: no such file", msg)
}

// Task: a verified writer lost a component and the abort marker cannot be
// written: diskshadow and what it started are stopped before exec copies
// anything, end backup never runs, and the run fails naming the reason.
func TestAbortMarkerUnwritableStopsDiskshadow(t *testing.T) {
	e := writerEnv(t, "  verify_writers: [sql]\n  backup_type: full\n  sql_full_ok: true\n", "", "sets: {rotate: 2}\n")
	t.Setenv("FAKEDSH_EXCLUDE", `SqlServerWriter:\HOST\master:C:`)
	t.Setenv("FAKEDSH_AWAIT_ABORT", "1") // at exec the double waits for the marker, as the real one spends seconds on expose
	old := writeAbortMarker
	t.Cleanup(func() { writeAbortMarker = old })
	writeAbortMarker = func(dir, reason string) error {
		return errors.New("writing the abort marker: open " + filepath.Join(dir, AbortFile) + ": no space left on device")
	}
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Equal(t, report.SnapshotFailed, rep.Outcome)
	log := e.console.String()
	assert.Contains(t, log, "-> begin backup")
	assert.NotContains(t, log, "-> end backup", "end backup never runs")
	assert.NoFileExists(t, filepath.Join(rep.RunDir, AbortFile))
	for _, s := range rep.Sources {
		assert.Equal(t, report.SourceNotRun, s.Outcome, "nothing was copied")
		assert.NoFileExists(t, s.Log)
	}
	var abort string
	for _, er := range rep.Errors {
		if er.Kind == "abort" {
			abort = er.Message
		}
	}
	assert.Contains(t, abort, "no space left on device")
	assert.Contains(t, abort, "diskshadow")
	assert.Contains(t, abort, `\HOST\master`, "the reason is in the report")
	assert.Len(t, writerErrors(rep), 1)
	// The shadows the stopped diskshadow left (if it was stopped after
	// create saved them) are deleted, only they.
	assert.Empty(t, e.journal())
	assert.Empty(t, rep.Cleanup.Leaked)
	left := e.shadows()
	require.Len(t, left, 1)
	assert.Equal(t, foreignID, left[0].ID)
}

// Task: a database whose name holds a GUID and a %token% (here another
// product's shadow's ID and the job's own alias) is listed in a localized
// verbose writer listing: it is never journaled, so never deleted.
func TestWriterComponentNameIsNoShadow(t *testing.T) {
	for _, lang := range []string{"", "pseudo", "pseudo-quotes"} {
		t.Run(orText(lang, "english"), func(t *testing.T) {
			e := writerEnv(t, "  verify_writers: [sql]\n  verbose: true\n", lang, "")
			t.Setenv("FAKEDSH_WRITERS", strings.Join([]string{
				`SqlServerWriter:\HOST\master`,
				`SqlServerWriter:\HOST\x ` + foreignID + ` %x%`,
				`SqlServerWriter:\HOST\y ` + foreignID + ` %vssm_d%`,
				`SqlServerWriter:\HOST\ vssm_e ` + foreignID,
				`SqlServerWriter:\HOST\z ` + foreignID + ` %VSS_SHADOW_SET%`,
				`Registry Writer:\Registry`,
			}, "\n"))
			rep, err := Run(context.Background(), e.opts())
			require.NoError(t, err, e.console.String())
			assert.Contains(t, e.console.String(), foreignID+" %vssm_d%", "the listing was printed")
			assert.Equal(t, report.Success, rep.Outcome)
			require.Len(t, rep.Shadows, 2)
			for _, s := range rep.Shadows {
				assert.NotEqual(t, foreignID, s.ID)
				assert.NotEqual(t, foreignID, s.SetID)
			}
			assert.Empty(t, e.journal())
			left := e.shadows()
			require.Len(t, left, 1)
			assert.Equal(t, foreignID, left[0].ID)
		})
	}
}

// Task: the alias file names another ID for an alias whose shadow
// diskshadow already printed: tampering. The file's ID is not journaled
// (it would be deleted), diskshadow's is kept, the report says so.
func TestAliasFileConflictIsTampering(t *testing.T) {
	const (
		mine    = "{11111111-2222-3333-4444-555555555555}"
		foreign = "{99999999-9999-9999-9999-999999999999}"
		eID     = "{22222222-2222-3333-4444-555555555555}"
		other   = "{77777777-2222-3333-4444-555555555555}"
	)
	e := newEnv(t, "")
	r := mergeRun(t, e)
	// diskshadow printed vssm_d's shadow, and one on E: without its alias
	require.NoError(t, r.journal.Record(
		state.JournalEntry{ID: mine, Alias: "vssm_d", Volume: `D:\`, RunID: r.rep.RunID},
		state.JournalEntry{ID: eID, Volume: `E:\`, RunID: r.rep.RunID},
	))
	require.NoError(t, os.WriteFile(filepath.Join(r.rep.RunDir, AliasFile), []byte("vssm_d="+foreign+"\r\nvssm_e="+other+"\r\nVSS_SHADOW_SET={33333333-3333-3333-3333-333333333333}\r\n"), 0o600))
	m := r.newAliasMerge()
	m.merge(nil)
	m.merge(nil)
	assert.ElementsMatch(t, []string{mine, eID}, r.journal.IDs())
	var journalErrs []string
	for _, er := range r.rep.Errors {
		if er.Kind == "journal" {
			journalErrs = append(journalErrs, er.Message)
		}
	}
	require.Len(t, journalErrs, 2, "once per conflict: %v", journalErrs)
	assert.Contains(t, journalErrs[0], foreign)
	assert.Contains(t, journalErrs[0], mine)
	assert.Contains(t, journalErrs[0], "not journaled")
	assert.Contains(t, journalErrs[1], other)
	assert.Contains(t, journalErrs[1], eID)
	assert.NotContains(t, strings.Join(r.rep.Notes, "\n"), "named 2 shadow(s)")

	// An earlier run's shadow under the same alias is no conflict.
	r2 := mergeRun(t, newEnv(t, ""))
	require.NoError(t, r2.journal.Record(state.JournalEntry{ID: mine, Alias: "vssm_d", Volume: `D:\`, RunID: "earlier"}))
	require.NoError(t, os.WriteFile(filepath.Join(r2.rep.RunDir, AliasFile), []byte("vssm_d="+foreign+"\r\n"), 0o600))
	r2.newAliasMerge().merge(nil)
	assert.ElementsMatch(t, []string{mine, foreign}, r2.journal.IDs())
	assert.Empty(t, r2.rep.Errors)
}
