package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/dshgen/output"
	"github.com/vssmirror/vssmirror/internal/fakedsh"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// The runner must not depend on diskshadow's English: with every message
// pseudo-localized (as on a German or French server), the run journals,
// judges and deletes exactly its own shadows.

const foreignID = "{99999999-9999-9999-9999-999999999999}"

func pseudoEnv(t *testing.T, fail string) *env {
	t.Helper()
	e := newEnv(t, fail)
	t.Setenv("FAKEDSH_LANG", "pseudo")
	e.foreign()
	return e
}

// assertTranslated checks that the double really spoke the pseudo language.
func assertTranslated(t *testing.T, e *env) {
	t.Helper()
	c := e.console.String()
	assert.Contains(t, c, fakedsh.PseudoPrefix)
	assert.NotContains(t, c, "Shadow copy ID")
	assert.NotContains(t, c, "set as environment variable")
}

func ownShadows(e *env) []string {
	var ids []string
	for _, s := range e.shadows() {
		if s.ID != foreignID {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

func TestPseudoLocalizedSuccess(t *testing.T) {
	e := pseudoEnv(t, "")
	rep, err := Run(context.Background(), e.opts())
	require.NoError(t, err, e.console.String())
	assertTranslated(t, e)
	assert.Equal(t, report.Success, rep.Outcome)
	require.Len(t, rep.Shadows, 2)
	assert.Equal(t, `D:\`, rep.Shadows[0].Volume)
	assert.Equal(t, "S:", rep.Shadows[0].ExposedAs)
	assert.Equal(t, `E:\`, rep.Shadows[1].Volume)
	assert.Equal(t, "T:", rep.Shadows[1].ExposedAs)
	assert.Contains(t, rep.Shadows[0].Device, `\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy`)
	assert.False(t, rep.Cleanup.Attempted, "the script's own deletes were recognized")
	assert.Empty(t, e.journal())
	left := e.shadows()
	require.Len(t, left, 1)
	assert.Equal(t, foreignID, left[0].ID)
}

func TestPseudoLocalizedExecFailure(t *testing.T) {
	e := pseudoEnv(t, "exec:8")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assertTranslated(t, e)
	assert.Equal(t, report.CopyFailed, rep.Outcome)
	var exec *report.RunError
	for i := range rep.Errors {
		if rep.Errors[i].Kind == output.FailExec {
			exec = &rep.Errors[i]
		}
	}
	require.NotNil(t, exec, "%+v", rep.Errors)
	assert.Equal(t, "8", exec.Code, "the exit code is read off the translated verdict")
	assert.True(t, rep.Cleanup.Attempted)
	assert.Len(t, rep.Cleanup.Deleted, 2)
	assert.Empty(t, rep.Cleanup.Leaked)
	assert.Empty(t, e.journal())
	left := e.shadows()
	require.Len(t, left, 1)
	assert.Equal(t, foreignID, left[0].ID, "a shadow the run did not create is never touched")
}

// The run dies at exec and its cleanup cannot delete: the journal holds
// exactly the run's shadows, and the next run deletes exactly those.
func TestPseudoLocalizedCrashRecovery(t *testing.T) {
	e := pseudoEnv(t, "crash:exec,delete")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assertTranslated(t, e)
	assert.Equal(t, report.CleanupFailed, rep.Outcome)
	own := ownShadows(e)
	require.Len(t, own, 2)
	var journaled []string
	for _, j := range e.journal() {
		journaled = append(journaled, j.ID)
		assert.Equal(t, rep.RunID, j.RunID)
	}
	assert.ElementsMatch(t, own, journaled)

	t.Setenv("FAKEDSH_FAIL", "")
	e.console.Reset()
	rep, err = Run(context.Background(), e.opts())
	require.NoError(t, err, e.console.String())
	assertTranslated(t, e)
	assert.Contains(t, strings.Join(rep.Notes, "\n"), "an earlier run left 2 shadow(s)")
	assert.ElementsMatch(t, own, rep.Cleanup.Deleted)
	assert.Empty(t, e.journal())
	left := e.shadows()
	require.Len(t, left, 1)
	assert.Equal(t, foreignID, left[0].ID)
}

// The same failures read the same in English and translated.
func TestPseudoLocalizedOutcomesMatchEnglish(t *testing.T) {
	for _, fail := range []string{"none", "exec:8", "exec:16", "create:8004231F", "crash:exec", "crash:expose", "delete", "delete-efail"} {
		t.Run(fail, func(t *testing.T) {
			var got [2]string
			for i, lang := range []string{"", "pseudo"} {
				e := newEnv(t, strings.TrimPrefix(fail, "none"))
				t.Setenv("FAKEDSH_LANG", lang)
				e.foreign()
				rep, _ := Run(context.Background(), e.opts())
				var kinds []string
				for _, er := range rep.Errors {
					kinds = append(kinds, er.Kind+":"+er.Code)
				}
				got[i] = string(rep.Outcome) + " " + strings.Join(kinds, ",")
				assert.Len(t, e.shadows(), 1+len(rep.Cleanup.Leaked))
			}
			assert.Equal(t, got[0], got[1])
			assert.NotContains(t, got[0], "preflight")
		})
	}
}

// Task: shadows are matched to the job's volumes by the volume diskshadow
// names ([D:\]), the alias only as a fallback. Here the script's aliases
// differ from the plan's and the messages are translated.
func TestShadowsMatchedByVolumeNotAlias(t *testing.T) {
	for _, lang := range []string{"", "pseudo"} {
		t.Run(orText(lang, "english"), func(t *testing.T) {
			dir := t.TempDir()
			script := filepath.Join(dir, "x.dsh")
			require.NoError(t, os.WriteFile(script, []byte(strings.Join([]string{
				"set context persistent", "add volume E: alias custom_one", "add volume D: alias custom_two", "create",
				"expose %custom_two% S:", "expose %custom_one% T:", ""}, "\r\n")), 0o644))
			var buf strings.Builder
			code := fakedsh.Main([]string{"/s", script}, &buf, func(k string) string {
				return map[string]string{"FAKEDSH_STATE": filepath.Join(dir, "st.json"), "FAKEDSH_LANG": lang}[k]
			})
			require.Equal(t, 0, code, buf.String())
			out, err := output.Parse(strings.NewReader(buf.String()))
			require.NoError(t, err)

			e := newEnv(t, "")
			plan, err := dshgen.NewPlan(e.job)
			require.NoError(t, err)
			require.Equal(t, "vssm_d", plan.Volumes[0].Alias, "the plan's aliases are not the script's")
			rep := &report.Report{RunDir: dir}
			evaluate(rep, &dsResult{Output: out}, &dshgen.Bundle{Plan: plan}, e.job)
			for _, er := range rep.Errors {
				assert.NotContains(t, []string{"create", "expose"}, er.Kind, er.Message)
			}
			d := shadowOf(out.Shadows, plan.Volumes[0])
			require.NotNil(t, d)
			assert.Equal(t, "custom_two", d.Alias)
			assert.Equal(t, "S:", d.ExposedAs)
		})
	}
	// Without a volume in the record the plan's alias still finds it.
	shadows := []output.ShadowCopy{{ID: "{11111111-1111-1111-1111-111111111111}", Alias: "vssm_d"}}
	assert.NotNil(t, shadowOf(shadows, dshgen.Volume{Letter: "D", Alias: "vssm_d"}))
	assert.Nil(t, shadowOf(shadows, dshgen.Volume{Letter: "D", Alias: "other"}))
}

// mergeRun is a run as far as the alias merge needs it.
func mergeRun(t *testing.T, e *env) *run {
	t.Helper()
	r := newRun(e.opts(), "")
	r.rep.RunDir = t.TempDir()
	plan, err := dshgen.NewPlan(e.job)
	require.NoError(t, err)
	r.bundle = &dshgen.Bundle{Plan: plan}
	jr, err := state.OpenJournal(e.stateDir, e.job.Name)
	require.NoError(t, err)
	r.journal = jr
	return r
}

// The copy script's alias file is untrusted: only NAME={GUID} lines of the
// job's own aliases count; a planted line break or command never does.
func TestAliasFileMerge(t *testing.T) {
	const (
		d     = "{11111111-1111-1111-1111-111111111111}"
		eID   = "{22222222-2222-2222-2222-222222222222}"
		set   = "{33333333-3333-3333-3333-333333333333}"
		other = "{44444444-4444-4444-4444-444444444444}"
		known = "{55555555-5555-5555-5555-555555555555}"
		gone  = "{66666666-6666-6666-6666-666666666666}"
	)
	e := newEnv(t, "")
	r := mergeRun(t, e)
	require.NoError(t, r.journal.Record(state.JournalEntry{ID: known, Alias: "vssm_d", RunID: "earlier"}))
	file := strings.Join([]string{
		"vssm_d=" + d,
		"vssm_e=" + eID + "\r& del /q C:\\*",       // a second line break and a command
		"vssm_e=" + other + " & calc",              // a command after the ID
		"vssm_e={" + strings.Repeat("a", 36) + "}", // not a GUID
		"vssm_e=",         // the variable was not set
		"evil=" + other,   // not an alias of the job
		"vssm_d=" + known, // already journaled
		"vssm_d=" + gone,  // deleted by the script
		"vssm_e\x00=" + other,
		"VSS_SHADOW_SET=" + set,
		"vssm_e=" + eID + "   ",
		"",
	}, "\r\n")
	require.NoError(t, os.WriteFile(filepath.Join(r.rep.RunDir, AliasFile), []byte(file), 0o600))
	m := r.newAliasMerge()
	m.merge([]string{gone})
	var got []state.JournalEntry
	for _, en := range r.journal.Entries {
		en.Recorded = time.Time{}
		got = append(got, en)
	}
	assert.Equal(t, []state.JournalEntry{
		{ID: known, Alias: "vssm_d", RunID: "earlier"},
		{ID: d, SetID: set, Alias: "vssm_d", Volume: `D:\`, RunID: r.rep.RunID},
		{ID: eID, SetID: set, Alias: "vssm_e", Volume: `E:\`, RunID: r.rep.RunID},
	}, got)
	assert.Equal(t, 3, len(e.journal()), "written to disk")
	notes := strings.Join(r.rep.Notes, "\n")
	assert.Contains(t, notes, "5 line(s) that are not NAME={GUID} were ignored")
	assert.Contains(t, notes, "evil ignored: not an alias of this job")
	assert.Contains(t, notes, "named 2 shadow(s)")

	// Merging again changes nothing.
	m.merge([]string{gone})
	assert.Len(t, r.journal.Entries, 3)

	// A file larger than the copy script writes is not read at all.
	r2 := mergeRun(t, newEnv(t, ""))
	big := "vssm_d=" + d + "\r\n" + strings.Repeat("#", maxAliasFile)
	require.NoError(t, os.WriteFile(filepath.Join(r2.rep.RunDir, AliasFile), []byte(big), 0o600))
	r2.newAliasMerge().merge(nil)
	assert.Empty(t, r2.journal.Entries)
	assert.Contains(t, strings.Join(r2.rep.Notes, "\n"), "far more than the copy script writes")

	// Nor is anything but a regular file.
	r3 := mergeRun(t, newEnv(t, ""))
	require.NoError(t, os.Mkdir(filepath.Join(r3.rep.RunDir, AliasFile), 0o700))
	r3.newAliasMerge().merge(nil)
	assert.Empty(t, r3.journal.Entries)
}

// diskshadow's output cannot be read at all (FAKEDSH_LANG=mute: only the
// echoes), the copy script's alias file is the only place the shadows are
// named, and the run dies at exec: the shadows are still journaled and
// deleted, and only they.
func TestAliasFileSavesUnreadableRun(t *testing.T) {
	e := newEnv(t, "crash:exec")
	e.foreign()
	t.Setenv("FAKEDSH_LANG", "mute")
	t.Setenv("FAKEDSH_ALIASES", "1")
	rep, err := Run(context.Background(), e.opts())
	require.Error(t, err)
	assert.Empty(t, rep.Shadows, "nothing was read from the output")
	assert.Contains(t, strings.Join(rep.Notes, "\n"), "named 2 shadow(s) diskshadow's output did not show")
	assert.True(t, rep.Cleanup.Attempted)
	assert.Len(t, rep.Cleanup.Deleted, 2)
	assert.Empty(t, e.journal())
	left := e.shadows()
	require.Len(t, left, 1)
	assert.Equal(t, foreignID, left[0].ID)
}

// A journal entry is never refused for a side field read off the output.
func TestSafeEntryKeepsTheID(t *testing.T) {
	en := safeEntry(state.JournalEntry{ID: "{11111111-1111-1111-1111-111111111111}", SetID: "x", Alias: "a b", Volume: `C:\mnt\data\`, ExposedAs: `C:\mnt\x`, RunID: "r"})
	require.NoError(t, en.Check())
	assert.Equal(t, state.JournalEntry{ID: "{11111111-1111-1111-1111-111111111111}", RunID: "r"}, en)
}
