package output

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parseFixture(t *testing.T, name string) *Output {
	t.Helper()
	f, err := os.Open(filepath.Join("../../testdata/diskshadow", name))
	require.NoError(t, err)
	defer f.Close()
	o, err := Parse(f)
	require.NoError(t, err)
	return o
}

// Expected values read off each fixture.
func TestOutputFixtures(t *testing.T) {
	o := parseFixture(t, "success_nowriters_expose_script.log")
	require.Len(t, o.Shadows, 1)
	assert.Equal(t, ShadowCopy{
		ID: "{1ecb5bc1-8755-4d1d-b87e-29754ec7a5c2}", SetID: "{ac57b85b-4e05-4775-a263-e865e94888db}", Alias: "temp",
		Volume: `C:\`, VolumeName: `\\?\Volume{1b77e212-0000-0000-0000-100000000000}\`,
		Device:     `\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy1`,
		Attributes: []string{"No_Auto_Release", "Persistent", "No_Writers", "Differential"}, ExposedAs: "Z:",
	}, o.Shadows[0])
	assert.Equal(t, "{ac57b85b-4e05-4775-a263-e865e94888db}", o.SetID)
	assert.Empty(t, o.Failures)
	assert.Equal(t, "Z:", o.Shadows[0].ExposedAs)

	o = parseFixture(t, "begin_backup_no_end_backup_note_exiting.log")
	assert.True(t, o.EndBackupMissing)
	assert.Equal(t, "Z:", o.Shadows[0].ExposedAs)
	assert.Equal(t, "coldfx", o.Shadows[0].Alias)

	o = parseFixture(t, "com_call_InitializeForBackup_failed.log")
	require.Len(t, o.Failures, 1)
	assert.Equal(t, FailCOM, o.Failures[0].Kind)
	assert.Equal(t, "add volume c: alias temp", o.Failures[0].Command)
	assert.Empty(t, o.Shadows)

	o = parseFixture(t, "verbose_writers_cab_end_backup_typo_usage.log")
	require.Len(t, o.Failures, 1)
	assert.Equal(t, FailUsage, o.Failures[0].Kind)
	assert.Equal(t, "end backu", o.Failures[0].Command)
	assert.Equal(t, "E:", o.Shadows[0].ExposedAs)
	var included, excluded []string
	for _, w := range o.Writers {
		if w.Included {
			included = append(included, w.Name)
		} else {
			excluded = append(excluded, w.Name+": "+w.Reason)
		}
	}
	assert.Equal(t, []string{"Task Scheduler Writer", "VSS Metadata Store Writer", "Performance Counters Writer", "System Writer", "DFS Replication service writer", "NTDS", "ASR Writer", "WMI Writer", "COM+ REGDB Writer", "Registry Writer"}, included)
	assert.Equal(t, []string{"Shadow Copy Optimization Writer: all of its components have been excluded"}, excluded)
	assert.Equal(t, []string{`\ASR\ASR`, `\Volumes\Volume{1b77e212-0000-0000-0000-100000000000}`, `\Disks\harddisk0`, `\BCD\BCD`}, o.Writers[7].Components)

	o = parseFixture(t, "interactive_zfs_provider_create_partial.log")
	require.Len(t, o.Shadows, 1)
	assert.Equal(t, "VSS_SHADOW_1", o.Shadows[0].Alias)
	assert.Equal(t, `E:\`, o.Shadows[0].Volume)
	assert.Equal(t, 3, o.Commands)

	o = parseFixture(t, "success_uppercase_cmds_trailing_prompts.log")
	assert.Equal(t, "Z:", o.Shadows[0].ExposedAs)
	assert.Equal(t, 4, o.Commands)
}

func TestOutputFailureShapes(t *testing.T) {
	text := strings.Join([]string{
		"Microsoft DiskShadow version 1.0",
		"-> add volume D: alias vssm_d",
		"-> create",
		"COM call \"lvssObject4->GetRootAndLogicalPrefixPaths\" failed.",
		"Alias vssm_d for shadow ID {11111111-2222-3333-4444-555555555555} set as environment variable.",
		"Alias VSS_SHADOW_SET for shadow set ID {aaaaaaaa-2222-3333-4444-555555555555} set as environment variable.",
		"-> expose %vssm_d% S:",
		"-> %vssm_d% = {11111111-2222-3333-4444-555555555555}",
		"The shadow copy was successfully exposed as S:\\.",
		"-> exec C:\\vss\\job.cmd",
		"The command script returned failure exit code 8.",
		"The command script failed.",
		"-> create",
		"The last operation failed.",
		"\t- Returned HRESULT: 80042316",
		"\t- Error text: VSS_E_SNAPSHOT_SET_IN_PROGRESS",
		"-> set metadata C:\\ro\\x.cab",
		"The metadata file name path specifies a directory that is read-only.",
		"-> delete shadows id {11111111-2222-3333-4444-555555555555}",
		"Deleting shadow copy {11111111-2222-3333-4444-555555555555} on volume \\\\?\\Volume{x}\\ from provider {b5946137-7b9f-4925-af80-51abd60b20d5} [Attributes: 0x00120019]...",
		"",
		"Number of shadow copies deleted: 1",
	}, "\r\n")
	o, err := Parse(strings.NewReader(text))
	require.NoError(t, err)
	require.Len(t, o.Failures, 3, "%+v", o.Failures)
	assert.Equal(t, Failure{Kind: FailExec, Code: "8", Message: "The command script returned failure exit code 8.", Line: 11, Command: `exec C:\vss\job.cmd`}, o.Failures[0])
	assert.Equal(t, 8, *o.ExecExitCode)
	assert.Equal(t, Failure{Kind: FailVSS, Code: "80042316", Name: "VSS_E_SNAPSHOT_SET_IN_PROGRESS", Message: "VSS_E_SNAPSHOT_SET_IN_PROGRESS", Line: 14, Command: "create"}, o.Failures[1])
	assert.Equal(t, FailMetadata, o.Failures[2].Kind)
	assert.Len(t, o.Notes, 1, "the harmless COM failure is a note")
	assert.Equal(t, "S:", o.Shadows[0].ExposedAs)
	assert.Equal(t, []string{"{11111111-2222-3333-4444-555555555555}"}, o.Deleted)
	assert.Equal(t, 1, *o.DeletedCount)
}

func TestHRESULT(t *testing.T) {
	err := fmt.Errorf("create: %w", HRESULT(0x80042316))
	assert.True(t, errors.Is(err, VSSSnapshotSetInProgress))
	var h HRESULT
	require.True(t, errors.As(err, &h))
	assert.Equal(t, VSSSnapshotSetInProgress, h)
	assert.Equal(t, "VSS_E_PROVIDER_VETO (0x80042306)", HRESULT(0x80042306).Error())
	assert.Equal(t, "80042306", HRESULT(0x80042306).Code())
	assert.Equal(t, "0x80049999", HRESULT(0x80049999).Name())
}

func FuzzParse(f *testing.F) {
	f.Add("-> expose %a% S:\nThe shadow copy was successfully exposed as S:\\.\nThe last operation failed.\n- Returned HRESULT: 8004231F\n")
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := Parse(strings.NewReader(s)); err != nil && !strings.Contains(err.Error(), "too long") {
			t.Fatal(err)
		}
	})
}
