package dshgen

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"
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

// Output is what a diskshadow run printed, read by ParseOutput.
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
}

var (
	guidPat      = `\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}`
	aliasRE      = regexp.MustCompile(`^Alias (\S+) for shadow ID (` + guidPat + `) set as environment variable\.`)
	setAliasRE   = regexp.MustCompile(`^Alias VSS_SHADOW_SET for shadow set ID (` + guidPat + `) set as environment variable\.`)
	recordRE     = regexp.MustCompile(`^\* Shadow copy ID = (` + guidPat + `)\s*(?:%([^%]+)%)?`)
	volumeRE     = regexp.MustCompile(`^- Original volume name: (\S+)(?:\s+\[([^\]]*)\])?`)
	exposedRE    = regexp.MustCompile(`^The shadow copy was successfully exposed as (.+?)\.?$`)
	expandRE     = regexp.MustCompile(`^-> %([^%]+)% = (` + guidPat + `)`)
	deletingRE   = regexp.MustCompile(`^Deleting shadow copy (` + guidPat + `)`)
	deletedRE    = regexp.MustCompile(`^Number of shadow copies deleted: (\d+)`)
	comRE        = regexp.MustCompile(`^COM call "(.*)" failed\.`)
	execCodeRE   = regexp.MustCompile(`^The command script returned failure exit code (-?\d+)\.`)
	hresultRE    = regexp.MustCompile(`^- Returned HRESULT: ([0-9a-fA-F]{8})`)
	errTextRE    = regexp.MustCompile(`^- Error text: (.*)$`)
	includingRE  = regexp.MustCompile(`^\* Including writer "(.*)":`)
	excludingRE  = regexp.MustCompile(`^Excluding writer "(.*)", because (.*?)\.?$`)
	componentRE  = regexp.MustCompile(`^\+ Adding component: (.*)$`)
	compExclRE   = regexp.MustCompile(`^Component "?(.*?)"? from writer "(.*)" is excluded from backup, because (.*?)\.?$`)
	usageLineRE  = regexp.MustCompile(`^[A-Z]+( [A-Z]+)? (\{|\[|<)`)
	exposeCmdRE  = regexp.MustCompile(`(?i)^expose\s+(\S+)\s+(\S+)`)
	harmlessCOMs = []string{"GetRootAndLogicalPrefixPaths"}
)

