package output

import (
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/vssmirror/vssmirror/internal/vssid"
)

// ShadowCopy is one shadow copy diskshadow reported creating.
type ShadowCopy struct {
	ID         string   `json:"id"`
	SetID      string   `json:"set_id"`
	Alias      string   `json:"alias"`
	Volume     string   `json:"volume"`      // e.g. C:\ (from "[C:\]")
	VolumeName string   `json:"volume_name"` // \\?\Volume{...}\
	Device     string   `json:"device"`
	Attributes []string `json:"attributes"`
	ExposedAs  string   `json:"exposed_as"` // e.g. S:, empty when not exposed
}

// WriterStatus is a writer diskshadow reported including or excluding.
type WriterStatus struct {
	Name       string   `json:"name"`
	Included   bool     `json:"included"`
	Reason     string   `json:"reason,omitempty"` // why it was excluded
	Components []string `json:"components,omitempty"`
}

// Failure kinds of a diskshadow run.
const (
	FailVSS      = "vss"      // "The last operation failed." with an HRESULT
	FailCOM      = "com"      // COM call "..." failed.
	FailExec     = "exec"     // the exec'd script returned a failure exit code
	FailMetadata = "metadata" // the metadata path is read-only
	FailUsage    = "usage"    // diskshadow printed a command's usage: a bad line
	FailWriter   = "writer"   // a writer component excluded for a missing volume
)

// Failure is one failure marker found in diskshadow's output.
type Failure struct {
	Kind    string `json:"kind"`
	Code    string `json:"code,omitempty"` // HRESULT as 8 hex digits, or the exec exit code
	Name    string `json:"name,omitempty"` // e.g. VSS_E_PROVIDER_VETO
	Message string `json:"message"`
	Line    int    `json:"line"` // line of diskshadow's output
	Command string `json:"command,omitempty"`
}

// Output is what a diskshadow run printed, read by Parse.
type Output struct {
	Shadows          []ShadowCopy   `json:"shadows"`
	SetID            string         `json:"set_id"`
	Writers          []WriterStatus `json:"writers"`
	Failures         []Failure      `json:"failures"`
	Notes            []string       `json:"notes"`
	Commands         int            `json:"commands"` // script lines diskshadow echoed
	LastCommand      string         `json:"last_command"`
	ExecExitCode     *int           `json:"exec_exit_code,omitempty"`
	Deleted          []string       `json:"deleted"` // shadow IDs diskshadow said it deleted
	DeletedCount     *int           `json:"deleted_count,omitempty"`
	EndBackupMissing bool           `json:"end_backup_missing"` // "END BACKUP was not commanded"
	Banner           bool           `json:"banner"`             // the "Microsoft DiskShadow" banner was seen
	// ListRan says a `list shadows` command was echoed; Listed holds every
	// GUID printed after it (shadow, set, provider and volume IDs alike).
	// A shadow ID absent from Listed after ListRan no longer exists; this
	// reads only the echo and GUIDs, never diskshadow's (localized) words.
	ListRan bool     `json:"list_ran,omitempty"`
	Listed  []string `json:"listed,omitempty"`
}

var (
	guidPat       = vssid.Pattern
	aliasRE       = regexp.MustCompile(`^Alias (\S+) for shadow ID (` + guidPat + `) set as environment variable\.`)
	setAliasRE    = regexp.MustCompile(`^Alias VSS_SHADOW_SET for shadow set ID (` + guidPat + `) set as environment variable\.`)
	recordRE      = regexp.MustCompile(`^\* Shadow copy ID = (` + guidPat + `)\s*(?:%([^%]+)%)?`)
	volumeRE      = regexp.MustCompile(`^- Original volume name: (\S+)(?:\s+\[([^\]]*)\])?`)
	exposedRE     = regexp.MustCompile(`^The shadow copy was successfully exposed as (.+?)\.?$`)
	expandRE      = regexp.MustCompile(`^-> %([^%]+)% = (` + guidPat + `)`)
	deletingRE    = regexp.MustCompile(`^Deleting shadow copy (` + guidPat + `)`)
	deletedRE     = regexp.MustCompile(`^Number of shadow copies deleted: (\d+)`)
	comRE         = regexp.MustCompile(`^COM call "(.*)" failed\.`)
	execCodeRE    = regexp.MustCompile(`^The command script returned failure exit code (-?\d+)\.`)
	hresultRE     = regexp.MustCompile(`^- Returned HRESULT: ([0-9a-fA-F]{8})`)
	errTextRE     = regexp.MustCompile(`^- Error text: (.*)$`)
	includingRE   = regexp.MustCompile(`^\* Including writer "(.*)":`)
	excludingRE   = regexp.MustCompile(`^Excluding writer "(.*)", because (.*?)\.?$`)
	componentRE   = regexp.MustCompile(`^\+ Adding component: (.*)$`)
	compExclRE    = regexp.MustCompile(`^Component "?(.*?)"? from writer "(.*)" is excluded from backup, because (.*?)\.?$`)
	usageLineRE   = regexp.MustCompile(`^[A-Z]+( [A-Z]+)? (\{|\[|<)`)
	listShadowsRE = regexp.MustCompile(`(?i)^list\s+shadows\b`)
	exposeCmdRE   = regexp.MustCompile(`(?i)^expose\s+(\S+)\s+(\S+)`)
	harmlessCOMs  = []string{"GetRootAndLogicalPrefixPaths"}
)

