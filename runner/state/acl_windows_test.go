//go:build windows

package state

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/windows"
)

// These tests run on Windows and under wine (e2e/winunit_test.go builds
// this package's test binary and runs it in the suite's wine prefix). They
// check the DACLs vssmirror writes and judges; only one checks who can
// actually write (TestMkdirPrivateInherited, run unelevated on Windows).
//
// Wine 8.0 does not store a file's DACL: SetNamedSecurityInfo succeeds, the
// entries for Everyone and the file's owner become unix mode bits, every
// other entry is dropped, and GetNamedSecurityInfo returns a DACL made up
// from the unix mode (SYSTEM, the owner, Everyone), never protected.
// keptDACL detects that, and the tests that need the DACL they wrote skip
// with what was read back. What wine can show runs there: a folder
// Everyone may write is refused and named, a missing folder passes.

// fileAllAccess is FILE_ALL_ACCESS, what SDDL "FA" stands for.
const fileAllAccess = windows.STANDARD_RIGHTS_REQUIRED | windows.SYNCHRONIZE | 0x1FF

// testDir is a fresh folder that is removed afterwards. Not t.TempDir:
// os.RemoveAll fails under wine ("Invalid function"), and a folder made
// private may refuse an unelevated test its deletion until its DACL is
// opened again (the creator keeps WRITE_DAC as the owner).
func testDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "vssmirror-acl-")
	require.NoError(t, err)
	t.Cleanup(func() { removeTree(dir) })
	return dir
}

func removeTree(dir string) {
	var paths []string
	filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if err == nil {
			paths = append(paths, p)
		}
		return nil
	})
	for i := len(paths) - 1; i >= 0; i-- {
		setDACL(paths[i], "D:(A;;FA;;;WD)")
		os.Remove(paths[i])
	}
}

// setDACL gives path the DACL of an SDDL string ("D:P(...)" protects it).
func setDACL(path, sddl string) error {
	sd, err := windows.SecurityDescriptorFromString(sddl)
	if err != nil {
		return err
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return err
	}
	info := windows.SECURITY_INFORMATION(windows.DACL_SECURITY_INFORMATION)
	if strings.HasPrefix(sddl, "D:P") {
		info |= windows.PROTECTED_DACL_SECURITY_INFORMATION
	} else {
		info |= windows.UNPROTECTED_DACL_SECURITY_INFORMATION
	}
	return windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, info, nil, nil, dacl, nil)
}

// underWine names the wine version when the test runs under wine.
func underWine() string {
	p := windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version")
	if p.Find() != nil {
		return ""
	}
	v, _, _ := p.Call()
	return "wine " + windows.BytePtrToString(*(**byte)(unsafe.Pointer(&v))) // a static string in ntdll
}

// keptDACL writes sddl to path and skips the test when wine reads back
// another DACL.
func keptDACL(t *testing.T, path, sddl string) {
	t.Helper()
	require.NoError(t, setDACL(path, sddl))
	wantProtected, want := parseDACL(t, sddl)
	protected, got := readDACL(t, path)
	if protected != wantProtected || !slices.Equal(got, want) {
		skipNoDACLs(t, path, sddl)
	}
}

// skipNoDACLs skips a test under wine because path does not hold the DACL
// written; on Windows that is a failure.
func skipNoDACLs(t *testing.T, path, wrote string) {
	t.Helper()
	read := "?"
	if sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION); err == nil {
		read = sd.String()
	}
	wine := underWine()
	if wine == "" {
		t.Fatalf("%s: wrote the DACL %s, read back %s", path, wrote, read)
	}
	t.Skipf("%s does not store file DACLs: wrote %s, read back %s (wine turns the entries for Everyone and the owner into unix mode bits, "+
		"drops the rest, and makes a DACL up from the mode); checked on Windows only", wine, wrote, read)
}

type ace struct {
	typ   byte
	flags byte
	mask  windows.ACCESS_MASK
	sid   string
}

// readDACL reads path's DACL back from the system: whether it is
// protected, and its entries in order.
func readDACL(t *testing.T, path string) (protected bool, aces []ace) {
	t.Helper()
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	return sdDACL(t, sd)
}

// parseDACL is the DACL of an SDDL string, as readDACL returns it.
func parseDACL(t *testing.T, sddl string) (protected bool, aces []ace) {
	t.Helper()
	sd, err := windows.SecurityDescriptorFromString(sddl)
	require.NoError(t, err)
	return sdDACL(t, sd)
}

