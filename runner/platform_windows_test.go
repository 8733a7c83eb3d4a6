//go:build windows

package runner

import (
	"os"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// These tests run on Windows and under wine (e2e/winunit_test.go). Each
// compares what platform_windows.go reports with a second, independent
// source. Wine answers as a Windows 7 SP1 workstation with an elevated
// administrator token; e2e/winunit_test.go maps a drive letter from the
// Linux side and names it in VSSMIRROR_WINUNIT_USED_LETTER, and a letter it
// made sure is unmapped in VSSMIRROR_WINUNIT_FREE_LETTER.

func TestDefaultDiskshadow(t *testing.T) {
	t.Setenv("SystemRoot", `D:\WinRoot`)
	assert.Equal(t, `D:\WinRoot\System32\diskshadow.exe`, defaultDiskshadow())
	t.Setenv("SystemRoot", "")
	assert.Equal(t, `C:\Windows\System32\diskshadow.exe`, defaultDiskshadow())
}

func TestDefaultStateDir(t *testing.T) {
	t.Setenv("ProgramData", `D:\PD`)
	assert.Equal(t, `D:\PD\vssmirror\state`, DefaultStateDir())
	t.Setenv("ProgramData", "")
	assert.Equal(t, `C:\ProgramData\vssmirror\state`, DefaultStateDir())
}

// TestIsServer: the product type agrees with the registry's
// ProductOptions\ProductType (WinNT: workstation; ServerNT, LanmanNT:
// server, domain controller).
func TestIsServer(t *testing.T) {
	srv, err := isServer()
	require.NoError(t, err)
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SYSTEM\CurrentControlSet\Control\ProductOptions`, registry.QUERY_VALUE)
	require.NoError(t, err)
	defer k.Close()
	pt, _, err := k.GetStringValue("ProductType")
	require.NoError(t, err)
	assert.Equal(t, !strings.EqualFold(pt, "WinNT"), srv, "ProductType %q", pt)
	t.Logf("ProductType %s: server %v", pt, srv)
}

// TestIsElevated: an elevated token has its Administrators (or Backup
// Operators) group enabled; an unelevated one has no enabled
// Administrators group.
func TestIsElevated(t *testing.T) {
	el, err := isElevated()
	require.NoError(t, err)
	member := func(s windows.WELL_KNOWN_SID_TYPE) bool {
		sid, err := windows.CreateWellKnownSid(s)
		require.NoError(t, err)
		ok, err := windows.Token(0).IsMember(sid) // 0: the thread's (or process's) token
		require.NoError(t, err)
		return ok
	}
	admin, backup := member(windows.WinBuiltinAdministratorsSid), member(windows.WinBuiltinBackupOperatorsSid)
	if el {
		assert.True(t, admin || backup, "elevated without an enabled Administrators or Backup Operators group")
	} else {
		assert.False(t, admin, "an enabled Administrators group without elevation")
	}
	t.Logf("elevated %v, Administrators %v, Backup Operators %v", el, admin, backup)
}

// TestUsedLetters: the letters in use are those GetDriveType knows a root
// for; the system drive is one of them.
func TestUsedLetters(t *testing.T) {
	used, err := usedLetters()
	require.NoError(t, err)
	for c := 'A'; c <= 'Z'; c++ {
		l := string(c)
		root, err := windows.UTF16PtrFromString(l + `:\`)
		require.NoError(t, err)
		hasRoot := windows.GetDriveType(root) != windows.DRIVE_NO_ROOT_DIR
		assert.Equal(t, hasRoot, used[l], "letter %s: GetDriveType says a root exists: %v", l, hasRoot)
	}
	sys := strings.ToUpper(strings.TrimSuffix(os.Getenv("SystemDrive"), ":"))
	if sys == "" {
		sys = "C"
	}
	assert.True(t, used[sys], "the system drive %s: is in use", sys)
	if l := os.Getenv("VSSMIRROR_WINUNIT_USED_LETTER"); l != "" {
		assert.True(t, used[strings.ToUpper(l)], "%s: was mapped before the test", l)
	}
	if l := os.Getenv("VSSMIRROR_WINUNIT_FREE_LETTER"); l != "" {
		assert.False(t, used[strings.ToUpper(l)], "%s: was made sure unmapped before the test", l)
	}
}

// TestTreeJobObject: the job newTree creates kills its processes when its
// last handle closes, and the started process is in it.
func TestTreeJobObject(t *testing.T) {
	cmd := helperCmd(t.Context(), "sleeper", nil)
	tree := newTree(cmd)
	require.NotZero(t, tree.job, "CreateJobObject failed")
	require.NoError(t, cmd.Start())
	defer func() {
		tree.close()
		cmd.Wait()
	}()
	require.NoError(t, tree.started())

	h, err := windows.OpenProcess(windows.PROCESS_QUERY_INFORMATION, false, uint32(cmd.Process.Pid))
	require.NoError(t, err)
	defer windows.CloseHandle(h)
	var in int32
	r, _, err := procIsProcessInJob.Call(uintptr(h), uintptr(tree.job), uintptr(unsafe.Pointer(&in)))
	require.NotZero(t, r, "IsProcessInJob: %v", err)
	assert.NotZero(t, in, "the started process is in the job")

	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	require.NoError(t, windows.QueryInformationJobObject(tree.job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)), nil))
	if info.BasicLimitInformation.LimitFlags == 0 && underWine() != "" {
		t.Skipf("%s: QueryInformationJobObject reports no limit flags (a stub that zeroes them), yet KILL_ON_JOB_CLOSE works there: "+
			"TestKilledParentTakesChildDown shows it", underWine())
	}
	assert.NotZero(t, info.BasicLimitInformation.LimitFlags&windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, "KILL_ON_JOB_CLOSE")
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

var procIsProcessInJob = windows.NewLazySystemDLL("kernel32.dll").NewProc("IsProcessInJob")
