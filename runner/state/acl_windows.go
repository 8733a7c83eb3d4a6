//go:build windows

package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// privateSDDL is the protected DACL of every folder vssmirror creates for
// state, scripts and runs: SYSTEM and Administrators full control,
// inherited by files and subfolders; nothing inherited from the parent
// (P), nothing for Users.
const privateSDDL = "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"

// mkdirPrivate creates one folder with the protected DACL already in
// place: CreateDirectory with a security descriptor, so the folder never
// exists with the entries its parent would pass on (a user who may create
// folders in the parent, as in %ProgramData%, never gets a moment to open
// one). The owner is the token's default owner (Administrators for an
// elevated administrator, SYSTEM for SYSTEM).
func mkdirPrivate(dir string) error {
	sd, err := windows.SecurityDescriptorFromString(privateSDDL)
	if err != nil {
		return fmt.Errorf("building the folder's ACL: %w", err)
	}
	p, err := windows.UTF16PtrFromString(longPath(dir))
	if err != nil {
		return &fs.PathError{Op: "mkdir", Path: dir, Err: err}
	}
	sa := windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(windows.SecurityAttributes{})), SecurityDescriptor: sd}
	if err := windows.CreateDirectory(p, &sa); err != nil {
		// ERROR_ALREADY_EXISTS is fs.ErrExist (syscall.Errno.Is).
		return &fs.PathError{Op: "mkdir", Path: dir, Err: err}
	}
	return nil
}