// Reader reads diskshadow's output one line at a time, as it is
// printed, so that a caller can act on each shadow as soon as it appears.
type Reader struct {
	out        *Output
	n          int
	cur        *ShadowCopy // record being read
	writer     int         // index in Writers of the writer being listed, -1 if none
	lastVSS    int         // index in Failures of the last VSS failure, -1 if none
	inList     bool        // the current command is a list shadows
	exposeRef  string      // %alias% or {ID} of the last expose command
	exposeGUID string
}

// NewReader returns a reader with an empty Output.
func NewReader() *Reader {
	return &Reader{lastVSS: -1, writer: -1, out: &Output{Shadows: []ShadowCopy{}, Writers: []WriterStatus{}, Failures: []Failure{}, Notes: []string{}, Deleted: []string{}}}
}

// Output returns what has been read so far.
func (p *Reader) Output() *Output { return p.out }

// Parse reads diskshadow's console output or /l log, streaming, and
// returns the shadows it created and exposed, the writers it included and
// excluded, and every failure marker. It never fails on odd input; only a
// read error is returned.
func Parse(r io.Reader) (*Output, error) {
	p := NewReader()
	err := ReadLines(r, p.Line)
	return p.out, err
}

func (p *Reader) byID(id string) *ShadowCopy {
	for i := range p.out.Shadows {
		if strings.EqualFold(p.out.Shadows[i].ID, id) {
			return &p.out.Shadows[i]
		}
	}
	p.out.Shadows = append(p.out.Shadows, ShadowCopy{ID: id, Attributes: []string{}})
	p.cur = nil // pointers into Shadows may have moved
	return &p.out.Shadows[len(p.out.Shadows)-1]
}

func (p *Reader) byAlias(alias string) *ShadowCopy {
	for i := range p.out.Shadows {
		if strings.EqualFold(p.out.Shadows[i].Alias, alias) {
			return &p.out.Shadows[i]
		}
	}
	return nil
}