// ParseOutput reads diskshadow's console output or /l log, streaming, and
// returns the shadows it created and exposed, the writers it included and
// excluded, and every failure marker. It never fails on odd input; only a
// read error is returned.
func ParseOutput(r io.Reader) (*Output, error) {
	out := &Output{Shadows: []ShadowCopy{}, Writers: []WriterStatus{}, Failures: []Failure{}, Notes: []string{}, Deleted: []string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var (
		n          int
		cur        *ShadowCopy // record being read
		writer     *WriterStatus
		lastVSS    *Failure
		exposeRef  string // %alias% or {ID} of the last expose command
		exposeGUID string
	)
	byID := func(id string) *ShadowCopy {
		for i := range out.Shadows {
			if strings.EqualFold(out.Shadows[i].ID, id) {
				return &out.Shadows[i]
			}
		}
		out.Shadows = append(out.Shadows, ShadowCopy{ID: id, Attributes: []string{}})
		return &out.Shadows[len(out.Shadows)-1]
	}
	byAlias := func(alias string) *ShadowCopy {
		for i := range out.Shadows {
			if strings.EqualFold(out.Shadows[i].Alias, alias) {
				return &out.Shadows[i]
			}
		}
		return nil
	}
	for sc.Scan() {
		n++
		raw := strings.TrimRight(sc.Text(), "\r")
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "DISKSHADOW>") { // interactive prompt
			line = strings.TrimSpace(strings.TrimPrefix(line, "DISKSHADOW>"))
			if line != "" {
				line = "-> " + line
			}
		}
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "Microsoft DiskShadow version"):
			out.Banner = true
		case expandRE.MatchString(line):
			m := expandRE.FindStringSubmatch(line)
			if exposeRef != "" && strings.EqualFold("%"+m[1]+"%", exposeRef) {
				exposeGUID = m[2]
			}
		case line == "->" || strings.HasPrefix(line, "-> "):
			cmd := strings.TrimSpace(strings.TrimPrefix(line, "->"))
			if cmd == "" {
				continue
			}
			out.Commands++
			out.LastCommand = cmd
			writer, cur = nil, nil
			if m := exposeCmdRE.FindStringSubmatch(cmd); m != nil {
				exposeRef, exposeGUID = m[1], ""
				if strings.HasPrefix(m[1], "{") {
					exposeGUID = m[1]
				}
			}
		case setAliasRE.MatchString(line):
			out.SetID = setAliasRE.FindStringSubmatch(line)[1]
		case aliasRE.MatchString(line):
			m := aliasRE.FindStringSubmatch(line)
			s := byID(m[2])
			s.Alias = m[1]
		case recordRE.MatchString(line):
			m := recordRE.FindStringSubmatch(line)
			cur = byID(m[1])
			if m[2] != "" && cur.Alias == "" && !strings.EqualFold(m[2], "VSS_SHADOW_SET") {
				cur.Alias = m[2]
			}
		case cur != nil && strings.HasPrefix(line, "- Shadow copy set:"):
			if f := strings.Fields(strings.TrimPrefix(line, "- Shadow copy set:")); len(f) > 0 {
				cur.SetID = f[0]
			}
		case cur != nil && volumeRE.MatchString(line):
			m := volumeRE.FindStringSubmatch(line)
			cur.VolumeName, cur.Volume = m[1], m[2]
		case cur != nil && strings.HasPrefix(line, "- Shadow copy device name:"):
			cur.Device = strings.TrimSpace(strings.TrimPrefix(line, "- Shadow copy device name:"))
		case cur != nil && strings.HasPrefix(line, "- Attributes:"):
			cur.Attributes = strings.Fields(strings.TrimPrefix(line, "- Attributes:"))
		case exposedRE.MatchString(line):
			letter := strings.TrimSuffix(exposedRE.FindStringSubmatch(line)[1], `\`)
			var s *ShadowCopy
			switch {
			case exposeGUID != "":
				s = byID(exposeGUID)
			case strings.HasPrefix(exposeRef, "%"):
				s = byAlias(strings.Trim(exposeRef, "%"))
			}
			if s != nil {
				s.ExposedAs = strings.ToUpper(letter)
			}
		case deletingRE.MatchString(line):
			out.Deleted = append(out.Deleted, deletingRE.FindStringSubmatch(line)[1])
		case deletedRE.MatchString(line):
			v, _ := strconv.Atoi(deletedRE.FindStringSubmatch(line)[1])
			out.DeletedCount = &v
		case line == "The last operation failed.":
			out.Failures = append(out.Failures, Failure{Kind: FailVSS, Message: line, Line: n, Command: out.LastCommand})
			lastVSS = &out.Failures[len(out.Failures)-1]
		case lastVSS != nil && hresultRE.MatchString(line):
			code := strings.ToUpper(hresultRE.FindStringSubmatch(line)[1])
			v, _ := strconv.ParseUint(code, 16, 32)
			lastVSS.Code, lastVSS.Name = code, HRESULT(v).Name()
		case lastVSS != nil && errTextRE.MatchString(line):
			lastVSS.Message = errTextRE.FindStringSubmatch(line)[1]
			if lastVSS.Name == "" || strings.HasPrefix(lastVSS.Name, "0x") {
				lastVSS.Name = lastVSS.Message
			}
		case comRE.MatchString(line):
			expr := comRE.FindStringSubmatch(line)[1]
			if harmlessCOM(expr) {
				out.Notes = append(out.Notes, "harmless: "+line+" (KB 3025158: creation continues)")
				continue
			}
			out.Failures = append(out.Failures, Failure{Kind: FailCOM, Message: line, Line: n, Command: out.LastCommand})
		case execCodeRE.MatchString(line):
			v, _ := strconv.Atoi(execCodeRE.FindStringSubmatch(line)[1])
			out.ExecExitCode = &v
			out.Failures = append(out.Failures, Failure{Kind: FailExec, Code: strconv.Itoa(v), Message: line, Line: n, Command: out.LastCommand})
		case line == "The command script failed.":
			if out.ExecExitCode == nil {
				out.Failures = append(out.Failures, Failure{Kind: FailExec, Message: line, Line: n, Command: out.LastCommand})
			}
		case strings.HasPrefix(line, "The metadata file name path specifies a directory that is read-only"):
			out.Failures = append(out.Failures, Failure{Kind: FailMetadata, Message: line, Line: n, Command: out.LastCommand})
		case strings.HasPrefix(line, "Note: END BACKUP was not commanded"):
			out.EndBackupMissing = true
			out.Notes = append(out.Notes, line)
		case includingRE.MatchString(line):
			out.Writers = append(out.Writers, WriterStatus{Name: includingRE.FindStringSubmatch(line)[1], Included: true})
			writer = &out.Writers[len(out.Writers)-1]
		case writer != nil && componentRE.MatchString(line):
			writer.Components = append(writer.Components, componentRE.FindStringSubmatch(line)[1])
		case excludingRE.MatchString(line):
			m := excludingRE.FindStringSubmatch(line)
			out.Writers = append(out.Writers, WriterStatus{Name: m[1], Reason: m[2]})
			writer = nil
		case compExclRE.MatchString(line):
			m := compExclRE.FindStringSubmatch(line)
			out.Writers = append(out.Writers, WriterStatus{Name: m[2], Reason: "component " + m[1] + ": " + m[3]})
			out.Failures = append(out.Failures, Failure{Kind: FailWriter, Message: line, Line: n, Command: out.LastCommand})
		case usageLineRE.MatchString(line) && strings.ToUpper(line) == line && !strings.HasPrefix(raw, " "):
			out.Failures = append(out.Failures, Failure{Kind: FailUsage, Message: "diskshadow did not understand the command and printed its usage: " + line, Line: n, Command: out.LastCommand})
		}
	}
	return out, sc.Err()
}

func harmlessCOM(expr string) bool {
	for _, h := range harmlessCOMs {
		if strings.Contains(expr, h) {
			return true
		}
	}
	return false
}

// Exposed returns the letters (or paths) the run exposed shadows as.
func (o *Output) Exposed() []string {
	var out []string
	for _, s := range o.Shadows {
		if s.ExposedAs != "" {
			out = append(out, s.ExposedAs)
		}
	}
	return out
}