// longPath gives an absolute path of MAX_PATH or more the \\?\ prefix that
// CreateDirectory needs for it (os.Mkdir does the same).
func longPath(p string) string {
	const maxDir = 248 // MAX_PATH minus room for an 8.3 name
	if len(p) < maxDir || strings.HasPrefix(p, `\\?\`) {
		return p
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	if strings.HasPrefix(abs, `\\`) {
		return `\\?\UNC\` + abs[2:]
	}
	return `\\?\` + abs
}

// fileDeleteChild is FILE_DELETE_CHILD (winnt.h), which x/sys/windows
// does not name.
const fileDeleteChild = 0x40

// writeRights are the rights that let an account plant or change a file
// in a folder, change a file, or change who may.
const writeRights = windows.FILE_WRITE_DATA | windows.FILE_APPEND_DATA | windows.FILE_WRITE_EA |
	windows.FILE_WRITE_ATTRIBUTES | fileDeleteChild | windows.DELETE | windows.WRITE_DAC |
	windows.WRITE_OWNER | windows.GENERIC_WRITE | windows.GENERIC_ALL

// ACE types (winnt.h) that x/sys/windows does not name.
const (
	accessAllowedCompoundACEType       = 0x4
	accessAllowedObjectACEType         = 0x5
	accessDeniedObjectACEType          = 0x6
	accessAllowedCallbackACEType       = 0x9
	accessDeniedCallbackACEType        = 0xA
	accessAllowedCallbackObjectACEType = 0xB
	accessDeniedCallbackObjectACEType  = 0xC
	// 0x2, 0x3, 0x7, 0x8, 0xD-0x10: audit and alarm entries; 0x11-0x15:
	// mandatory label, resource attribute, scoped policy, trust label and
	// access filter. None of them grants access.
	lastKnownACEType = 0x15

	aceObjectTypePresent          = 0x1 // ACE_OBJECT_TYPE_PRESENT
	aceInheritedObjectTypePresent = 0x2 // ACE_INHERITED_OBJECT_TYPE_PRESENT
)

// trustedInstaller is NT SERVICE\TrustedInstaller.
const trustedInstaller = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"

// trust knows the accounts that may own or write what vssmirror runs
// elevated: SYSTEM, Administrators, TrustedInstaller and the account
// running vssmirror (elevated, so it can run anything as SYSTEM anyway).
type trust struct {
	self *windows.SID // nil when the token cannot be read
}

func newTrust() trust {
	if u, err := windows.GetCurrentProcessToken().GetTokenUser(); err == nil {
		return trust{self: u.User.Sid}
	}
	return trust{}
}

// owner reports whether sid may own the path.
func (t trust) owner(sid *windows.SID) bool {
	return sid.IsWellKnown(windows.WinLocalSystemSid) || sid.IsWellKnown(windows.WinBuiltinAdministratorsSid) ||
		sid.String() == trustedInstaller || (t.self != nil && sid.Equals(t.self))
}

// grantee reports whether sid may hold write rights in the path's DACL:
// the accounts that may own it, and CREATOR OWNER.
//
// CREATOR OWNER (S-1-3-0) is safe: it is a placeholder that no token
// carries, so an entry for it grants nothing on the object that holds it
// (Program Files and System32 have one, inherit-only). When a file or
// folder is created below, the entry is inherited as one for the creator,
// and only an account with a write right on the folder can create
// anything there: such an account is named by this check itself. What
// is already below carries its own owner and entries, and every file
// vssmirror judges is checked on its own. CREATOR GROUP is not trusted:
// it becomes the creator's primary group (Domain Users, say), even for a
// file SYSTEM creates.
func (t trust) grantee(sid *windows.SID) bool {
	return t.owner(sid) || sid.IsWellKnown(windows.WinCreatorOwnerSid)
}

// CheckPrivate reports a folder or file that an account other than SYSTEM,
// Administrators, TrustedInstaller or the account running vssmirror can
// change, or change who may: one owned by another account (an owner can
// always rewrite the DACL), one with a NULL DACL, or one whose DACL allows
// another account a write right (in any kind of allowing entry: plain,
// object, callback or conditional). It names the path and the accounts
// and says what to do. A path that does not exist passes: folders are
// created protected, and a missing file is reported by what reads it.
func CheckPrivate(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	dir := err == nil && fi.IsDir()
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err == windows.ERROR_FILE_NOT_FOUND || err == windows.ERROR_PATH_NOT_FOUND {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the owner and ACL of %s: %w", path, err)
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return fmt.Errorf("reading the owner of %s: %w", path, err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("reading the ACL of %s: %w", path, err)
	}
	return judge(path, dir, owner, dacl, newTrust())
}

// judge is CheckPrivate's verdict on a path's owner and DACL (nil: a NULL
// DACL, which lets everyone in).
func judge(path string, dir bool, owner *windows.SID, dacl *windows.ACL, t trust) error {
	kind, inherit := "file", ""
	if dir {
		kind, inherit = "folder", "(OI)(CI)"
	}
	var problems []string
	switch {
	case owner == nil:
		problems = append(problems, fmt.Sprintf("%s has no owner; make Administrators its owner (icacls \"%s\" /setowner Administrators) or use another %s", path, path, kind))
	case !t.owner(owner):
		problems = append(problems, fmt.Sprintf("%s is owned by %s: an owner can always change who may write to it, and anyone who can write there could plant what vssmirror runs elevated; "+
			"make Administrators its owner (icacls \"%s\" /setowner Administrators) or use another %s", path, accountName(owner), path, kind))
	}
	if dacl == nil {
		problems = append(problems, fmt.Sprintf("%s has no DACL: everyone can write to it; give it SYSTEM and Administrators only (icacls \"%s\" /inheritance:r /grant:r SYSTEM:%sF Administrators:%sF) or use another %s",
			path, path, inherit, inherit, kind))
		return errors.New(strings.Join(problems, "; "))
	}
	var others, unreadable []string
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return fmt.Errorf("reading the ACL of %s: %w", path, err)
		}
		sid, grants, err := allowed(ace)
		if err != nil {
			unreadable = append(unreadable, err.Error())
			continue
		}
		if !grants || ace.Mask&writeRights == 0 || t.grantee(sid) {
			continue
		}
		if name := accountName(sid); !slices.Contains(others, name) {
			others = append(others, name)
		}
	}
	if len(others) > 0 {
		problems = append(problems, fmt.Sprintf("%s grants write access to %s: anyone of them could plant what vssmirror runs elevated; "+
			"remove those entries (icacls \"%s\" /inheritance:r /grant:r SYSTEM:%sF Administrators:%sF) or use another %s",
			path, strings.Join(others, ", "), path, inherit, inherit, kind))
	}
	if len(unreadable) > 0 {
		problems = append(problems, fmt.Sprintf("%s has access entries vssmirror cannot judge (%s); give it SYSTEM and Administrators only (icacls \"%s\" /inheritance:r /grant:r SYSTEM:%sF Administrators:%sF) or use another %s",
			path, strings.Join(unreadable, ", "), path, inherit, inherit, kind))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// allowed reads an access entry: the account it grants its mask to, or
// grants false for an entry that grants nothing (deny, audit and the
// other kinds). An allowing kind this code cannot read (the compound
// entry, a type newer than it, an entry too short for its SID) is an
// error: it may grant anything.
func allowed(ace *windows.ACCESS_ALLOWED_ACE) (sid *windows.SID, grants bool, err error) {
	base, size := unsafe.Pointer(ace), uintptr(ace.Header.AceSize)
	var off uintptr
	switch typ := ace.Header.AceType; typ {
	case windows.ACCESS_ALLOWED_ACE_TYPE, accessAllowedCallbackACEType:
		// Header, mask, SID (then a callback entry's condition).
		off = unsafe.Offsetof(ace.SidStart)
	case accessAllowedObjectACEType, accessAllowedCallbackObjectACEType:
		// Header, mask, flags, the GUIDs the flags name, SID.
		off = unsafe.Offsetof(ace.SidStart) + 4
		if size < off {
			return nil, true, fmt.Errorf("a truncated entry of type 0x%X", typ)
		}
		flags := *(*uint32)(unsafe.Add(base, unsafe.Offsetof(ace.SidStart)))
		if flags&aceObjectTypePresent != 0 {
			off += 16
		}
		if flags&aceInheritedObjectTypePresent != 0 {
			off += 16
		}
	case windows.ACCESS_DENIED_ACE_TYPE, accessDeniedObjectACEType, accessDeniedCallbackACEType, accessDeniedCallbackObjectACEType:
		return nil, false, nil
	default:
		if typ != accessAllowedCompoundACEType && typ <= lastKnownACEType {
			return nil, false, nil // audit, alarm, label, attribute, policy, filter
		}
		return nil, true, fmt.Errorf("an entry of type 0x%X", typ)
	}
	// A SID: revision, count, 6-byte authority, count 4-byte sub-authorities.
	if size < off+8 || size < off+8+4*uintptr(*(*uint8)(unsafe.Add(base, off+1))) {
		return nil, true, fmt.Errorf("a truncated entry of type 0x%X", ace.Header.AceType)
	}
	return (*windows.SID)(unsafe.Add(base, off)), true, nil
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
