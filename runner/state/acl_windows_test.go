//go:build windows

package state

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
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

// TestMkdirPrivateDACL: every folder MkdirPrivate creates (the missing
// parent too) has a protected DACL of exactly two entries, SYSTEM and
// Administrators with full control, inherited by files and subfolders;
// nothing from its parent. Each passes CheckPrivate, under wine too.
func TestMkdirPrivateDACL(t *testing.T) {
	parent := filepath.Join(testDir(t), "state")
	dir := filepath.Join(parent, "job")
	require.NoError(t, MkdirPrivate(dir))
	for _, d := range []string{parent, dir} {
		require.NoError(t, CheckPrivate(d), "a folder vssmirror made private passes its own check")
	}
	for _, d := range []string{parent, dir} {
		protected, aces := readDACL(t, d)
		wantProtected, want := parseDACL(t, privateSDDL)
		if underWine() != "" && (protected != wantProtected || !slices.Equal(aces, want)) {
			skipNoDACLs(t, d, privateSDDL)
		}
		assert.True(t, protected, "%s: the DACL must be protected (no entries inherited from the parent)", d)
		oici := byte(windows.OBJECT_INHERIT_ACE | windows.CONTAINER_INHERIT_ACE)
		assert.Equal(t, []ace{
			{windows.ACCESS_ALLOWED_ACE_TYPE, oici, fileAllAccess, "S-1-5-18"},     // NT AUTHORITY\SYSTEM
			{windows.ACCESS_ALLOWED_ACE_TYPE, oici, fileAllAccess, "S-1-5-32-544"}, // BUILTIN\Administrators
		}, aces, d)
	}
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

// The tests below judge owners and access entries that wine cannot store
// (it keeps no DACL and no owner but the unix one): judge is CheckPrivate's
// verdict on an owner and a DACL built in memory, so they run under wine
// as they do on Windows.

// sidOf is a SID from its string form.
func sidOf(t *testing.T, s string) *windows.SID {
	t.Helper()
	sid, err := windows.StringToSid(s)
	require.NoError(t, err)
	return sid
}

// rawACE is an access entry as the system stores it: header, mask, for an
// object entry its flags and the GUIDs they announce (guids: the flags
// written, present: the GUIDs actually there), the SID, then extra (a
// callback entry's condition).
func rawACE(typ, flags byte, mask windows.ACCESS_MASK, sid *windows.SID, object bool, guids uint32, present int, extra []byte) []byte {
	b := []byte{typ, flags, 0, 0}
	b = binary.LittleEndian.AppendUint32(b, uint32(mask))
	if object {
		b = binary.LittleEndian.AppendUint32(b, guids)
		for i := 0; i < present; i++ {
			b = append(b, bytes.Repeat([]byte{byte(0x11 * (i + 1))}, 16)...)
		}
	}
	b = append(b, unsafe.Slice((*byte)(unsafe.Pointer(sid)), sid.Len())...)
	b = append(b, extra...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	binary.LittleEndian.PutUint16(b[2:], uint16(len(b)))
	return b
}

// rawACL is an ACL of the entries (revision 4, which object entries need).
func rawACL(aces ...[]byte) *windows.ACL {
	body := bytes.Join(aces, nil)
	size := 8 + len(body)
	words := make([]uint64, (size+7)/8) // 8-byte aligned, as the system's
	b := unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), size)
	b[0] = 4 // ACL_REVISION_DS
	binary.LittleEndian.PutUint16(b[2:], uint16(size))
	binary.LittleEndian.PutUint16(b[4:], uint16(len(aces)))
	copy(b[8:], body)
	return (*windows.ACL)(unsafe.Pointer(&words[0]))
}

// condition is a callback entry's application data: a conditional
// entry's "artx" mark and a token or two. judge does not read it (any
// condition may hold), so it need not be a valid expression.
var condition = append([]byte("artx"), 0x51, 0, 0, 0, 0, 0x89, 0)

