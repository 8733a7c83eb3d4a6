package output

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/internal/fakedsh"
)

// decisions is what vssmirror acts on from an Output: the shadows to
// journal, expose and delete, the failures, what was deleted and listed.
// The words around them (Writers, Notes, DeletedCount) may be read from
// English only.
type decisions struct {
	Shadows  []ShadowCopy
	SetID    string
	Failures []string
	Excluded []string
	Deleted  []string
	Commands int
	Last     string
	ListRan  bool
	Listed   []string
}

func decide(o *Output) decisions {
	d := decisions{Shadows: o.Shadows, SetID: o.SetID, Deleted: o.Deleted, Commands: o.Commands, Last: o.LastCommand, ListRan: o.ListRan, Listed: o.Listed}
	for _, f := range o.Failures {
		d.Failures = append(d.Failures, f.Kind+" "+f.Code+" "+f.Name+" @ "+f.Command)
	}
	for _, e := range o.Excluded {
		d.Excluded = append(d.Excluded, e.Writer+" "+e.Component+" "+e.Volume)
	}
	return d
}

var aliasEchoRE = regexp.MustCompile(`(?i)alias\s+(\S+)`)

// pseudoLines pseudo-localizes a transcript as a translated diskshadow
// would print it: the messages change, the aliases the script set and the
// attribute names (printed as identifiers) stay.
func pseudoLines(t *testing.T, text string) string {
	t.Helper()
	keep := []string{"Persistent", "Differential", "Plex", "Transportable", "Nas"}
	for _, m := range aliasEchoRE.FindAllStringSubmatch(text, -1) {
		keep = append(keep, m[1])
	}
	var out []string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		l := sc.Text()
		if usageLineRE.MatchString(strings.TrimSpace(l)) && strings.ToUpper(l) == l || strings.HasPrefix(l, "DISKSHADOW>") {
			out = append(out, l) // command syntax and the typed commands are not translated
			continue
		}
		out = append(out, fakedsh.Pseudo(l, keep...))
	}
	return strings.Join(out, "\r\n")
}

func parseText(t *testing.T, text string) *Output {
	t.Helper()
	o, err := Parse(strings.NewReader(text))
	require.NoError(t, err)
	return o
}

