package robocmd

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Options are the robocopy settings of one job, as the job file's
// `robocopy:` section gives them.
type Options struct {
	Mirror           bool     // /MIR (else /E)
	FFT              bool     // /FFT: 2-second time granularity (Samba/NAS targets)
	Retries          int      // /R:n
	WaitSeconds      int      // /W:n
	Threads          int      // /MT:n, 0 = omit
	Copy             string   // /COPY:flags
	DCopy            string   // /DCOPY:flags
	BackupMode       bool     // /B
	ExcludeJunctions bool     // /XJ
	ExcludeDirs      []string // /XD ...
	ExcludeFiles     []string // /XF ...
	ExtraArgs        []string // further switches, each validated by CheckExtraArg
}

// Args returns robocopy's arguments for copying src to dst with o, in a
// fixed order, unquoted: source, destination, then the switches. /NP is
// always added (progress percentages would fill the log). The log switch is
// not included: the caller appends it, because in a batch file its path
// usually holds a variable that must not be escaped.
func Args(src, dst string, o Options) []string {
	args := []string{src, dst}
	if o.Mirror {
		args = append(args, "/MIR")
	} else {
		args = append(args, "/E")
	}
	if o.FFT {
		args = append(args, "/FFT")
	}
	args = append(args, "/R:"+strconv.Itoa(o.Retries), "/W:"+strconv.Itoa(o.WaitSeconds))
	if o.Threads > 0 {
		args = append(args, "/MT:"+strconv.Itoa(o.Threads))
	}
	if o.Copy != "" {
		args = append(args, "/COPY:"+o.Copy)
	}
	if o.DCopy != "" {
		args = append(args, "/DCOPY:"+o.DCopy)
	}
	if o.BackupMode {
		args = append(args, "/B")
	}
	if o.ExcludeJunctions {
		args = append(args, "/XJ")
	}
	args = append(args, "/NP")
	if len(o.ExcludeDirs) > 0 {
		args = append(args, "/XD")
		args = append(args, o.ExcludeDirs...)
	}
	if len(o.ExcludeFiles) > 0 {
		args = append(args, "/XF")
		args = append(args, o.ExcludeFiles...)
	}
	args = append(args, o.ExtraArgs...)
	return args
}

// switchKind says how a robocopy switch takes its value.
type switchKind int

const (
	flag      switchKind = iota // /XO
	withValue                   // /IPG:n, /XA:SH
)

// extraSwitches are the robocopy switches a job may add through extra_args,
// from Microsoft Learn's robocopy reference. Switches that vssmirror sets
// itself from job fields, that would defeat the backup (/L, /MOV, /MOVE,
// /CREATE) or that change the log layout the report parser reads (/NJH,
// /NJS, /LOG, /UNILOG, /TEE, /UNICODE) are in managedSwitches instead.
var extraSwitches = map[string]switchKind{
	"/S": flag, "/Z": flag, "/ZB": flag, "/J": flag, "/EFSRAW": flag,
	"/SEC": flag, "/COPYALL": flag, "/NOCOPY": flag, "/SECFIX": flag,
	"/TIMFIX": flag, "/NODCOPY": flag, "/NOOFFLOAD": flag, "/COMPRESS": flag,
	"/SJ": flag, "/SL": flag, "/XJD": flag, "/XJF": flag, "/XC": flag,
	"/XN": flag, "/XO": flag, "/XX": flag, "/XL": flag, "/IM": flag,
	"/IS": flag, "/IT": flag, "/A": flag, "/M": flag, "/DST": flag,
	"/256": flag, "/TBD": flag, "/LFSM": flag, "/NDL": flag, "/NFL": flag,
	"/NS": flag, "/NC": flag, "/V": flag, "/TS": flag, "/FP": flag,
	"/BYTES": flag, "/X": flag, "/ETA": flag, "/NOCLONE": flag,
	"/IPG": withValue, "/A+": withValue, "/A-": withValue, "/IA": withValue,
	"/XA": withValue, "/MAX": withValue, "/MIN": withValue, "/MAXAGE": withValue,
	"/MINAGE": withValue, "/MAXLAD": withValue, "/MINLAD": withValue,
	"/LEV": withValue, "/RH": withValue, "/PF": flag,
}

// managedSwitches are set by vssmirror from job fields or must not be used
// in a backup; the value says which job field to use instead, or why not.
var managedSwitches = map[string]string{
	"/MIR": "set robocopy.mirror", "/E": "set robocopy.mirror: false",
	"/PURGE": "set robocopy.mirror", "/FFT": "set robocopy.fft",
	"/R": "set robocopy.retries", "/W": "set robocopy.wait_seconds",
	"/MT": "set robocopy.threads", "/COPY": "set robocopy.copy",
	"/DCOPY": "set robocopy.dcopy", "/B": "set robocopy.backup_mode",
	"/XJ": "set robocopy.exclude_junctions", "/XD": "use sources[].exclude_dirs",
	"/XF": "use sources[].exclude_files", "/NP": "vssmirror always adds it",
	"/LOG": "vssmirror writes a /UNILOG+ log per source", "/LOG+": "vssmirror writes a /UNILOG+ log per source",
	"/UNILOG": "vssmirror writes a /UNILOG+ log per source", "/UNILOG+": "vssmirror writes a /UNILOG+ log per source",
	"/TEE": "the log already holds everything", "/UNICODE": "the /UNILOG log is already UTF-16",
	"/NJH": "the report needs the job header", "/NJS": "the report needs the job summary",
	"/L": "a list-only run copies nothing", "/MOV": "a backup must not move files",
	"/MOVE": "a backup must not move files", "/CREATE": "it creates empty files instead of copying",
	"/JOB": "job files are not supported", "/SAVE": "job files are not supported",
	"/QUIT": "it stops robocopy before copying", "/NOSD": "job files are not supported",
	"/NODD": "job files are not supported", "/IF": "use exclude_files instead",
}

// CheckExtraArg reports whether s is a robocopy switch a job may add through
// extra_args. The error says what is wrong and what to use instead.
func CheckExtraArg(s string) error {
	if !strings.HasPrefix(s, "/") {
		return fmt.Errorf("%q is not a robocopy switch (switches start with '/'); paths and file names belong in sources[]", s)
	}
	name, value, hasValue := strings.Cut(s, ":")
	upper := strings.ToUpper(name)
	if why, ok := managedSwitches[upper]; ok {
		return fmt.Errorf("%s is managed by vssmirror: %s", upper, why)
	}
	kind, ok := extraSwitches[upper]
	if !ok {
		return fmt.Errorf("%q is not a robocopy switch vssmirror knows (known: %s)", s, strings.Join(knownExtraNames(), " "))
	}
	if kind == withValue && (!hasValue || value == "") {
		return fmt.Errorf("%s needs a value, as in %s:<value>", upper, upper)
	}
	if kind == flag && hasValue {
		return fmt.Errorf("%s takes no value", upper)
	}
	if err := checkQuotable(s); err != nil {
		return err
	}
	return nil
}

func knownExtraNames() []string {
	names := make([]string, 0, len(extraSwitches))
	for n := range extraSwitches {
		if !strings.HasSuffix(n, ":") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}