// TestJudgeACETypes: every kind of allowing entry with a write right for
// an account others than the trusted ones is refused (plain, callback,
// object and callback object, with and without their GUIDs); denying,
// audit and read-only entries pass; CREATOR OWNER passes and CREATOR
// GROUP does not; an allowing kind judge cannot read is refused.
func TestJudgeACETypes(t *testing.T) {
	sy, bu := sidOf(t, "S-1-5-18"), sidOf(t, "S-1-5-32-545")
	const modify, read = windows.ACCESS_MASK(0x1301bf), windows.ACCESS_MASK(0x1200a9)
	const oici = windows.OBJECT_INHERIT_ACE | windows.CONTAINER_INHERIT_ACE
	const users = `BUILTIN\Users|S-1-5-32-545`
	for _, tc := range []struct {
		name string
		ace  []byte
		want []string // substrings (| alternatives) of the error; nil: passes
	}{
		{"allowed", rawACE(0x0, oici, modify, bu, false, 0, 0, nil), []string{users}},
		{"allowed, read only", rawACE(0x0, oici, read, bu, false, 0, 0, nil), nil},
		{"allowed, GENERIC_WRITE", rawACE(0x0, oici|windows.INHERIT_ONLY_ACE, windows.GENERIC_WRITE, bu, false, 0, 0, nil), []string{users}},
		{"callback (conditional)", rawACE(0x9, oici, modify, bu, false, 0, 0, condition), []string{users}},
		{"callback, read only", rawACE(0x9, oici, read, bu, false, 0, 0, condition), nil},
		{"object, no GUID", rawACE(0x5, oici, modify, bu, true, 0, 0, nil), []string{users}},
		{"object, object type", rawACE(0x5, oici, modify, bu, true, 0x1, 1, nil), []string{users}},
		{"object, inherited object type", rawACE(0x5, oici, modify, bu, true, 0x2, 1, nil), []string{users}},
		{"object, both GUIDs", rawACE(0x5, oici, windows.WRITE_DAC, bu, true, 0x3, 2, nil), []string{users}},
		{"object, both GUIDs, read only", rawACE(0x5, oici, read, bu, true, 0x3, 2, nil), nil},
		{"callback object", rawACE(0xB, oici, modify, bu, true, 0x1, 1, condition), []string{users}},
		{"callback object, no GUID", rawACE(0xB, oici, windows.FILE_APPEND_DATA, bu, true, 0, 0, condition), []string{users}},
		{"denied", rawACE(0x1, oici, fileAllAccess, bu, false, 0, 0, nil), nil},
		{"denied object", rawACE(0x6, oici, fileAllAccess, bu, true, 0x1, 1, nil), nil},
		{"denied callback", rawACE(0xA, oici, fileAllAccess, bu, false, 0, 0, condition), nil},
		{"denied callback object", rawACE(0xC, oici, fileAllAccess, bu, true, 0, 0, condition), nil},
		{"audit", rawACE(0x2, oici, fileAllAccess, bu, false, 0, 0, nil), nil},
		{"CREATOR OWNER, inherit-only", rawACE(0x0, oici|windows.INHERIT_ONLY_ACE, fileAllAccess, sidOf(t, "S-1-3-0"), false, 0, 0, nil), nil},
		{"CREATOR GROUP", rawACE(0x0, oici|windows.INHERIT_ONLY_ACE, fileAllAccess, sidOf(t, "S-1-3-1"), false, 0, 0, nil), []string{`CREATOR GROUP|S-1-3-1`}},
		{"TrustedInstaller", rawACE(0x0, oici, fileAllAccess, sidOf(t, trustedInstaller), false, 0, 0, nil), nil},
		{"compound", rawACE(0x4, 0, fileAllAccess, bu, false, 0, 0, nil), []string{"cannot judge", "an entry of type 0x4"}},
		{"a type newer than judge", rawACE(0x20, 0, fileAllAccess, bu, false, 0, 0, nil), []string{"cannot judge", "an entry of type 0x20"}},
		{"object entry announcing GUIDs it lacks", rawACE(0x5, 0, fileAllAccess, bu, true, 0x3, 0, nil), []string{"cannot judge", "a truncated entry of type 0x5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dacl := rawACL(rawACE(0x0, oici, fileAllAccess, sy, false, 0, 0, nil), tc.ace)
			path := `C:\ProgramData\vssmirror\state`
			err := judge(path, true, sy, dacl, trust{})
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, path+" "), msg)
			assert.Contains(t, msg, `icacls "`+path+`" /inheritance:r /grant:r SYSTEM:(OI)(CI)F Administrators:(OI)(CI)F`)
			assertNames(t, msg, tc.want)
		})
	}
}

