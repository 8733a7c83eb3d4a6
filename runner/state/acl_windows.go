//go:build windows

package state

import (
	"fmt"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// privateSDDL is the protected DACL of every folder vssmirror creates for
// state, scripts and runs: SYSTEM and Administrators full control,
// inherited by files and subfolders; nothing inherited from the parent
// (P), nothing for Users.
const privateSDDL = "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"

// protect gives dir the protected DACL.
func protect(dir string) error {
	sd, err := windows.SecurityDescriptorFromString(privateSDDL)
	if err != nil {
		return fmt.Errorf("building the folder's ACL: %w", err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("building the folder's ACL: %w", err)
	}
	if err := windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil); err != nil {
		return fmt.Errorf("protecting %s (SYSTEM and Administrators only): %w", dir, err)
	}
	return nil
}

// fileDeleteChild is FILE_DELETE_CHILD (winnt.h), which x/sys/windows
// does not name.
const fileDeleteChild = 0x40

// writeRights are the rights that let an account plant or change a file
// in a folder, or change who may.
const writeRights = windows.FILE_WRITE_DATA | windows.FILE_APPEND_DATA | windows.FILE_WRITE_EA |
	windows.FILE_WRITE_ATTRIBUTES | fileDeleteChild | windows.DELETE | windows.WRITE_DAC |
	windows.WRITE_OWNER | windows.GENERIC_WRITE | windows.GENERIC_ALL

// trusted are the accounts that may write where vssmirror keeps what runs
// elevated: they can run anything as SYSTEM anyway.
var trusted = []windows.WELL_KNOWN_SID_TYPE{windows.WinLocalSystemSid, windows.WinBuiltinAdministratorsSid, windows.WinCreatorOwnerSid}

// CheckPrivate reports an existing folder whose DACL lets an account other
// than SYSTEM, Administrators, TrustedInstaller or the account running
// vssmirror write to it, naming the folder and the accounts. A folder that does not exist yet passes: it is
// created protected.
func CheckPrivate(dir string) error {
	sd, err := windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err == windows.ERROR_FILE_NOT_FOUND || err == windows.ERROR_PATH_NOT_FOUND {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the ACL of %s: %w", dir, err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("reading the ACL of %s: %w", dir, err)
	}
	if dacl == nil {
		return fmt.Errorf("%s has no DACL: everyone can write to it; remove the folder or give it SYSTEM and Administrators only", dir)
	}
	var others []string
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return fmt.Errorf("reading the ACL of %s: %w", dir, err)
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || ace.Mask&writeRights == 0 {
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if isTrusted(sid) {
			continue
		}
		others = append(others, accountName(sid))
	}
	if len(others) > 0 {
		return fmt.Errorf("%s grants write access to %s: anyone of them could plant what vssmirror runs elevated; "+
			"remove those entries (icacls %q /inheritance:r /grant:r SYSTEM:(OI)(CI)F Administrators:(OI)(CI)F) or use another folder",
			dir, strings.Join(others, ", "), dir)
	}
	return nil
}

func isTrusted(sid *windows.SID) bool {
	for _, t := range trusted {
		if sid.IsWellKnown(t) {
			return true
		}
	}
	// The account running vssmirror (elevated) is trusted by definition.
	if u, err := windows.GetCurrentProcessToken().GetTokenUser(); err == nil && sid.Equals(u.User.Sid) {
		return true
	}
	// NT SERVICE\TrustedInstaller
	return sid.String() == "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"
}

func accountName(sid *windows.SID) string {
	if acc, dom, _, err := sid.LookupAccount(""); err == nil {
		if dom != "" {
			return dom + `\` + acc
		}
		return acc
	}
	return sid.String()
}
