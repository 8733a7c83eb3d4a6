package winname

import (
	"regexp"
	"strings"
)

// devices are the names Windows maps to a device in every folder, with or
// without an extension ("NUL.txt" is NUL too). COM and LPT with a digit,
// superscript digits included (COM¹), are devices as well; see Microsoft's
// "Naming Files, Paths, and Namespaces".
var devices = []string{"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}

// Device reports whether part (one path element) names a device. It does not
// allocate: manifests check every entry with it.
func Device(part string) bool {
	base, _, _ := strings.Cut(part, ".")
	base = strings.TrimRight(base, " ")
	for _, d := range devices {
		if strings.EqualFold(base, d) {
			return true
		}
	}
	if len(base) < 4 || !(strings.EqualFold(base[:3], "COM") || strings.EqualFold(base[:3], "LPT")) {
		return false
	}
	switch base[3:] {
	case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
		return true
	}
	return false
}

var shortRE = regexp.MustCompile(`^[^.~]{1,6}~[0-9]{1,6}(\.[^.]{0,3})?$`)

// Short reports whether part has the shape of an 8.3 short name
// (`_VSSMI~1`, `PROGRA~1.TXT`). Such a name may be the short name of a
// different, long name in the same folder.
func Short(part string) bool { return shortRE.MatchString(part) }