// Every real log reads the same once its messages are translated.
func TestLanguageFreeReadingOfRealLogs(t *testing.T) {
	files, err := filepath.Glob("../../testdata/diskshadow/*.log")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			en := parseText(t, string(data))
			ps := pseudoLines(t, string(data))
			require.NotContains(t, ps, "Shadow copy ID", "the transcript is translated")
			loc := parseText(t, ps)
			assert.Equal(t, decide(en), decide(loc), "translated:\n%s", ps)
		})
	}
	// The fixtures do exercise the reading.
	o := parseText(t, pseudoLines(t, readFixture(t, "begin_backup_no_end_backup_note_exiting.log")))
	require.Len(t, o.Shadows, 1)
	assert.Equal(t, ShadowCopy{ID: "{87e12f70-64e3-4f5f-bebb-66a01dafae89}", SetID: "{afca95ea-15c2-4467-8f35-70e36c7ed6fe}", Alias: "coldfx",
		Volume: `C:\`, VolumeName: `\\?\Volume{351b4712-0000-0000-0000-602200000000}\`, Device: `\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy2`,
		Attributes: []string{"No_Auto_Release", "Persistent", "Differential"}, ExposedAs: "Z:"}, o.Shadows[0])
	o = parseText(t, pseudoLines(t, readFixture(t, "com_call_InitializeForBackup_failed.log")))
	require.Len(t, o.Failures, 1)
	assert.Equal(t, FailCOM, o.Failures[0].Kind)
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../../testdata/diskshadow", name))
	require.NoError(t, err)
	return string(data)
}

// A run as vssmirror's script makes it, with every failure shape, reads
// the same in English and translated.
func TestLanguageFreeFailures(t *testing.T) {
	const (
		d   = "{11111111-2222-3333-4444-555555555555}"
		e   = "{22222222-2222-3333-4444-555555555555}"
		set = "{aaaaaaaa-2222-3333-4444-555555555555}"
	)
	created := []string{
		"-> set context persistent",
		"-> add volume D: alias vssm_d",
		"-> add volume E: alias vssm_e",
		"-> create",
		"Alias vssm_d for shadow ID " + d + " set as environment variable.",
		"Alias vssm_e for shadow ID " + e + " set as environment variable.",
		"Alias VSS_SHADOW_SET for shadow set ID " + set + " set as environment variable.",
		"",
		"Querying all shadow copies with the shadow copy set ID " + set,
		"",
		"\t* Shadow copy ID = " + d + "\t\t%vssm_d%",
		"\t\t- Shadow copy set: " + set + "\t%VSS_SHADOW_SET%",
		"\t\t- Original count of shadow copies = 2",
		`		- Original volume name: \\?\Volume{00000000-0000-0000-0000-000000000001}\ [D:\]`,
		"\t\t- Creation time: 1/2/2026 3:04:05 AM",
		`		- Shadow copy device name: \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy11`,
		"\t\t- Originating machine: 80042306.example",
		"\t\t- Provider ID: {b5946137-7b9f-4925-af80-51abd60b20d5}",
		"\t\t- Attributes:  No_Auto_Release Persistent Differential",
		"\t* Shadow copy ID = " + e + "\t\t%vssm_e%",
		"\t\t- Shadow copy set: " + set + "\t%VSS_SHADOW_SET%",
		`		- Original volume name: \\?\Volume{80042306-0000-0000-0000-000000000002}\ [E:\]`,
		`		- Shadow copy device name: \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy12`,
		"Number of shadow copies listed: 2",
		"-> expose %vssm_d% S:",
		"-> %vssm_d% = " + d,
		`The shadow copy was successfully exposed as S:\.`,
		"-> expose %vssm_e% T:",
		"-> %vssm_e% = " + e,
		"The last operation failed.",
		"\t- Returned HRESULT: 8004230D",
		"\t- Error text: VSS_E_OBJECT_ALREADY_EXISTS",
	}
	cases := map[string][]string{
		"expose fails": created,
		"exec fails and diskshadow stops there": append(created[:len(created)-5:len(created)-5],
			"-> expose %vssm_e% T:",
			"-> %vssm_e% = "+e,
			`The shadow copy was successfully exposed as T:\.`,
			`-> exec C:\vss\fs.cmd`,
			"[vssmirror] source 1 of 2: robocopy exit 8, some files were not copied; see fs-robocopy-1.log",
			"The command script returned failure exit code 8.",
			"The command script failed.",
		),
		"delete fails": append(created[:len(created)-5:len(created)-5],
			"-> delete shadows exposed S:",
			"Deleting shadow copy "+d+` on volume \\?\Volume{00000000-0000-0000-0000-000000000001}\ from provider {b5946137-7b9f-4925-af80-51abd60b20d5} [Attributes: 0x00120019]...`,
			"The last operation failed.",
			"\t- Returned HRESULT: 80042302",
			"\t- Error text: VSS_E_UNEXPECTED",
			"-> delete shadows id "+e,
			"Deleting shadow copy "+e+` on volume \\?\Volume{00000000-0000-0000-0000-000000000002}\ from provider {b5946137-7b9f-4925-af80-51abd60b20d5} [Attributes: 0x00120019]...`,
			"",
			"Number of shadow copies deleted: 1",
			"-> list shadows all",
			"Querying all shadow copies on the computer ...",
			"\t* Shadow copy ID = "+d,
			"-> exit",
		),
		"create fails": {
			"-> add volume D: alias vssm_d",
			"-> create",
			"COM call \"lvssObject4->GetRootAndLogicalPrefixPaths\" failed.",
			"The last operation failed.",
			"\t- Returned HRESULT: 80042316",
			"\t- Error text: VSS_E_SNAPSHOT_SET_IN_PROGRESS",
		},
		"add fails": {
			"-> add volume c: alias temp",
			"",
			"COM call \"(*vssObject)->InitializeForBackup\" failed.",
		},
	}
	for name, lines := range cases {
		t.Run(name, func(t *testing.T) {
			text := strings.Join(lines, "\r\n")
			en := parseText(t, text)
			loc := parseText(t, pseudoLines(t, text))
			for _, o := range []*Output{en, loc} {
				if o.StoppedAtExec() {
					o.ConcludeExec()
				}
			}
			assert.Equal(t, decide(en), decide(loc), "translated:\n%s", pseudoLines(t, text))
			assert.NotEmpty(t, loc.Failures)
		})
	}

	loc := parseText(t, pseudoLines(t, strings.Join(created, "\n")))
	require.Len(t, loc.Shadows, 2)
	assert.Equal(t, "S:", loc.Shadows[0].ExposedAs)
	assert.Equal(t, `D:\`, loc.Shadows[0].Volume)
	assert.Equal(t, "vssm_e", loc.Shadows[1].Alias)
	assert.Equal(t, `E:\`, loc.Shadows[1].Volume)
	assert.Empty(t, loc.Shadows[1].ExposedAs, "the failed expose")
	require.Len(t, loc.Failures, 1, "a hex group in a host name or a volume GUID is no HRESULT: %+v", loc.Failures)
	assert.Equal(t, Failure{Kind: FailVSS, Code: "8004230D", Name: "VSS_E_OBJECT_ALREADY_EXISTS", Message: "VSS_E_OBJECT_ALREADY_EXISTS", Line: 31, Command: "expose %vssm_e% T:"}, loc.Failures[0])

	exec := parseText(t, pseudoLines(t, strings.Join(cases["exec fails and diskshadow stops there"], "\n")))
	assert.Empty(t, exec.Failures, "a translated exec failure is read at the end")
	require.True(t, exec.StoppedAtExec())
	exec.ConcludeExec()
	exec.ConcludeExec()
	require.Len(t, exec.Failures, 1)
	assert.Equal(t, FailExec, exec.Failures[0].Kind)
	assert.Equal(t, "8", exec.Failures[0].Code)
	assert.Equal(t, 8, *exec.ExecExitCode)

	del := parseText(t, pseudoLines(t, strings.Join(cases["delete fails"], "\n")))
	assert.Equal(t, []string{e}, del.Deleted, "a delete that then failed is not believed")
	assert.True(t, del.ListRan)
	assert.Contains(t, del.Listed, d)
}

// diskshadow quits at exec without any message: a crash, or a script
// failure in a language where the verdict has no number.
func TestConcludeExecWithoutVerdict(t *testing.T) {
	o := parseText(t, "-> create\n-> exec C:\\x.cmd\n")
	require.True(t, o.StoppedAtExec())
	o.ConcludeExec()
	require.Len(t, o.Failures, 1)
	assert.Equal(t, FailExec, o.Failures[0].Kind)
	assert.Empty(t, o.Failures[0].Code)
	assert.Nil(t, o.ExecExitCode)

	o = parseText(t, "-> exec C:\\x.cmd\n-> delete shadows exposed S:\n")
	assert.False(t, o.StoppedAtExec())
	o.ConcludeExec()
	assert.Empty(t, o.Failures)
}

func TestExcludedComponents(t *testing.T) {
	text := strings.Join([]string{
		"-> add volume D: alias vssm_d",
		"-> create",
		`Component "\HOST\master" from writer "SqlServerWriter" is excluded from backup,`,
		`because it requires volume C:\ which is not in the shadow copy set.`,
		`Component "\HOST\model" from writer "SqlServerWriter" is excluded from backup`,
		`because it requires volume C:\ which is not in the shadow copy set.`,
		`Component "\TasksStore" from writer "Task Scheduler Writer" is excluded from backup, because it requires volume C:\ which is not in the shadow copy set.`,
		`Component "\C:_Windows_NTDS\ntds" from writer "NTDS" is excluded from backup,`,
		`because it requires volume \\?\Volume{00000000-0000-0000-0000-000000000009}\ which is not in the shadow copy set.`,
		`The writer "System Writer" is now entirely excluded from the backup because the top-level non selectable component "System Files" is excluded.`,
		`Excluding writer "System Writer", because all of its components have been excluded.`,
		`Excluding writer "ASR Writer", because all of its components have been excluded.`,
		`* Including writer "Registry Writer":`,
		`	+ Adding component: \Registry`,
	}, "\r\n")
	want := []ExcludedComponent{
		{Writer: "SqlServerWriter", Component: `\HOST\master`, Volume: `C:\`, Line: 3},
		{Writer: "SqlServerWriter", Component: `\HOST\model`, Volume: `C:\`, Line: 5},
		{Writer: "Task Scheduler Writer", Component: `\TasksStore`, Volume: `C:\`, Line: 7},
		{Writer: "NTDS", Component: `\C:_Windows_NTDS\ntds`, Volume: `\\?\Volume{00000000-0000-0000-0000-000000000009}\`, Line: 8},
	}
	o := parseText(t, text)
	assert.Equal(t, want, o.Excluded)
	assert.Empty(t, o.Failures, "an excluded component is for the runner to judge")
	var ws []string
	for _, w := range o.Writers {
		ws = append(ws, w.Name+" "+map[bool]string{true: "included", false: "excluded: " + w.Reason}[w.Included])
	}
	assert.Equal(t, []string{
		"System Writer excluded: because the top-level non selectable component \"System Files\" is excluded",
		"ASR Writer excluded: all of its components have been excluded",
		"Registry Writer included",
	}, ws)

	// Translated, the components and their volumes are still read.
	loc := parseText(t, pseudoLines(t, text))
	assert.Equal(t, want, loc.Excluded, pseudoLines(t, text))
	assert.Empty(t, loc.Failures)
}
