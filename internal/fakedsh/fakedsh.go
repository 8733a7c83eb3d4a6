// Package fakedsh is a test double of diskshadow.exe. It runs a script the
// way the real tool does where vssmirror depends on it: an LF script loses
// the last character of every line, each line is echoed as "-> line",
// create prints records shaped like real ones with fresh GUIDs, expose
// fails on a taken letter, a failed exec makes it quit, delete removes
// shadows by ID or exposed letter. Shadows persist in a state file across
// invocations, like persistent shadows on a server.
//
// Environment:
//
//	FAKEDSH_STATE      state file (JSON); required
//	FAKEDSH_FAIL       comma-separated failures to inject:
//	                   create:HRESULT[:N]  fail the first N creates (default all)
//	                   verify              fail create as if a verified writer were missing
//	                   exec:CODE           the copy script exits CODE (non-Windows)
//	                   hang:CMD            hang forever when reaching command CMD (create, expose, exec)
//	                   crash:CMD           exit abruptly (code 3) after command CMD
//	                   delete              every delete shadows fails
//	                   delete-efail        every delete shadows starts (prints
//	                                       "Deleting shadow copy {ID} ...") and
//	                                       then fails with E_FAIL (80004005),
//	                                       deleting nothing
//	                   list                list shadows fails and diskshadow quits
//	                   hollow              expose succeeds but the letter shows nothing
//	FAKEDSH_TAKEN      drive letters already in use, e.g. "S,T"
//	FAKEDSH_SNAPDIR    if set, shadows hold data: create copies the volume's
//	                   root folder (e.g. D:\) into SNAPDIR\<id>, expose copies
//	                   that into the exposed letter's (pre-mapped, empty)
//	                   folder, delete empties the letter and drops the copy.
//	                   Under wine a Windows process cannot create drive
//	                   letters, so the harness maps them beforehand.
//	FAKEDSH_AWAIT_ABORT at exec, wait up to 5 s for the runner's abort marker
//	FAKEDSH_BLOCK      at create, make this path a non-empty folder, so that
//	                   writing a file there fails (a journal on a full disk)
//	FAKEDSH_TOUCH      after create, append a line to this file on the live
//	                   volume: a change the snapshot must not contain.
//	FAKEDSH_LANG       pseudo: every message is pseudo-localized (Pseudo: each
//	                   English word becomes "ÄÖ" + the word reversed) while
//	                   GUIDs, %tokens%, echoes, device and volume names, drive
//	                   letters, numbers and hex codes stay, as on a German or
//	                   French server; pseudo-quotes: pseudo, and the names
//	                   diskshadow quotes ("SqlServerWriter") stand in
//	                   typographic quotes („SqlServerWriter“), as in German;
//	                   mute: no message at all, only the echoes
//	FAKEDSH_EXCLUDE    writer components create reports excluded because their
//	                   volume is not in the set: WRITER:COMPONENT:VOLUME,...
//	                   e.g. "SqlServerWriter:\HOST\master:C:" (ParseExclusions);
//	                   an entry whose volume is in the set is not printed
//	FAKEDSH_ALIASES    if set, exec (off Windows) first writes AliasFile into
//	                   VSSMIRROR_RUN_DIR, as the copy script does
//	FAKEDSH_ROBOCOPY_SRC if set (off Windows), exec plays robocopy for each
//	                   source with the robocopy double (internal/robodouble):
//	                   this folder is mirrored into <folder>-mirror-<n> and
//	                   the double writes the source's real /UNILOG+ log
//	                   (slowly with ROBODOUBLE_SLOW)
//	FAKEDSH_HOOKS      off Windows, how the hook wrappers' commands end:
//	                   KIND:CODE, KIND:hang or KIND:exit=CODE (the
//	                   script ended the wrapper with `exit CODE`, no /b:
//	                   no .rc file), comma-separated, e.g.
//	                   "pre_snapshot:0,verify:3" (default 0). The double
//	                   plays the wrapper's contract (dshgen.HookPlan): the
//	                   .started file, the command's output, the .rc file,
//	                   exit 1 on failure. On Windows the wrapper runs in
//	                   cmd.exe like the copy script. Every hook run is
//	                   counted in the state file (State.Hooks).
//	FAKEDSH_WRITERS    the verbose writer listing create prints before the
//	                   shadows: one WRITER:COMPONENT per line (ParseWriters),
//	                   e.g. "SqlServerWriter:\HOST\master"; a component name
//	                   is whatever a database's owner chose
//
// On Windows, exec runs the script with cmd.exe. Elsewhere it simulates the
// copy: for every "/UNILOG+:%VSSM_LOGDIR%\NAME" in the script it writes a
// robocopy log NAME into VSSMIRROR_RUN_DIR, with one failed file when the
// exit code is 8 or more; when the abort marker (AbortFile) is in
// VSSMIRROR_RUN_DIR it copies nothing and exits 16, as the copy script does.
package fakedsh

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/internal/robodouble"
)