// assertNames checks that msg holds each of want (one of its |
// alternatives: an account's name, or its SID where it has none).
func assertNames(t *testing.T, msg string, want []string) {
	t.Helper()
	for _, alt := range want {
		found := false
		for _, w := range strings.Split(alt, "|") {
			found = found || strings.Contains(msg, w)
		}
		assert.True(t, found, "the error names %s: %s", alt, msg)
	}
}

// TestJudgeOwner: SYSTEM, Administrators, TrustedInstaller and the account
// running vssmirror may own what it runs; any other owner is refused (an
// owner can always rewrite the DACL), named, with the icacls /setowner
// that fixes it; the message for a file has no inheritance flags.
func TestJudgeOwner(t *testing.T) {
	sy := sidOf(t, "S-1-5-18")
	self := newTrust()
	require.NotNil(t, self.self, "the token's user")
	private := rawACL(rawACE(0x0, 0, fileAllAccess, sy, false, 0, 0, nil))
	for _, tc := range []struct {
		name  string
		owner *windows.SID
		want  []string
	}{
		{"SYSTEM", sy, nil},
		{"Administrators", sidOf(t, "S-1-5-32-544"), nil},
		{"TrustedInstaller", sidOf(t, trustedInstaller), nil},
		{"the account running vssmirror", self.self, nil},
		{"Users", sidOf(t, "S-1-5-32-545"), []string{`BUILTIN\Users|S-1-5-32-545`}},
		{"ANONYMOUS LOGON", sidOf(t, "S-1-5-7"), []string{`ANONYMOUS LOGON|S-1-5-7`}},
		{"an account nobody can name", sidOf(t, "S-1-5-21-1111111111-2222222222-3333333333-1234"), []string{"S-1-5-21-1111111111-2222222222-3333333333-1234"}},
		{"CREATOR OWNER", sidOf(t, "S-1-3-0"), []string{`CREATOR OWNER|S-1-3-0`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, dir := range []bool{true, false} {
				path := `C:\vssmirror\job.yaml`
				err := judge(path, dir, tc.owner, private, self)
				if tc.want == nil {
					assert.NoError(t, err)
					continue
				}
				require.Error(t, err)
				msg := err.Error()
				assert.True(t, strings.HasPrefix(msg, path+" is owned by "), msg)
				assert.Contains(t, msg, `icacls "`+path+`" /setowner Administrators`)
				assertNames(t, msg, tc.want)
			}
		})
	}
	t.Run("the account running vssmirror, unknown", func(t *testing.T) {
		assert.Error(t, judge(`C:\x`, true, self.self, private, trust{}))
	})
	t.Run("no owner", func(t *testing.T) {
		err := judge(`C:\x`, true, nil, private, self)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `C:\x has no owner`)
	})
	t.Run("owner and entries both wrong", func(t *testing.T) {
		bu := sidOf(t, "S-1-5-32-545")
		err := judge(`C:\x\job.yaml`, false, bu, rawACL(rawACE(0x0, 0, fileAllAccess, bu, false, 0, 0, nil)), self)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `C:\x\job.yaml is owned by `)
		assert.Contains(t, err.Error(), `C:\x\job.yaml grants write access to `)
		assert.Contains(t, err.Error(), `/grant:r SYSTEM:F Administrators:F`, "a file's fix has no inheritance flags")
	})
	t.Run("NULL DACL", func(t *testing.T) {
		err := judge(`C:\x`, true, sy, nil, self)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `C:\x has no DACL`)
	})
}