// Line reads one line of output.
func (p *Reader) Line(text string) {
	p.n++
	raw := strings.TrimRight(text, "\r")
	line := strings.TrimSpace(raw)
	if strings.HasPrefix(line, "DISKSHADOW>") { // interactive prompt
		line = strings.TrimSpace(strings.TrimPrefix(line, "DISKSHADOW>"))
		if line != "" {
			line = "-> " + line
		}
	}
	if p.inList && !strings.HasPrefix(line, "->") {
		p.out.Listed = append(p.out.Listed, vssid.Find.FindAllString(line, -1)...)
	}
	switch {
	case line == "":
		return
	case strings.HasPrefix(line, "Microsoft DiskShadow version"):
		p.out.Banner = true
	case expandRE.MatchString(line):
		m := expandRE.FindStringSubmatch(line)
		if p.exposeRef != "" && strings.EqualFold("%"+m[1]+"%", p.exposeRef) {
			p.exposeGUID = m[2]
		}
	case line == "->" || strings.HasPrefix(line, "-> "):
		cmd := strings.TrimSpace(strings.TrimPrefix(line, "->"))
		if cmd == "" {
			return
		}
		p.out.Commands++
		p.out.LastCommand = cmd
		p.writer, p.cur = -1, nil
		p.inList = listShadowsRE.MatchString(cmd)
		if p.inList {
			p.out.ListRan = true
		}
		if m := exposeCmdRE.FindStringSubmatch(cmd); m != nil {
			p.exposeRef, p.exposeGUID = m[1], ""
			if strings.HasPrefix(m[1], "{") {
				p.exposeGUID = m[1]
			}
		}
	case setAliasRE.MatchString(line):
		p.out.SetID = setAliasRE.FindStringSubmatch(line)[1]
	case aliasRE.MatchString(line):
		m := aliasRE.FindStringSubmatch(line)
		s := p.byID(m[2])
		s.Alias = m[1]
	case recordRE.MatchString(line):
		m := recordRE.FindStringSubmatch(line)
		p.cur = p.byID(m[1])
		if m[2] != "" && p.cur.Alias == "" && !strings.EqualFold(m[2], "VSS_SHADOW_SET") {
			p.cur.Alias = m[2]
		}
	case p.cur != nil && strings.HasPrefix(line, "- Shadow copy set:"):
		if f := strings.Fields(strings.TrimPrefix(line, "- Shadow copy set:")); len(f) > 0 {
			p.cur.SetID = f[0]
		}
	case p.cur != nil && volumeRE.MatchString(line):
		m := volumeRE.FindStringSubmatch(line)
		p.cur.VolumeName, p.cur.Volume = m[1], m[2]
	case p.cur != nil && strings.HasPrefix(line, "- Shadow copy device name:"):
		p.cur.Device = strings.TrimSpace(strings.TrimPrefix(line, "- Shadow copy device name:"))
	case p.cur != nil && strings.HasPrefix(line, "- Attributes:"):
		p.cur.Attributes = strings.Fields(strings.TrimPrefix(line, "- Attributes:"))
	case exposedRE.MatchString(line):
		letter := strings.TrimSuffix(exposedRE.FindStringSubmatch(line)[1], `\`)
		var s *ShadowCopy
		switch {
		case p.exposeGUID != "":
			s = p.byID(p.exposeGUID)
		case strings.HasPrefix(p.exposeRef, "%"):
			s = p.byAlias(strings.Trim(p.exposeRef, "%"))
		}
		if s != nil {
			s.ExposedAs = strings.ToUpper(letter)
		}
	case deletingRE.MatchString(line):
		p.out.Deleted = append(p.out.Deleted, deletingRE.FindStringSubmatch(line)[1])
	case deletedRE.MatchString(line):
		v, _ := strconv.Atoi(deletedRE.FindStringSubmatch(line)[1])
		p.out.DeletedCount = &v
	case line == "The last operation failed.":
		p.out.Failures = append(p.out.Failures, Failure{Kind: FailVSS, Message: line, Line: p.n, Command: p.out.LastCommand})
		p.lastVSS = len(p.out.Failures) - 1
	case p.lastVSS >= 0 && hresultRE.MatchString(line):
		code := strings.ToUpper(hresultRE.FindStringSubmatch(line)[1])
		v, _ := strconv.ParseUint(code, 16, 32)
		p.out.Failures[p.lastVSS].Code, p.out.Failures[p.lastVSS].Name = code, HRESULT(v).Name()
	case p.lastVSS >= 0 && errTextRE.MatchString(line):
		f := &p.out.Failures[p.lastVSS]
		f.Message = errTextRE.FindStringSubmatch(line)[1]
		if f.Name == "" || strings.HasPrefix(f.Name, "0x") {
			f.Name = f.Message
		}
	case comRE.MatchString(line):
		expr := comRE.FindStringSubmatch(line)[1]
		if harmlessCOM(expr) {
			p.out.Notes = append(p.out.Notes, "harmless: "+line+" (KB 3025158: creation returns)")
			return
		}
		p.out.Failures = append(p.out.Failures, Failure{Kind: FailCOM, Message: line, Line: p.n, Command: p.out.LastCommand})
	case execCodeRE.MatchString(line):
		v, _ := strconv.Atoi(execCodeRE.FindStringSubmatch(line)[1])
		p.out.ExecExitCode = &v
		p.out.Failures = append(p.out.Failures, Failure{Kind: FailExec, Code: strconv.Itoa(v), Message: line, Line: p.n, Command: p.out.LastCommand})
	case line == "The command script failed.":
		if p.out.ExecExitCode == nil {
			p.out.Failures = append(p.out.Failures, Failure{Kind: FailExec, Message: line, Line: p.n, Command: p.out.LastCommand})
		}
	case strings.HasPrefix(line, "The metadata file name path specifies a directory that is read-only"):
		p.out.Failures = append(p.out.Failures, Failure{Kind: FailMetadata, Message: line, Line: p.n, Command: p.out.LastCommand})
	case strings.HasPrefix(line, "Note: END BACKUP was not commanded"):
		p.out.EndBackupMissing = true
		p.out.Notes = append(p.out.Notes, line)
	case includingRE.MatchString(line):
		p.out.Writers = append(p.out.Writers, WriterStatus{Name: includingRE.FindStringSubmatch(line)[1], Included: true})
		p.writer = len(p.out.Writers) - 1
	case p.writer >= 0 && componentRE.MatchString(line):
		w := &p.out.Writers[p.writer]
		w.Components = append(w.Components, componentRE.FindStringSubmatch(line)[1])
	case excludingRE.MatchString(line):
		m := excludingRE.FindStringSubmatch(line)
		p.out.Writers = append(p.out.Writers, WriterStatus{Name: m[1], Reason: m[2]})
		p.writer = -1
	case compExclRE.MatchString(line):
		m := compExclRE.FindStringSubmatch(line)
		p.out.Writers = append(p.out.Writers, WriterStatus{Name: m[2], Reason: "component " + m[1] + ": " + m[3]})
		p.out.Failures = append(p.out.Failures, Failure{Kind: FailWriter, Message: line, Line: p.n, Command: p.out.LastCommand})
	case usageLineRE.MatchString(line) && strings.ToUpper(line) == line && !strings.HasPrefix(raw, " "):
		p.out.Failures = append(p.out.Failures, Failure{Kind: FailUsage, Message: "diskshadow did not understand the command and printed its usage: " + line, Line: p.n, Command: p.out.LastCommand})
	}
}

func harmlessCOM(expr string) bool {
	for _, h := range harmlessCOMs {
		if strings.Contains(expr, h) {
			return true
		}
	}
	return false
}
