package output

import (
	"io"
	"regexp"
	"slices"
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

// ExcludedComponent is one component of a writer that diskshadow left out
// of the backup because a volume it needs is not in the shadow copy set
// (the writer itself may still be included with its other components).
type ExcludedComponent struct {
	Writer    string `json:"writer"`    // the writer's name as diskshadow prints it, e.g. SqlServerWriter
	Component string `json:"component"` // e.g. \HOST\master
	Volume    string `json:"volume"`    // the volume it requires, e.g. C:\; empty when not printed
	Line      int    `json:"line"`      // line of diskshadow's output
}

// Failure kinds of a diskshadow run.
const (
	FailVSS      = "vss"      // "The last operation failed." with an HRESULT
	FailCOM      = "com"      // COM call "..." failed.
	FailExec     = "exec"     // the exec'd script returned a failure exit code
	FailMetadata = "metadata" // the metadata path is read-only
	FailUsage    = "usage"    // diskshadow printed a command's usage: a bad line
	FailWriter   = "writer"   // a verified writer's component excluded for a missing volume (set by the runner)
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
	Shadows  []ShadowCopy   `json:"shadows"`
	SetID    string         `json:"set_id"`
	Writers  []WriterStatus `json:"writers"`
	Failures []Failure      `json:"failures"`
	// Excluded lists the writer components diskshadow excluded because
	// a volume they need is not in the set. Whether that matters depends
	// on the job (a verified writer's component does); the reader never
	// turns it into a Failure.
	Excluded         []ExcludedComponent `json:"excluded,omitempty"`
	Notes            []string            `json:"notes"`
	Commands         int                 `json:"commands"` // script lines diskshadow echoed
	LastCommand      string              `json:"last_command"`
	ExecExitCode     *int                `json:"exec_exit_code,omitempty"`
	Deleted          []string            `json:"deleted"` // shadow IDs diskshadow said it deleted
	DeletedCount     *int                `json:"deleted_count,omitempty"`
	EndBackupMissing bool                `json:"end_backup_missing"` // "END BACKUP was not commanded"
	Banner           bool                `json:"banner"`             // the "Microsoft DiskShadow" banner was seen
	// ListRan says a `list shadows` command was echoed; Listed holds every
	// GUID printed after it (shadow, set, provider and volume IDs alike).
	// A shadow ID absent from Listed no longer exists only when the
	// listing finished: no failure for it, and the `exit` echo after it
	// (LastCommand) with diskshadow's exit code 0. This reads only the
	// echoes and GUIDs, never diskshadow's (localized) words.
	ListRan bool     `json:"list_ran,omitempty"`
	Listed  []string `json:"listed,omitempty"`

	// execTail holds the last lines printed after the last `-> exec` echo
	// (the copy script's output, then diskshadow's verdict on it).
	execTail []numbered
}

type numbered struct {
	n    int
	text string
}

// execTailLines is how many lines after an exec echo are kept for
// ConcludeExec: diskshadow's verdict is the last two.
const execTailLines = 3

// Everything diskshadow prints is localized except what this reader relies
// on as the language-free reading: the `-> ` echo of each script line, the
// GUIDs and the %alias% / %VSS_SHADOW_SET% tokens printed beside them,
// \\?\Volume{GUID}\ and \\?\GLOBALROOT\Device\... names, the [C:\] volume
// of a shadow record, drive letters, 8-hex-digit HRESULTs and VSS_E_*
// names, names in quotes (of any language's style), and the `*` / `+`
// that start a writer's and a component's line in a writer listing. The
// English sentences below are tried first; each has a language-free
// fallback that reaches the same result.
//
// The fallbacks fail closed: any HRESULT 8xxxxxxx is a failure of the
// command it follows (which takes back a deletion or exposure that
// command seemed to make), and a GUID beside a %token% is one of the
// run's shadows only when the token is an alias this script set (`add
// volume ... alias NAME`, or VSS_SHADOW_n) and the line is not in a
// writer listing, whose component names a database's owner chooses.
var (
	guidPat       = vssid.Pattern
	guidRE        = regexp.MustCompile(guidPat)
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
	entirelyRE    = regexp.MustCompile(`^The writer "(.*)" is now entirely excluded from the backup\b[\s,.]*(.*?)\.*$`)
	componentRE   = regexp.MustCompile(`^\+ Adding component: (.*)$`)
	compExclRE    = regexp.MustCompile(`^Component "?(.*?)"? from writer "(.*)" is excluded from backup\b,?\s*(.*?)\.?$`)
	usageLineRE   = regexp.MustCompile(`^[A-Z]+( [A-Z]+)? (\{|\[|<)`)
	listShadowsRE = regexp.MustCompile(`(?i)^list\s+shadows\b`)
	exposeCmdRE   = regexp.MustCompile(`(?i)^expose\s+(\S+)\s+(\S+)`)
	addVolumeRE   = regexp.MustCompile(`(?i)^add\s+volume\s+([A-Za-z]):\\?(?:\s+alias\s+(\S+))?`)
	deleteIDRE    = regexp.MustCompile(`(?i)^delete\s+shadows\s+id\s+(` + guidPat + `)`)
	harmlessCOMs  = []string{"GetRootAndLogicalPrefixPaths"}

	// language-free tokens
	tokenRE      = regexp.MustCompile(`%([A-Za-z0-9_.-]+)%`)
	volNameRE    = regexp.MustCompile(`\\\\\?\\Volume` + guidPat + `\\?`)
	deviceRE     = regexp.MustCompile(`\\\\\?\\GLOBALROOT\\Device\\[^\s"\]]+`)
	bracketVolRE = regexp.MustCompile(`\[([A-Za-z]:\\[^\]]*)\]`)
	// an HRESULT: a standalone 8xxxxxxx, not part of a word, number, path
	// or 0x value (GUIDs, volume and device names are stripped first)
	hexCodeRE     = regexp.MustCompile(`(?:^|[^0-9A-Za-z_.\-\\/{}$#@&%+])(8[0-9A-Fa-f]{7})(?:\.?$|\.\s|[^0-9A-Za-z_.\-\\/{}$#@&%+])`)
	vssNameRE     = regexp.MustCompile(`\b(VSS_E_[A-Z0-9_]+|E_[A-Z]+)\b`)
	driveTokenRE  = regexp.MustCompile(`(?:^|[^A-Za-z0-9])([A-Za-z]:\\[^\s"]*)`)
	defaultAlias  = regexp.MustCompile(`(?i)^VSS_SHADOW_\d+$`)
	execNumberRE  = regexp.MustCompile(`(?:^|[\s(:=])(-?\d{1,10})[.,;)]*(?:\s|$)`)
	attributeWord = map[string]bool{}
)

func init() {
	for _, a := range []string{"Persistent", "Auto_Release", "No_Auto_Release", "No_Writers", "Differential", "Plex",
		"Transportable", "Hardware_Assisted", "Client_Accessible", "Nas", "Exposed_Locally", "Exposed_Remotely",
		"Auto_Recover", "Rollback_Recovery", "Delayed_Postsnapshot", "Txf_Recovery", "File_Share", "Imported"} {
		attributeWord[strings.ToLower(a)] = true
	}
}

// Reader reads diskshadow's output one line at a time, as it is
// printed, so that a caller can act on each shadow as soon as it appears.
type Reader struct {
	out     *Output
	n       int
	cur     *ShadowCopy // record being read
	writer  int         // index in Writers of the writer being listed, -1 if none
	lastVSS int         // index in Failures of the last VSS failure, -1 if none
	inList  bool        // the current command is a list shadows
	verb    string      // first word of the current command, lower case
	// failCmd is the command number (Commands when it was added) of each failure.
	failCmd      []int
	exposeRef    string // %alias% or {ID} of the last expose command
	exposeGUID   string
	exposeLetter string // the expose command's target when a drive letter ("S:")
	exposedID    string // the shadow this expose command exposed (undone by a failure)
	deleteID     string // the {ID} of a `delete shadows id` command
	deletedNow   []string
	aliases      map[string]string // alias (lower case) -> live volume letter, from `add volume` echoes
	pendingExcl  int               // index in Excluded still waiting for its volume line, -1 if none
	// inListing says the line is in a writer listing: after a writer's
	// `*` line with its name in quotes or a component's `+` line, until
	// the next command echo, a blank line or a `*` line without quotes
	// (a shadow record). Its component names are chosen by whoever owns
	// a database: no shadow, alias, failure or exclusion is read there.
	inListing bool
}

// NewReader returns a reader with an empty Output.
func NewReader() *Reader {
	return &Reader{lastVSS: -1, writer: -1, pendingExcl: -1, aliases: map[string]string{},
		out: &Output{Shadows: []ShadowCopy{}, Writers: []WriterStatus{}, Failures: []Failure{}, Notes: []string{}, Deleted: []string{}}}
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
	if s := p.find(id); s != nil {
		return s
	}
	p.out.Shadows = append(p.out.Shadows, ShadowCopy{ID: id, Attributes: []string{}})
	p.cur = nil // pointers into Shadows may have moved
	return &p.out.Shadows[len(p.out.Shadows)-1]
}

func (p *Reader) find(id string) *ShadowCopy {
	for i := range p.out.Shadows {
		if strings.EqualFold(p.out.Shadows[i].ID, id) {
			return &p.out.Shadows[i]
		}
	}
	return nil
}

func (p *Reader) byAlias(alias string) *ShadowCopy {
	for i := range p.out.Shadows {
		if strings.EqualFold(p.out.Shadows[i].Alias, alias) {
			return &p.out.Shadows[i]
		}
	}
	return nil
}

func (p *Reader) addFailure(f Failure) {
	p.out.Failures = append(p.out.Failures, f)
	p.failCmd = append(p.failCmd, p.out.Commands)
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
	echo := line == "->" || strings.HasPrefix(line, "->")
	if p.inList && !echo {
		p.out.Listed = append(p.out.Listed, vssid.FindAll(line)...)
	}
	if p.verb == "exec" && !echo && line != "" {
		p.out.execTail = append(p.out.execTail, numbered{p.n, line})
		if len(p.out.execTail) > execTailLines {
			p.out.execTail = p.out.execTail[1:]
		}
	}
	if line == "" {
		p.inListing = false
		return
	}
	if !echo && p.pendingExcl >= 0 {
		i := p.pendingExcl
		p.pendingExcl = -1
		if v := volumeToken(line); v != "" {
			p.out.Excluded[i].Volume = v
			return
		}
	}
	if p.english(line, raw) {
		return
	}
	if !echo {
		p.languageFree(line)
	}
}

// english reads the line by diskshadow's English sentences and echo
// shapes; it reports whether the line was recognized.
func (p *Reader) english(line, raw string) bool {
	switch {
	case strings.HasPrefix(line, "Microsoft DiskShadow version"):
		p.out.Banner = true
	case expandRE.MatchString(line):
		m := expandRE.FindStringSubmatch(line)
		if p.exposeRef != "" && strings.EqualFold("%"+m[1]+"%", p.exposeRef) {
			p.exposeGUID = m[2]
		}
	case line == "->" || strings.HasPrefix(line, "-> "):
		p.command(strings.TrimSpace(strings.TrimPrefix(line, "->")))
	case setAliasRE.MatchString(line):
		p.out.SetID = setAliasRE.FindStringSubmatch(line)[1]
	case aliasRE.MatchString(line):
		m := aliasRE.FindStringSubmatch(line)
		s := p.byID(m[2])
		s.Alias = m[1]
	case !p.inList && recordRE.MatchString(line):
		m := recordRE.FindStringSubmatch(line)
		p.record(m[1], m[2])
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
		p.exposed(exposedRE.FindStringSubmatch(line)[1])
	case deletingRE.MatchString(line):
		p.deleted(deletingRE.FindStringSubmatch(line)[1])
	case deletedRE.MatchString(line):
		v, _ := strconv.Atoi(deletedRE.FindStringSubmatch(line)[1])
		p.out.DeletedCount = &v
	case line == "The last operation failed.":
		p.addFailure(Failure{Kind: FailVSS, Message: line, Line: p.n, Command: p.out.LastCommand})
		p.lastVSS = len(p.out.Failures) - 1
		p.undoOnFailure()
	case p.lastVSS >= 0 && hresultRE.MatchString(line):
		p.hresult(hresultRE.FindStringSubmatch(line)[1], line)
	case p.lastVSS >= 0 && errTextRE.MatchString(line):
		f := &p.out.Failures[p.lastVSS]
		f.Message = errTextRE.FindStringSubmatch(line)[1]
		if f.Name == "" || strings.HasPrefix(f.Name, "0x") {
			f.Name = f.Message
		}
	case comRE.MatchString(line):
		p.com(comRE.FindStringSubmatch(line)[1], line)
	case execCodeRE.MatchString(line):
		v, _ := strconv.Atoi(execCodeRE.FindStringSubmatch(line)[1])
		p.out.ExecExitCode = &v
		p.addFailure(Failure{Kind: FailExec, Code: strconv.Itoa(v), Message: line, Line: p.n, Command: p.out.LastCommand})
	case line == "The command script failed.":
		if p.out.ExecExitCode == nil && !p.out.hasFailure(FailExec) {
			p.addFailure(Failure{Kind: FailExec, Message: line, Line: p.n, Command: p.out.LastCommand})
		}
	case strings.HasPrefix(line, "The metadata file name path specifies a directory that is read-only"):
		p.addFailure(Failure{Kind: FailMetadata, Message: line, Line: p.n, Command: p.out.LastCommand})
	case strings.HasPrefix(line, "Note: END BACKUP was not commanded"):
		p.out.EndBackupMissing = true
		p.out.Notes = append(p.out.Notes, line)
	case includingRE.MatchString(line):
		p.out.Writers = append(p.out.Writers, WriterStatus{Name: includingRE.FindStringSubmatch(line)[1], Included: true})
		p.writer = len(p.out.Writers) - 1
		p.inListing = true
	case p.writer >= 0 && componentRE.MatchString(line):
		w := &p.out.Writers[p.writer]
		w.Components = append(w.Components, componentRE.FindStringSubmatch(line)[1])
	case excludingRE.MatchString(line):
		m := excludingRE.FindStringSubmatch(line)
		p.writerExcluded(m[1], m[2])
	case entirelyRE.MatchString(line):
		m := entirelyRE.FindStringSubmatch(line)
		p.writerExcluded(m[1], orDefault(m[2], "the writer is entirely excluded from the backup"))
	case compExclRE.MatchString(line):
		m := compExclRE.FindStringSubmatch(line)
		p.componentExcluded(m[2], m[1], m[3])
	case usageLineRE.MatchString(line) && strings.ToUpper(line) == line && !strings.HasPrefix(raw, " "):
		p.addFailure(Failure{Kind: FailUsage, Message: "diskshadow did not understand the command and printed its usage: " + line, Line: p.n, Command: p.out.LastCommand})
	default:
		return false
	}
	return true
}

// command starts a script line echoed by diskshadow.
func (p *Reader) command(cmd string) {
	if cmd == "" {
		return
	}
	p.out.Commands++
	p.out.LastCommand = cmd
	p.writer, p.cur, p.pendingExcl, p.inListing = -1, nil, -1, false
	p.exposedID, p.deleteID, p.deletedNow, p.exposeLetter = "", "", nil, ""
	p.verb = strings.ToLower(strings.Fields(cmd)[0])
	p.inList = listShadowsRE.MatchString(cmd)
	if p.inList {
		p.out.ListRan = true
	}
	if p.verb == "exec" {
		p.out.execTail = nil
	}
	if m := exposeCmdRE.FindStringSubmatch(cmd); m != nil {
		p.exposeRef, p.exposeGUID = m[1], ""
		if strings.HasPrefix(m[1], "{") {
			p.exposeGUID = m[1]
		}
		if t := strings.TrimSuffix(m[2], `\`); len(t) == 2 && t[1] == ':' && isLetter(t[0]) {
			p.exposeLetter = strings.ToUpper(t)
		}
	}
	if m := addVolumeRE.FindStringSubmatch(cmd); m != nil && m[2] != "" {
		p.aliases[strings.ToLower(m[2])] = strings.ToUpper(m[1])
	}
	if m := deleteIDRE.FindStringSubmatch(cmd); m != nil {
		p.deleteID = m[1]
	}
}

// record starts a shadow record: its ID and the %alias% beside it.
func (p *Reader) record(id, alias string) {
	p.cur = p.byID(id)
	if alias != "" && p.cur.Alias == "" && !strings.EqualFold(alias, "VSS_SHADOW_SET") {
		p.cur.Alias = alias
	}
}

func (p *Reader) exposed(target string) {
	letter := strings.ToUpper(strings.TrimSuffix(strings.TrimSpace(target), `\`))
	var s *ShadowCopy
	switch {
	case p.exposeGUID != "":
		s = p.byID(p.exposeGUID)
	case strings.HasPrefix(p.exposeRef, "%"):
		s = p.byAlias(strings.Trim(p.exposeRef, "%"))
	}
	if s != nil {
		s.ExposedAs = letter
		p.exposedID = s.ID
	}
}

func (p *Reader) deleted(id string) {
	if !slices.ContainsFunc(p.out.Deleted, func(d string) bool { return strings.EqualFold(d, id) }) {
		p.out.Deleted = append(p.out.Deleted, id)
		p.deletedNow = append(p.deletedNow, id)
	}
}

// undoOnFailure takes back what the current command seemed to achieve
// when diskshadow then reports it failed: an exposure or a deletion that
// did not happen must not be believed (a shadow wrongly believed deleted
// would be dropped from the journal and leak).
func (p *Reader) undoOnFailure() {
	if p.exposedID != "" {
		if s := p.find(p.exposedID); s != nil {
			s.ExposedAs = ""
		}
		p.exposedID = ""
	}
	if len(p.deletedNow) > 0 {
		keep := p.out.Deleted[:0]
		for _, id := range p.out.Deleted {
			if !slices.ContainsFunc(p.deletedNow, func(d string) bool { return strings.EqualFold(d, id) }) {
				keep = append(keep, id)
			}
		}
		p.out.Deleted = keep
		p.deletedNow = nil
	}
}

// hresult files an 8-hex-digit HRESULT under the current command's VSS
// failure, or starts one.
func (p *Reader) hresult(code, line string) {
	code = strings.ToUpper(code)
	v, _ := strconv.ParseUint(code, 16, 32)
	if p.lastVSS >= 0 && p.failCmd[p.lastVSS] == p.out.Commands {
		f := &p.out.Failures[p.lastVSS]
		if f.Code == "" || f.Code == code {
			f.Code, f.Name = code, HRESULT(v).Name()
			return
		}
	}
	p.addFailure(Failure{Kind: FailVSS, Code: code, Name: HRESULT(v).Name(), Message: line, Line: p.n, Command: p.out.LastCommand})
	p.lastVSS = len(p.out.Failures) - 1
	p.undoOnFailure()
}

func (p *Reader) com(expr, line string) {
	if harmlessCOM(expr) {
		p.out.Notes = append(p.out.Notes, "harmless: "+line+" (KB 3025158: creation returns)")
		return
	}
	p.addFailure(Failure{Kind: FailCOM, Message: line, Line: p.n, Command: p.out.LastCommand})
}

func (p *Reader) writerExcluded(name, reason string) {
	for i := range p.out.Writers {
		if p.out.Writers[i].Name == name && !p.out.Writers[i].Included {
			return // both whole-writer forms for one writer
		}
	}
	p.out.Writers = append(p.out.Writers, WriterStatus{Name: name, Reason: reason})
	p.writer = -1
}

// componentExcluded records an excluded component; the volume it needs is
// on this line's rest or, in diskshadow's two-line form, on the next line.
func (p *Reader) componentExcluded(writer, component, rest string) {
	p.out.Excluded = append(p.out.Excluded, ExcludedComponent{Writer: writer, Component: component, Volume: volumeToken(rest), Line: p.n})
	if p.out.Excluded[len(p.out.Excluded)-1].Volume == "" {
		p.pendingExcl = len(p.out.Excluded) - 1
	}
	p.writer = -1
}

// languageFree reads a line no English sentence matched, by the tokens
// diskshadow prints in every language.
func (p *Reader) languageFree(line string) {
	if p.verb == "exec" {
		return // the copy script's own output, then diskshadow's verdict (ConcludeExec)
	}
	if p.out.Commands == 0 {
		return
	}
	switch {
	case strings.HasPrefix(line, "+"):
		// a component's line: its name is anyone's (a database's) choice
		p.inListing = true
		return
	case strings.HasPrefix(line, "*"):
		// a writer's line names it in quotes; a shadow record does not
		p.inListing = len(quotedNames(line)) > 0
		if p.inListing {
			return
		}
	}
	// A failure: an HRESULT, and the VSS_E_ name printed with it.
	clean := stripNames(line)
	if m := hexCodeRE.FindStringSubmatch(clean); m != nil {
		p.hresult(m[1], line)
		return
	}
	if m := vssNameRE.FindStringSubmatch(clean); m != nil && p.lastVSS >= 0 && p.failCmd[p.lastVSS] == p.out.Commands {
		f := &p.out.Failures[p.lastVSS]
		if f.Name == "" || strings.HasPrefix(f.Name, "0x") {
			f.Name = m[1]
		}
		if f.Message == "" || f.Message == "The last operation failed." || hexCodeRE.MatchString(stripNames(f.Message)) {
			f.Message = m[1]
		}
		return
	}
	q := quotedNames(line)
	for _, n := range q {
		if strings.Contains(n.text, "->") { // COM call "<expr>" failed.
			p.com(n.text, line)
			return
		}
	}
	// An excluded component: two quoted names, the component's a path.
	if len(q) == 2 && !p.inList {
		comp, writer := q[0].text, q[1].text
		if strings.HasPrefix(writer, `\`) && !strings.HasPrefix(comp, `\`) {
			comp, writer = writer, comp
		}
		if strings.HasPrefix(comp, `\`) && writer != "" {
			p.componentExcluded(writer, comp, stripQuoted(line))
			return
		}
	}
	if p.inListing {
		return
	}
	ids := bareGUIDs(line)
	switch {
	case strings.HasPrefix(p.verb, "delete"):
		for _, id := range ids {
			if p.find(id) != nil || strings.EqualFold(id, p.deleteID) {
				p.deleted(id)
			}
		}
		return
	case p.inList:
		return
	}
	if tokens := tokenRE.FindAllStringSubmatch(line, -1); len(tokens) > 0 {
		// "* Shadow copy ID = {GUID}  %alias%", "- Shadow copy set: {GUID}
		// %VSS_SHADOW_SET%": only this script's aliases make a record.
		name := tokens[len(tokens)-1][1]
		switch {
		case len(ids) != 1:
		case strings.EqualFold(name, "VSS_SHADOW_SET"):
			p.setID(ids[0])
		case p.scriptAlias(name):
			p.record(ids[0], name)
		}
		return
	}
	if len(ids) == 1 {
		// "Alias <name> for shadow ID {GUID} set as environment variable."
		for _, w := range strings.Fields(line) {
			w = strings.TrimFunc(w, func(r rune) bool { return strings.ContainsRune(`.,;:()`, r) || isQuote(r) })
			switch {
			case strings.EqualFold(w, "VSS_SHADOW_SET"):
				p.out.SetID = ids[0]
				return
			case p.scriptAlias(w):
				s := p.byID(ids[0])
				if s.Alias == "" {
					s.Alias = w
				}
				return
			}
		}
	}
	if p.cur != nil {
		if v := volNameRE.FindString(line); v != "" {
			p.cur.VolumeName = v
			if m := bracketVolRE.FindStringSubmatch(line); m != nil {
				p.cur.Volume = m[1]
			}
			return
		}
		if d := deviceRE.FindString(line); d != "" {
			p.cur.Device = d
			return
		}
		if i := strings.LastIndex(line, ":"); i >= 0 {
			if words := strings.Fields(line[i+1:]); len(words) > 0 && allAttributes(words) {
				p.cur.Attributes = words
				return
			}
		}
	}
	if p.verb == "expose" && p.exposeLetter != "" && hasDrive(line, p.exposeLetter) {
		p.exposed(p.exposeLetter)
	}
}

// scriptAlias reports whether name is an alias this script gave a shadow:
// one its `add volume ... alias NAME` echoes set, or diskshadow's default
// VSS_SHADOW_n.
func (p *Reader) scriptAlias(name string) bool {
	return p.aliases[strings.ToLower(name)] != "" || defaultAlias.MatchString(name)
}

func (p *Reader) setID(id string) {
	p.out.SetID = id
	if p.cur != nil && p.cur.SetID == "" {
		p.cur.SetID = id
	}
}

// stripNames removes GUIDs, volume and device names from a line, so that
// the hex groups inside them never read as an HRESULT.
func stripNames(line string) string {
	line = volNameRE.ReplaceAllString(line, " ")
	line = deviceRE.ReplaceAllString(line, " ")
	return guidRE.ReplaceAllString(line, " ")
}

// bareGUIDs returns the braced GUIDs of a line that are not part of a
// \\?\Volume{GUID}\ name.
func bareGUIDs(line string) []string {
	return vssid.FindAll(volNameRE.ReplaceAllString(line, " "))
}

// volumeToken returns the first volume named in text outside quotes: a
// drive path such as C:\ (or a mount folder), or \\?\Volume{GUID}\.
func volumeToken(text string) string {
	text = stripQuoted(text)
	if v := volNameRE.FindString(text); v != "" {
		return v
	}
	if m := driveTokenRE.FindStringSubmatch(text); m != nil {
		v := strings.TrimRight(m[1], ".,;:)")
		if !strings.HasSuffix(v, `\`) {
			v += `\`
		}
		return strings.ToUpper(v[:1]) + v[1:]
	}
	return ""
}

// hasDrive reports whether line names drive letter ("S:") as a path, S:\.
func hasDrive(line, letter string) bool {
	for _, m := range driveTokenRE.FindAllStringSubmatch(line, -1) {
		if strings.EqualFold(m[1][:2], letter) && (len(strings.TrimRight(m[1], `.,;:)`)) == 3) {
			return true
		}
	}
	return false
}

func allAttributes(words []string) bool {
	for _, w := range words {
		if !attributeWord[strings.ToLower(w)] {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

func (o *Output) hasFailure(kind string) bool {
	for _, f := range o.Failures {
		if f.Kind == kind {
			return true
		}
	}
	return false
}

// StoppedAtExec reports whether the last script line diskshadow echoed is
// an exec: nothing after it ran. diskshadow quits there when the copy
// script fails ("If the script fails, an error is returned and DiskShadow
// quits"), whatever language it says so in.
func (o *Output) StoppedAtExec() bool {
	f := strings.Fields(o.LastCommand)
	return len(f) > 0 && strings.EqualFold(f[0], "exec")
}

// ConcludeExec records that the exec'd script failed when diskshadow
// stopped at exec (the caller knows it should not have: diskshadow exited
// non-zero, or the script had lines after exec) and no failure line was
// recognized (a localized diskshadow). The exit code is the number on
// diskshadow's verdict, one of the last two lines it printed, when there
// is one. It does nothing when an exec failure is already recorded or the
// run did not stop at exec.
func (o *Output) ConcludeExec() {
	if !o.StoppedAtExec() || o.hasFailure(FailExec) {
		return
	}
	f := Failure{Kind: FailExec, Message: "diskshadow stopped at exec: the copy script failed", Command: o.LastCommand}
	tail := o.execTail
	if len(tail) > 2 {
		tail = tail[len(tail)-2:]
	}
	if len(tail) > 0 {
		f.Line = tail[len(tail)-1].n
	}
	for i := len(tail) - 1; i >= 0; i-- {
		if m := execNumberRE.FindAllStringSubmatch(stripNames(tail[i].text), -1); len(m) > 0 {
			v, err := strconv.Atoi(m[len(m)-1][1])
			if err != nil {
				continue
			}
			o.ExecExitCode = &v
			f.Code, f.Message, f.Line = strconv.Itoa(v), tail[i].text, tail[i].n
			break
		}
	}
	o.Failures = append(o.Failures, f)
}

func harmlessCOM(expr string) bool {
	for _, h := range harmlessCOMs {
		if strings.Contains(expr, h) {
			return true
		}
	}
	return false
}