// TestCheckPrivateOwner gives a folder and a file to another account and
// checks that CheckPrivate reads the owner and refuses them. On Windows
// the owner is set to BUILTIN\Users (SeRestorePrivilege: elevated only).
// Wine keeps no owner but the unix one (SetNamedSecurityInfo's owner is
// dropped) and reads a path a unix account other than its own owns as
// owned by ANONYMOUS LOGON: there the test chowns with the unix chown.
func TestCheckPrivateOwner(t *testing.T) {
	dir := filepath.Join(testDir(t), "owned")
	require.NoError(t, os.Mkdir(dir, 0o755))
	file := filepath.Join(dir, "job.yaml")
	require.NoError(t, os.WriteFile(file, []byte("version: 1\n"), 0o644))
	for _, p := range []string{dir, file} {
		require.NoError(t, CheckPrivate(p), "owned by the account running the test")
	}
	for _, p := range []string{file, dir} {
		want := giveAway(t, p)
		err := CheckPrivate(p)
		require.Error(t, err, "%s is owned by %s", p, want)
		assert.Contains(t, err.Error(), p+" is owned by ")
		assert.Contains(t, err.Error(), `/setowner Administrators`)
		assertNames(t, err.Error(), []string{want})
	}
}

// giveAway makes another account the owner of path and returns how the
// error names it.
func giveAway(t *testing.T, path string) string {
	t.Helper()
	if underWine() != "" {
		unixChown(t, path, 65534)
		return `ANONYMOUS LOGON|S-1-5-7`
	}
	enablePrivilege(t, "SeRestorePrivilege")
	users := sidOf(t, "S-1-5-32-545")
	if err := windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION, users, nil, nil, nil); err != nil {
		if !windows.GetCurrentProcessToken().IsElevated() {
			t.Skipf("not elevated: making BUILTIN\\Users the owner of %s needs SeRestorePrivilege (%v)", path, err)
		}
		require.NoError(t, err)
	}
	return `BUILTIN\Users|S-1-5-32-545`
}

// enablePrivilege enables a privilege the token holds (an elevated
// administrator's SeRestorePrivilege is held but disabled).
func enablePrivilege(t *testing.T, name string) {
	t.Helper()
	var token windows.Token
	require.NoError(t, windows.OpenProcessToken(windows.CurrentProcess(), windows.TOKEN_ADJUST_PRIVILEGES|windows.TOKEN_QUERY, &token))
	defer token.Close()
	var luid windows.LUID
	require.NoError(t, windows.LookupPrivilegeValue(nil, windows.StringToUTF16Ptr(name), &luid))
	tp := windows.Tokenprivileges{PrivilegeCount: 1, Privileges: [1]windows.LUIDAndAttributes{{Luid: luid, Attributes: windows.SE_PRIVILEGE_ENABLED}}}
	windows.AdjustTokenPrivileges(token, false, &tp, 0, nil, nil) // not held: SetNamedSecurityInfo says so
}

// owner reads path's owner back from the system.
func owner(t *testing.T, path string) string {
	t.Helper()
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION)
	require.NoError(t, err)
	o, _, err := sd.Owner()
	require.NoError(t, err)
	return o.String()
}