func sdDACL(t *testing.T, sd *windows.SECURITY_DESCRIPTOR) (protected bool, aces []ace) {
	t.Helper()
	control, _, err := sd.Control()
	require.NoError(t, err)
	dacl, _, err := sd.DACL()
	require.NoError(t, err)
	require.NotNil(t, dacl, "a NULL DACL: %s", sd)
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var a *windows.ACCESS_ALLOWED_ACE
		require.NoError(t, windows.GetAce(dacl, i, &a))
		sid := (*windows.SID)(unsafe.Pointer(&a.SidStart))
		aces = append(aces, ace{a.Header.AceType, a.Header.AceFlags, a.Mask, sid.String()})
	}
	return control&windows.SE_DACL_PROTECTED != 0, aces
}

// TestMkdirPrivateDACL: a folder MkdirPrivate creates has a protected DACL
// of exactly two entries, SYSTEM and Administrators with full control,
// inherited by files and subfolders; nothing from its parent.
func TestMkdirPrivateDACL(t *testing.T) {
	dir := filepath.Join(testDir(t), "state", "job")
	require.NoError(t, MkdirPrivate(dir))

	protected, aces := readDACL(t, dir)
	wantProtected, want := parseDACL(t, privateSDDL)
	if underWine() != "" && (protected != wantProtected || !slices.Equal(aces, want)) {
		skipNoDACLs(t, dir, privateSDDL)
	}
	assert.True(t, protected, "the DACL must be protected (no entries inherited from the parent)")
	oici := byte(windows.OBJECT_INHERIT_ACE | windows.CONTAINER_INHERIT_ACE)
	assert.Equal(t, []ace{
		{windows.ACCESS_ALLOWED_ACE_TYPE, oici, fileAllAccess, "S-1-5-18"},     // NT AUTHORITY\SYSTEM
		{windows.ACCESS_ALLOWED_ACE_TYPE, oici, fileAllAccess, "S-1-5-32-544"}, // BUILTIN\Administrators
	}, aces)
	require.NoError(t, CheckPrivate(dir), "a folder vssmirror made private passes its own check")
}

// TestMkdirPrivateExisting: an existing folder is left as it is (its DACL
// untouched); CheckPrivate is what refuses it if others can write there.
func TestMkdirPrivateExisting(t *testing.T) {
	dir := filepath.Join(testDir(t), "existing")
	require.NoError(t, os.Mkdir(dir, 0o755))
	const open = "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;BU)"
	keptDACL(t, dir, open)
	require.NoError(t, MkdirPrivate(dir))
	_, aces := readDACL(t, dir)
	require.Len(t, aces, 3, "MkdirPrivate must not rewrite an existing folder's DACL")
	assert.Equal(t, "S-1-5-32-545", aces[2].sid)
	assert.Error(t, CheckPrivate(dir))
}

// TestMkdirPrivateInherited: a file created in a private folder gets the
// folder's two entries as inherited entries and nothing else.
func TestMkdirPrivateInherited(t *testing.T) {
	dir := filepath.Join(testDir(t), "private")
	require.NoError(t, MkdirPrivate(dir))
	wantProtected, want := parseDACL(t, privateSDDL)
	if protected, aces := readDACL(t, dir); underWine() != "" && (protected != wantProtected || !slices.Equal(aces, want)) {
		skipNoDACLs(t, dir, privateSDDL)
	}
	file := filepath.Join(dir, "job.lock")
	err := os.WriteFile(file, []byte("x"), 0o600)
	if !windows.GetCurrentProcessToken().IsElevated() {
		// Only SYSTEM and elevated Administrators may write there.
		require.ErrorIs(t, err, windows.ERROR_ACCESS_DENIED, "an unelevated process writing into a private folder")
		t.Skip("not elevated: the file cannot be created (as it must not), so its inherited entries are checked elevated only")
	}
	require.NoError(t, err)
	_, aces := readDACL(t, file)
	require.Len(t, aces, 2)
	sids := []string{}
	for _, a := range aces {
		assert.NotZero(t, a.flags&windows.INHERITED_ACE, "entry %+v is inherited", a)
		assert.Equal(t, fileAllAccess, a.mask)
		sids = append(sids, a.sid)
	}
	assert.ElementsMatch(t, []string{"S-1-5-18", "S-1-5-32-544"}, sids)
}