// Shadow is a shadow copy the double holds.
type Shadow struct {
	ID         string `json:"id"`
	Set        string `json:"set"`
	Volume     string `json:"volume"`
	Alias      string `json:"alias"`
	Exposed    string `json:"exposed"`
	Persistent bool   `json:"persistent"`
}

// State is what persists between invocations.
type State struct {
	Shadows []Shadow `json:"shadows"`
	Creates int      `json:"creates"` // create commands seen, for create:HRESULT:N
	// Hooks counts the hook wrappers exec ran, by kind (pre_snapshot,
	// post_snapshot, verify).
	Hooks map[string]int `json:"hooks,omitempty"`
}

// LoadState reads the state file (empty if missing).
func LoadState(path string) (*State, error) {
	st := &State{}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	return st, json.Unmarshal(data, st)
}

// Save writes the state file, all or nothing (a temporary file renamed
// over it): a double killed while saving, as a run's timeout or abort
// kills it, never leaves half a state, just as killing diskshadow leaves
// VSS's shadows whole.
func (s *State) Save(path string) error {
	data, _ := json.MarshalIndent(s, "", "  ")
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

type fake struct {
	out       io.Writer
	getenv    func(string) string
	st        *State
	statePath string
	fails     map[string]string
	vars      map[string]string
	pending   []Shadow
	persist   bool
	nowriters bool
	verify    bool
	created   []string // IDs created in this invocation
	lang      string   // FAKEDSH_LANG
	metadata  string   // set metadata: the .cab create writes
}

// printf prints one of diskshadow's messages: format is the English
// message, args what diskshadow fills in (IDs, aliases, names, codes),
// which no translation changes. FAKEDSH_LANG=pseudo translates the message
// with Pseudo (pseudo-quotes also puts the quoted names in „…“);
// FAKEDSH_LANG=mute prints no message at all (only the echoes), as if the
// output could not be read.
func (f *fake) printf(format string, args ...any) {
	switch f.lang {
	case "mute":
		return
	case "pseudo":
		format = Pseudo(format)
	case "pseudo-quotes":
		format = strings.ReplaceAll(Pseudo(format), `"%s"`, "\u201e%s\u201c")
	}
	fmt.Fprintf(f.out, format, args...)
}

// volumeName is the \\?\Volume{GUID}\ name of the n-th volume.
func volumeName(n int) string {
	return fmt.Sprintf(`\\?\Volume{00000000-0000-0000-0000-%012d}\`, n)
}

func guid() string {
	b := make([]byte, 16)
	rand.Read(b)
	return fmt.Sprintf("{%x-%x-%x-%x-%x}", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Main runs the double with diskshadow's arguments and returns its exit code.
func Main(args []string, out io.Writer, getenv func(string) string) int {
	f := &fake{out: out, getenv: getenv, statePath: getenv("FAKEDSH_STATE"), fails: map[string]string{}, vars: map[string]string{}}
	for _, item := range strings.Split(getenv("FAKEDSH_FAIL"), ",") {
		if k, v, _ := strings.Cut(strings.TrimSpace(item), ":"); k != "" {
			f.fails[k] = v
		}
	}
	f.lang = getenv("FAKEDSH_LANG")
	f.printf("Microsoft DiskShadow version 1.0\n")
	f.printf("Copyright (C) 2013 Microsoft Corporation\n")
	f.printf("On computer:  %s,  %s\n\n", "FAKEDSH", time.Now().Format("1/2/2006 3:04:05 PM"))
	script, logPath := "", ""
	for i := 0; i < len(args); i++ {
		switch strings.ToLower(args[i]) {
		case "/s", "-s":
			if i+1 < len(args) {
				script = args[i+1]
				i++
			}
		case "/l", "-l":
			if i+1 < len(args) {
				logPath = args[i+1]
				i++
			}
		}
	}
	if script == "" || f.statePath == "" {
		fmt.Fprintln(out, "DISKSHADOW.EXE  [/s <scriptfile> [param1] [param2] [param3] ...] [/l <logfile>]")
		return 1
	}
	_ = logPath
	st, err := LoadState(f.statePath)
	if err != nil {
		fmt.Fprintln(out, "fakedsh: state:", err)
		return 1
	}
	f.st = st
	data, err := os.ReadFile(script)
	if err != nil {
		f.printf("The script file name is not valid.\n")
		return 1
	}
	code := f.run(data)
	// Volatile shadows vanish when diskshadow exits.
	keep := f.st.Shadows[:0]
	for _, s := range f.st.Shadows {
		if s.Persistent || !contains(f.created, s.ID) {
			keep = append(keep, s)
		}
	}
	f.st.Shadows = keep
	if err := f.st.Save(f.statePath); err != nil {
		fmt.Fprintln(out, "fakedsh: state:", err)
		return 1
	}
	return code
}

func contains(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

var varRE = regexp.MustCompile(`%([^%\s]+)%`)

// lines splits the script as diskshadow reads it: a line ending in a bare
// LF loses its last character.
func lines(data []byte) []string {
	var out []string
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		var l []byte
		if i < 0 {
			l, data = data, nil
		} else {
			l, data = data[:i], data[i+1:]
			if bytes.HasSuffix(l, []byte{'\r'}) {
				l = l[:len(l)-1]
			} else if len(l) > 0 {
				l = l[:len(l)-1] // the LF bug
			}
		}
		out = append(out, string(l))
	}
	return out
}

func (f *fake) failBlock(hr string, text string) {
	f.printf("The last operation failed.\n\t- Returned HRESULT: %s\n\t- Error text: %s\n", hr, text)
}

func (f *fake) save() { f.st.Save(f.statePath) }

func (f *fake) run(data []byte) int {
	for _, raw := range lines(data) {
		line := strings.TrimSpace(raw)
		if line == "" {
			fmt.Fprintln(f.out, "->")
			continue
		}
		fmt.Fprintln(f.out, "-> "+line)
		if strings.HasPrefix(line, "#") {
			continue
		}
		words := strings.Fields(line)
		cmd := strings.ToLower(words[0])
		if v, ok := f.fails["hang"]; ok && strings.EqualFold(v, cmd) {
			f.save()
			for {
				time.Sleep(time.Hour)
			}
		}
		code, quit := f.command(cmd, words)
		f.save()
		if v, ok := f.fails["crash"]; ok && strings.EqualFold(v, cmd) {
			return 3
		}
		if quit {
			return code
		}
	}
	return 0
}

func (f *fake) expand(s string) string {
	return varRE.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := f.vars[strings.ToLower(strings.Trim(m, "%"))]; ok {
			return v
		}
		return m
	})
}

func (f *fake) usage(line string) (int, bool) {
	fmt.Fprintf(f.out, "\n%s\n", line)
	return 1, true
}

// command runs one command; quit ends the script with code.
func (f *fake) command(cmd string, w []string) (code int, quit bool) {
	lower := make([]string, len(w))
	for i := range w {
		lower[i] = strings.ToLower(w[i])
	}
	switch {
	case cmd == "set" && len(w) >= 3 && lower[1] == "context":
		f.persist = lower[2] == "persistent" || lower[2] == "clientaccessible"
		f.nowriters = len(w) > 3 && lower[3] == "nowriters" || lower[2] == "clientaccessible"
	case cmd == "set" && len(w) >= 3 && lower[1] == "metadata":
		f.metadata = f.expand(w[2])
	case cmd == "set" && len(w) >= 3 && (lower[1] == "verbose" || lower[1] == "option"):
	case cmd == "writer" && len(w) >= 3 && (lower[1] == "verify" || lower[1] == "exclude"):
		if lower[1] == "verify" {
			f.verify = true
		}
	case (cmd == "begin" || cmd == "end") && len(w) == 2 && (lower[1] == "backup" || lower[1] == "restore"):
	case cmd == "add" && len(w) >= 3 && lower[1] == "volume":
		s := Shadow{Volume: strings.ToUpper(strings.TrimSuffix(w[2], `\`))}
		if len(w) >= 5 && lower[3] == "alias" {
			s.Alias = w[4]
		}
		f.pending = append(f.pending, s)
	case cmd == "create" && len(w) == 1:
		return f.create()
	case cmd == "expose" && len(w) == 3:
		return f.expose(w[1], w[2])
	case cmd == "exec" && len(w) >= 2:
		return f.exec(f.expand(w[1]))
	case cmd == "delete" && len(w) >= 3 && lower[1] == "shadows":
		return f.delete(lower[2], w[3:])
	case cmd == "list" && len(w) >= 2 && lower[1] == "shadows":
		return f.list()
	case cmd == "exit":
		return 0, true
	case cmd == "end":
		return f.usage("END { BACKUP | RESTORE }")
	default:
		return f.usage(strings.ToUpper(cmd) + " { ... }")
	}
	return 0, false
}

func (f *fake) create() (int, bool) {
	f.st.Creates++
	if p := f.getenv("FAKEDSH_BLOCK"); p != "" {
		// A folder (not empty) where a file is to be written: that file's
		// writes fail from now on, like a full or read-only state disk.
		os.MkdirAll(p, 0o755)
		os.WriteFile(filepath.Join(p, "blocker"), nil, 0o644)
	}
	if v, ok := f.fails["create"]; ok {
		parts := strings.Split(v, ":")
		n := -1
		if len(parts) > 1 {
			n, _ = strconv.Atoi(parts[1])
		}
		if n < 0 || f.st.Creates <= n {
			f.failBlock(parts[0], "VSS error injected by the test double")
			return 1, true
		}
	}
	if _, ok := f.fails["verify"]; ok && f.verify && !f.nowriters {
		f.failBlock("800423F0", "VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT")
		return 1, true
	}
	if len(f.pending) == 0 {
		f.failBlock("80042302", "VSS_E_UNEXPECTED")
		return 1, true
	}
	f.writers()
	f.excluded()
	set := guid()
	for i := range f.pending {
		s := &f.pending[i]
		s.ID, s.Set, s.Persistent = guid(), set, f.persist
		if s.Alias == "" {
			s.Alias = fmt.Sprintf("VSS_SHADOW_%d", i+1)
		}
		if snap := f.getenv("FAKEDSH_SNAPDIR"); snap != "" {
			if err := copyTree(s.Volume+`\`, filepath.Join(snap, s.ID)); err != nil {
				f.failBlock("80042302", "VSS_E_UNEXPECTED: "+err.Error())
				return 1, true
			}
		}
		f.printf("Alias %s for shadow ID %s set as environment variable.\n", s.Alias, s.ID)
		f.vars[strings.ToLower(s.Alias)] = s.ID
		f.created = append(f.created, s.ID)
	}
	f.vars["vss_shadow_set"] = set
	f.printf("Alias %s for shadow set ID %s set as environment variable.\n\n", "VSS_SHADOW_SET", set)
	f.printf("Querying all shadow copies with the shadow copy set ID %s\n\n", set)
	for i, s := range f.pending {
		attrs := "No_Auto_Release Persistent Differential"
		if !s.Persistent {
			attrs = "Auto_Release Differential"
		}
		if f.nowriters {
			attrs = strings.Replace(attrs, "Differential", "No_Writers Differential", 1)
		}
		f.printf("\t* Shadow copy ID = %s\t\t%%%s%%\n", s.ID, s.Alias)
		f.printf("\t\t- Shadow copy set: %s\t%%VSS_SHADOW_SET%%\n", set)
		f.printf("\t\t- Original count of shadow copies = %d\n", len(f.pending))
		f.printf("\t\t- Original volume name: %s [%s\\]\n", volumeName(i), s.Volume)
		f.printf("\t\t- Shadow copy device name: %s\n", fmt.Sprintf(`\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy%d`, 10+len(f.st.Shadows)))
		f.printf("\t\t- Not exposed\n\t\t- Attributes:  %s\n\n", attrs)
		f.st.Shadows = append(f.st.Shadows, s)
	}
	f.printf("Number of shadow copies listed: %d\n", len(f.pending))
	f.pending = nil
	if f.metadata != "" {
		// diskshadow writes the writer metadata at create ("Inserted file
		// Manifest.xml into .cab file ..."); the double writes a stand-in.
		os.WriteFile(f.metadata, []byte("MSCF vssmirror test double: Manifest.xml, writer metadata of set "+set+"\r\n"), 0o644)
	}
	if p := f.getenv("FAKEDSH_TOUCH"); p != "" {
		if fh, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fh.WriteString("changed after create\r\n")
			fh.Close()
		}
	}
	return 0, false
}

// list prints every shadow on the "server", shaped like list shadows all.
func (f *fake) list() (int, bool) {
	if _, ok := f.fails["list"]; ok {
		f.failBlock("80042302", "VSS_E_UNEXPECTED")
		return 1, true
	}
	f.printf("Querying all shadow copies on the computer ...\n")
	for i, s := range f.st.Shadows {
		f.printf("\t* Shadow copy ID = %s\t\t%%%s%%\n", s.ID, s.Alias)
		f.printf("\t\t- Shadow copy set: %s\t%%VSS_SHADOW_SET%%\n", s.Set)
		f.printf("\t\t- Original volume name: %s [%s\\]\n", volumeName(i), s.Volume)
	}
	f.printf("Number of shadow copies listed: %d\n", len(f.st.Shadows))
	return 0, false
}

func (f *fake) find(id string) *Shadow {
	for i := range f.st.Shadows {
		if strings.EqualFold(f.st.Shadows[i].ID, id) {
			return &f.st.Shadows[i]
		}
	}
	return nil
}

func (f *fake) expose(ref, target string) (int, bool) {
	id := f.expand(ref)
	if ref != id {
		fmt.Fprintf(f.out, "-> %s = %s\n", ref, id)
	}
	s := f.find(id)
	if s == nil {
		f.failBlock("80042308", "VSS_E_OBJECT_NOT_FOUND")
		return 1, true
	}
	if !s.Persistent {
		f.printf("Only persistent shadow copies can be exposed.\n")
		return 1, true
	}
	letter := strings.ToUpper(strings.TrimSuffix(target, `\`))
	taken := strings.Split(strings.ToUpper(f.getenv("FAKEDSH_TAKEN")), ",")
	for _, t := range taken {
		if t != "" && strings.TrimSuffix(t, ":")+":" == letter {
			f.failBlock("8004230D", "VSS_E_OBJECT_ALREADY_EXISTS")
			return 1, true
		}
	}
	for _, o := range f.st.Shadows {
		if o.Exposed == letter {
			f.failBlock("8004230D", "VSS_E_OBJECT_ALREADY_EXISTS")
			return 1, true
		}
	}
	if _, hollow := f.fails["hollow"]; !hollow && f.getenv("FAKEDSH_SNAPDIR") != "" {
		if err := copyTree(filepath.Join(f.getenv("FAKEDSH_SNAPDIR"), s.ID), letter+`\`); err != nil {
			f.failBlock("80042302", "VSS_E_UNEXPECTED: "+err.Error())
			return 1, true
		}
	}
	s.Exposed = letter
	f.printf("The shadow copy was successfully exposed as %s.\n", letter+`\`)
	return 0, false
}

var unilogRE = regexp.MustCompile(`/UNILOG\+:%VSSM_LOGDIR%\\([^"\s]+)`)

func (f *fake) exec(path string) (int, bool) {
	if _, err := os.Stat(path); err != nil {
		f.printf("The script file name is not valid.\n")
		return 1, true
	}
	var code int
	kind := HookKind(path)
	if kind != "" {
		if f.st.Hooks == nil {
			f.st.Hooks = map[string]int{}
		}
		f.st.Hooks[kind]++
	}
	if runtime.GOOS != "windows" && kind != "" {
		code = f.hook(kind, path)
	} else if runtime.GOOS == "windows" {
		cmd := exec.Command("cmd.exe", "/c", path)
		cmd.Stdout, cmd.Stderr = f.out, f.out
		// diskshadow sets each alias and VSS_SHADOW_SET in exec's
		// environment; a value the test gives itself is kept.
		cmd.Env = os.Environ()
		for name, v := range f.vars {
			if f.getenv(name) == "" {
				cmd.Env = append(cmd.Env, name+"="+v)
			}
		}
		err := cmd.Run()
		if cmd.ProcessState != nil {
			code = cmd.ProcessState.ExitCode()
		} else if err != nil {
			code = 1
		}
	} else {
		code, _ = strconv.Atoi(f.fails["exec"])
		data, _ := os.ReadFile(path)
		dir := f.getenv("VSSMIRROR_RUN_DIR")
		if f.getenv("FAKEDSH_ALIASES") != "" && dir != "" {
			f.writeAliases(filepath.Join(dir, AliasFile))
		}
		if f.getenv("FAKEDSH_AWAIT_ABORT") != "" && dir != "" {
			// The real diskshadow spends seconds between create and exec
			// (expose, writers); a test that expects the runner's abort
			// marker gives the runner that time (at most 5 s).
			for i := 0; i < 100 && !exists(filepath.Join(dir, AbortFile)); i++ {
				time.Sleep(50 * time.Millisecond)
			}
		}
		if dir != "" && exists(filepath.Join(dir, AbortFile)) {
			// the copy script's first check: abort before copying anything
			code = 16
			data = nil
		}
		for i, m := range unilogRE.FindAllStringSubmatch(string(data), -1) {
			if src := f.getenv("FAKEDSH_ROBOCOPY_SRC"); src != "" {
				code = max(code, f.robocopy(src, i+1, filepath.Join(dir, m[1])))
				continue
			}
			os.WriteFile(filepath.Join(dir, m[1]), []byte(robocopyLog(code)), 0o644)
		}
		if dir != "" && code == 0 && exists(filepath.Join(dir, AbortFile)) {
			code = 16 // the copy script's last check: a marker that came late
		}
	}
	if code != 0 {
		f.printf("The command script returned failure exit code %d.\nThe command script failed.\n", code)
		return 1, true
	}
	return 0, false
}

// robocopy plays robocopy for the copy script's source n with the
// robocopy double: it mirrors the folder src into <src>-mirror-<n>, logging
// to log, and returns the script's exit code for it (0, 8 or 16). The
// double reads a leading / as a switch, so paths are given relative to the
// working folder.
func (f *fake) robocopy(src string, n int, log string) int {
	wd, _ := os.Getwd()
	rel := func(p string) string {
		if r, err := filepath.Rel(wd, p); err == nil {
			return r
		}
		return p
	}
	dst := fmt.Sprintf("%s-mirror-%d", strings.TrimRight(src, `/\`), n)
	rc := robodouble.Main([]string{rel(src), rel(dst), "/MIR", "/NP", "/R:2", "/W:5", "/UNILOG+:" + rel(log)}, io.Discard, f.getenv)
	switch {
	case rc >= 16 || rc < 0:
		return 16
	case rc >= 8:
		return 8
	}
	return 0
}

func (f *fake) delete(mode string, args []string) (int, bool) {
	var targets []*Shadow
	switch mode {
	case "exposed":
		if len(args) == 1 {
			l := strings.ToUpper(strings.TrimSuffix(args[0], `\`))
			for i := range f.st.Shadows {
				if f.st.Shadows[i].Exposed == l {
					targets = append(targets, &f.st.Shadows[i])
				}
			}
		}
	case "id":
		if len(args) == 1 {
			if s := f.find(f.expand(args[0])); s != nil {
				targets = append(targets, s)
			}
		}
	default:
		return f.usage("DELETE SHADOWS { ALL | VOLUME <volume> | OLDEST <volume> | SET <setID> | ID <shadowID> | EXPOSED <drive> }")
	}
	if _, ok := f.fails["delete"]; ok {
		f.failBlock("80042302", "VSS_E_UNEXPECTED")
		return 0, false
	}
	if _, ok := f.fails["delete-efail"]; ok {
		// The delete starts, naming each shadow, then fails with a
		// generic COM error: nothing is deleted.
		for _, t := range targets {
			f.printf("Deleting shadow copy %s on volume %s from provider %s [Attributes: %s]...\n", t.ID, volumeName(0), "{b5946137-7b9f-4925-af80-51abd60b20d5}", "0x00120019")
		}
		f.failBlock("80004005", "E_FAIL")
		return 0, false
	}
	if len(targets) == 0 {
		f.failBlock("80042308", "VSS_E_OBJECT_NOT_FOUND")
		return 0, false
	}
	var ids []string
	for _, t := range targets {
		f.printf("Deleting shadow copy %s on volume %s from provider %s [Attributes: %s]...\n", t.ID, volumeName(0), "{b5946137-7b9f-4925-af80-51abd60b20d5}", "0x00120019")
		ids = append(ids, t.ID)
		if snap := f.getenv("FAKEDSH_SNAPDIR"); snap != "" {
			if t.Exposed != "" {
				emptyDir(t.Exposed + `\`)
			}
			RemoveTree(filepath.Join(snap, t.ID))
		}
	}
	keep := f.st.Shadows[:0]
	for _, s := range f.st.Shadows {
		if !contains(ids, s.ID) {
			keep = append(keep, s)
		}
	}
	f.st.Shadows = keep
	f.printf("\nNumber of shadow copies deleted: %d\n", len(ids))
	return 0, false
}

// HookKind is the hook kind of a wrapper path (<job>-<kind>.cmd), or "".
func HookKind(path string) string {
	base := strings.ToLower(filepath.Base(strings.ReplaceAll(path, `\`, "/")))
	for _, k := range []string{"pre_snapshot", "post_snapshot", "verify"} {
		if strings.HasSuffix(base, "-"+k+".cmd") {
			return k
		}
	}
	return ""
}

// hook plays a hook wrapper off Windows: when the wrapper runs a command
// (it names its .started file), the start file, the command's output and
// its exit code from FAKEDSH_HOOKS are written into VSSMIRROR_RUN_DIR; the
// wrapper exits 1 when the command failed. "hang" never ends (after the
// start file), as a hook that does not return.
func (f *fake) hook(kind, path string) int {
	dir := f.getenv("VSSMIRROR_RUN_DIR")
	data, _ := os.ReadFile(path)
	base := strings.TrimSuffix(filepath.Base(strings.ReplaceAll(path, `\`, "/")), ".cmd")
	if dir == "" || !strings.Contains(string(data), base+".started") {
		return 0
	}
	spec := "0"
	for _, item := range strings.Split(f.getenv("FAKEDSH_HOOKS"), ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(item), ":"); ok && k == kind {
			spec = v
		}
	}
	os.WriteFile(filepath.Join(dir, base+".started"), []byte(kind+"\r\n"), 0o644)
	if spec == "hang" {
		f.save()
		for {
			time.Sleep(time.Hour)
		}
	}
	if n, ok := strings.CutPrefix(spec, "exit="); ok {
		// A called batch script that ends with `exit N` (no /b) ends the
		// wrapper's cmd.exe with N: no result file is written.
		code, _ := strconv.Atoi(n)
		os.WriteFile(filepath.Join(dir, base+".out.log"), []byte(kind+" hook output\r\n"), 0o644)
		return code
	}
	code, _ := strconv.Atoi(spec)
	os.WriteFile(filepath.Join(dir, base+".out.log"), []byte(fmt.Sprintf("%s hook output\r\nexiting %d\r\n", kind, code)), 0o644)
	os.WriteFile(filepath.Join(dir, base+".rc"), []byte(fmt.Sprintf("%d\r\n", code)), 0o644)
	if code != 0 {
		return 1
	}
	return 0
}

// robocopyLog is a small robocopy log in the English layout; with code 8 or
// more one file failed with access denied.
func robocopyLog(code int) string {
	failed, errLines := 0, ""
	if code >= 8 {
		failed = 1
		errLines = "2026/01/02 03:04:05 ERROR 5 (0x00000005) Copying File S:\\Shares\\locked.db\r\nAccess is denied.\r\n\r\nERROR: RETRY LIMIT EXCEEDED.\r\n\r\n"
	}
	return "\r\n-------------------------------------------------------------------------------\r\n" +
		"   ROBOCOPY     ::     Robust File Copy for Windows                              \r\n" +
		"-------------------------------------------------------------------------------\r\n\r\n" +
		"  Started : Monday, January 2, 2026 3:04:00 AM\r\n   Source : S:\\Shares\\\r\n     Dest : \\\\nas\\b\\D\\Shares\\\r\n\r\n" +
		"    Files : *.*\r\n\t    \r\n  Options : *.* /S /E /DCOPY:DAT /COPY:DAT /PURGE /MIR /NP /R:2 /W:5 \r\n\r\n" +
		"------------------------------------------------------------------------------\r\n\r\n" +
		"\t    New File  \t\t     100\ta.txt\r\n" + errLines +
		"\r\n------------------------------------------------------------------------------\r\n\r\n" +
		"               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n" +
		"    Dirs :         1         1         0         0         0         0\r\n" +
		fmt.Sprintf("   Files :         %d         1         0         0         %d         0\r\n", 1+failed, failed) +
		"   Bytes :       100       100         0         0         0         0\r\n" +
		"   Times :   0:00:01   0:00:01                       0:00:00   0:00:00\r\n\r\n" +
		"   Ended : Monday, January 2, 2026 3:04:01 AM\r\n\r\n"
}

// copyTree copies the files and folders under src into dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return err
		}
		return os.Chtimes(target, fi.ModTime(), fi.ModTime())
	})
}

// emptyDir removes everything inside dir, keeping dir.
func emptyDir(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		RemoveTree(filepath.Join(dir, e.Name()))
	}
}

// RemoveTree removes path and everything below it with plain deletes (see
// robodouble.RemoveTree).
func RemoveTree(path string) error { return robodouble.RemoveTree(path) }

// AbortFile is the abort marker the runner writes into the run folder
// (runner.AbortFile); the copy script checks for it first and last and
// exits 16 when it is there. Off Windows the double plays that check.
const AbortFile = "vssmirror-abort"

// AliasFile is the file the copy script writes first (runner.AliasFile):
// <alias>=<shadow ID> per volume, then VSS_SHADOW_SET=<set ID>, CRLF.
// With FAKEDSH_ALIASES set the double writes it off Windows as the script
// would, from the variables create set.
const AliasFile = "vssmirror-aliases.txt"

func (f *fake) writeAliases(path string) {
	var b strings.Builder
	for _, s := range f.st.Shadows {
		if contains(f.created, s.ID) {
			fmt.Fprintf(&b, "%s=%s\r\n", s.Alias, f.vars[strings.ToLower(s.Alias)])
		}
	}
	fmt.Fprintf(&b, "VSS_SHADOW_SET=%s\r\n", f.vars["vss_shadow_set"])
	os.WriteFile(path, []byte(b.String()), 0o644)
}

// Exclusion is one FAKEDSH_EXCLUDE entry: a writer's component that needs
// a volume; an empty Component stands for the whole writer.
type Exclusion struct {
	Writer, Component, Volume string
}

var exclusionRE = regexp.MustCompile(`^([^:]+):(.*):([A-Za-z]):?\\?$`)

// ParseExclusions reads FAKEDSH_EXCLUDE: comma-separated
// WRITER:COMPONENT:VOLUME entries, e.g. `SqlServerWriter:\HOST\master:C:`
// (the component may hold colons; an empty one excludes the whole writer).
func ParseExclusions(s string) []Exclusion {
	var out []Exclusion
	for _, item := range strings.Split(s, ",") {
		if m := exclusionRE.FindStringSubmatch(strings.TrimSpace(item)); m != nil {
			out = append(out, Exclusion{Writer: m[1], Component: m[2], Volume: strings.ToUpper(m[3]) + ":"})
		}
	}
	return out
}

// excluded prints, as create does, the FAKEDSH_EXCLUDE components whose
// volume is not in the set: diskshadow's two-line message (the second
// entry without the comma, as some real lines are), and for a whole
// writer both whole-writer forms.
func (f *fake) excluded() {
	if f.nowriters {
		return
	}
	for i, e := range ParseExclusions(f.getenv("FAKEDSH_EXCLUDE")) {
		inSet := slices.ContainsFunc(f.pending, func(s Shadow) bool { return strings.EqualFold(s.Volume, e.Volume) })
		if inSet {
			continue
		}
		if e.Component == "" {
			f.printf("The writer \"%s\" is now entirely excluded from the backup.\n", e.Writer)
			f.printf("Excluding writer \"%s\", because all of its components have been excluded.\n", e.Writer)
			continue
		}
		comma := ","
		if i%2 == 1 {
			comma = ""
		}
		f.printf("Component \"%s\" from writer \"%s\" is excluded from backup"+comma+"\n", e.Component, e.Writer)
		f.printf("because it requires volume %s which is not in the shadow copy set.\n", e.Volume+`\`)
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Component is one FAKEDSH_WRITERS entry: a writer's component that the
// verbose listing at create names.
type Component struct {
	Writer, Name string
}

// ParseWriters reads FAKEDSH_WRITERS: one WRITER:COMPONENT per line (the
// writer's name ends at the first colon; the component is the rest).
func ParseWriters(s string) []Component {
	var out []Component
	for _, l := range strings.Split(s, "\n") {
		if w, c, ok := strings.Cut(strings.TrimRight(l, "\r"), ":"); ok && w != "" {
			out = append(out, Component{Writer: w, Name: c})
		}
	}
	return out
}

// writers prints, as create does with set verbose on, the FAKEDSH_WRITERS
// listing: each writer's "* Including writer" line, its "+ Adding
// component" lines, then a blank line.
func (f *fake) writers() {
	if f.nowriters {
		return
	}
	cs := ParseWriters(f.getenv("FAKEDSH_WRITERS"))
	for i, c := range cs {
		if i == 0 || cs[i-1].Writer != c.Writer {
			f.printf("* Including writer \"%s\":\n", c.Writer)
		}
		f.printf("\t+ Adding component: %s\n", c.Name)
		if i == len(cs)-1 || cs[i+1].Writer != c.Writer {
			fmt.Fprintln(f.out)
		}
	}
}