// unixChown gives path to another unix account under wine, with the unix
// chown: wine starts a unix program as it would a Windows one, but
// returns no handle to wait on, so the owner is polled until wine reads
// it as ANONYMOUS LOGON's (its name for any unix account but its own).
// Without root, chown fails and the test skips.
func unixChown(t *testing.T, path string, uid int) {
	t.Helper()
	get := windows.NewLazySystemDLL("kernel32.dll").NewProc("wine_get_unix_file_name")
	require.NoError(t, get.Find())
	p, _, _ := get.Call(uintptr(unsafe.Pointer(windows.StringToUTF16Ptr(path))))
	require.NotZero(t, p, "the unix path of %s", path)
	unixPath := windows.BytePtrToString(*(**byte)(unsafe.Pointer(&p))) // wine's heap; left to the process's end
	chown := ""
	for _, c := range []string{`Z:\usr\bin\chown`, `Z:\bin\chown`} {
		if _, err := os.Stat(c); err == nil {
			chown = c
			break
		}
	}
	if chown == "" {
		t.Skip("no unix chown to give a path to another account under wine")
	}
	cmdline, err := windows.UTF16PtrFromString(windows.ComposeCommandLine([]string{chown, fmt.Sprint(uid), unixPath}))
	require.NoError(t, err)
	si := windows.StartupInfo{Cb: uint32(unsafe.Sizeof(windows.StartupInfo{}))}
	var pi windows.ProcessInformation
	require.NoError(t, windows.CreateProcess(windows.StringToUTF16Ptr(chown), cmdline, nil, nil, false, 0, nil, nil, &si, &pi), "starting %s", chown)
	for start := time.Now(); owner(t, path) != "S-1-5-7"; time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Skipf("%s %d %s did not give the path away (owner %s): it needs root", chown, uid, unixPath, owner(t, path))
		}
	}
}

// TestCheckPrivateFile: a file Everyone may write is refused, with a fix
// for a file (no inheritance flags). Wine round-trips Everyone's entry
// through the unix mode, so this runs there too.
func TestCheckPrivateFile(t *testing.T) {
	file := filepath.Join(testDir(t), "job.yaml")
	require.NoError(t, os.WriteFile(file, []byte("version: 1\n"), 0o644))
	require.NoError(t, setDACL(file, "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;WD)"))
	_, aces := readDACL(t, file)
	var everyone windows.ACCESS_MASK
	for _, a := range aces {
		if a.sid == "S-1-1-0" && a.typ == windows.ACCESS_ALLOWED_ACE_TYPE {
			everyone |= a.mask
		}
	}
	require.NotZero(t, everyone&windows.FILE_WRITE_DATA, "the DACL read back lets Everyone write: %+v", aces)
	err := CheckPrivate(file)
	require.Error(t, err)
	assert.Contains(t, err.Error(), file+" grants write access to Everyone")
	assert.Contains(t, err.Error(), `icacls "`+file+`" /inheritance:r /grant:r SYSTEM:F Administrators:F`)
	assert.Contains(t, err.Error(), "use another file")

	require.NoError(t, setDACL(file, "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1200a9;;;WD)"))
	assert.NoError(t, CheckPrivate(file))
}

// TestMkdirPrivateRace: a folder that appears between MkdirPrivate's look
// and its creation is judged, not trusted (as if a user had created it
// first, open to Everyone); nothing is created in it.
func TestMkdirPrivateRace(t *testing.T) {
	open := filepath.Join(testDir(t), "open")
	require.NoError(t, os.Mkdir(open, 0o755))
	require.NoError(t, setDACL(open, "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;WD)"))
	below := filepath.Join(open, "state")
	err := mkdirEach([]string{below, open})
	require.Error(t, err)
	assert.Contains(t, err.Error(), open+" grants write access to Everyone")
	assert.NoDirExists(t, below)
}

// TestMkdirPrivateLongPath: folders past MAX_PATH are created too (with
// the \\?\ prefix CreateDirectory needs for them), each private.
func TestMkdirPrivateLongPath(t *testing.T) {
	dir := testDir(t)
	var levels []string
	for len(dir) < 300 {
		dir = filepath.Join(dir, strings.Repeat("x", 60))
		levels = append(levels, dir)
	}
	require.NoError(t, MkdirPrivate(dir))
	for _, d := range levels {
		assert.DirExists(t, d)
		assert.NoError(t, CheckPrivate(d))
	}
}