// TestCheckPrivate gives a folder a DACL and checks CheckPrivate's
// verdict and the accounts it names.
func TestCheckPrivate(t *testing.T) {
	const private = "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"
	for _, tc := range []struct {
		name string
		sddl string
		want []string // substrings of the error; nil: passes
	}{
		{"SYSTEM and Administrators only", private, nil},
		{"Users may modify", private + "(A;OICI;0x1301bf;;;BU)", []string{`BUILTIN\Users|S-1-5-32-545`}},
		{"Users may only read and run", private + "(A;OICI;0x1200a9;;;BU)", nil},
		{"Everyone generic write, inherit-only", private + "(A;OICIIO;GW;;;WD)", []string{`Everyone|S-1-1-0`}},
		{"Authenticated Users append only", private + "(A;;0x4;;;AU)", []string{`Authenticated Users|S-1-5-11`}},
		{"Users may change the DACL", private + "(A;;WD;;;BU)", []string{`BUILTIN\Users|S-1-5-32-545`}},
		{"Users may delete children", private + "(A;;0x40;;;BU)", []string{`BUILTIN\Users|S-1-5-32-545`}},
		{"inherit-only entry for files below", private + "(A;OIIO;FA;;;BU)", []string{`BUILTIN\Users|S-1-5-32-545`}},
		{"CREATOR OWNER full control", private + "(A;OICIIO;FA;;;CO)", nil},
		{"TrustedInstaller full control", private + "(A;OICI;FA;;;S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464)", nil},
		{"deny entry for Users", "D:P(D;OICI;FA;;;BU)(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)", nil},
		{"two accounts", private + "(A;;FA;;;BU)(A;;FA;;;WD)", []string{`BUILTIN\Users|S-1-5-32-545`, `Everyone|S-1-1-0`}},
		{"an account nobody can name", private + "(A;;FA;;;S-1-5-21-1111111111-2222222222-3333333333-1234)", []string{`S-1-5-21-1111111111-2222222222-3333333333-1234`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(testDir(t), "state")
			require.NoError(t, os.Mkdir(dir, 0o755))
			keptDACL(t, dir, tc.sddl)
			err := CheckPrivate(dir)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			msg := err.Error()
			assert.Contains(t, msg, dir)
			assert.Contains(t, msg, "icacls")
			for _, alt := range tc.want {
				found := false
				for _, w := range strings.Split(alt, "|") {
					found = found || strings.Contains(msg, w)
				}
				assert.True(t, found, "the error names %s: %s", alt, msg)
			}
		})
	}
}

// TestCheckPrivateEveryoneWrite: a folder Everyone may write to is refused
// and the error names Everyone. This one runs under wine too, where the
// Everyone entry becomes the unix mode o+w and is read back from it.
func TestCheckPrivateEveryoneWrite(t *testing.T) {
	dir := filepath.Join(testDir(t), "shared")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, setDACL(dir, "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;WD)"))
	_, aces := readDACL(t, dir)
	var everyone windows.ACCESS_MASK
	for _, a := range aces {
		if a.sid == "S-1-1-0" && a.typ == windows.ACCESS_ALLOWED_ACE_TYPE {
			everyone |= a.mask
		}
	}
	require.NotZero(t, everyone&windows.FILE_WRITE_DATA, "the DACL read back lets Everyone write: %+v", aces)
	err := CheckPrivate(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), dir+" grants write access to Everyone")
	assert.Contains(t, err.Error(), "icacls")

	// Taking Everyone's write away again makes the folder pass (under wine:
	// the read-only Everyone entry clears o+w; the owner is the running
	// account, which CheckPrivate trusts).
	require.NoError(t, setDACL(dir, "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;WD)"))
	assert.NoError(t, CheckPrivate(dir))
}

// TestCheckPrivateNullDACL: a folder without a DACL lets everyone in.
func TestCheckPrivateNullDACL(t *testing.T) {
	dir := filepath.Join(testDir(t), "open")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, nil, nil))
	sd, err := windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	require.NoError(t, err)
	if dacl, _, err := sd.DACL(); err != nil || dacl != nil {
		skipNoDACLs(t, dir, "a NULL DACL")
	}
	err = CheckPrivate(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "has no DACL")
}

// TestCheckPrivateMissing: a folder that does not exist yet passes (it is
// created private).
func TestCheckPrivateMissing(t *testing.T) {
	assert.NoError(t, CheckPrivate(filepath.Join(testDir(t), "not", "yet")))
}
