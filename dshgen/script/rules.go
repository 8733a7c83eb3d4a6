package script

import "fmt"

// Severity of a finding.
type Severity string

// Severities. Errors fail lint (exit 3), warnings only with --strict, and
// information never: it says what diskshadow will do where a reader may not
// expect it.
const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
	SevInfo    Severity = "info"
)

// Rule is one check of the linter. Docs names what the rule rests on: the
// Microsoft Learn pages of the diskshadow command reference, or, where
// Microsoft documents nothing, the evidence (a real log) and the word
// "undocumented".
type Rule struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"`
	Docs     string   `json:"docs"`
}

// learn is the folder of the diskshadow command reference on Microsoft Learn.
const learn = "https://learn.microsoft.com/windows-server/administration/windows-commands/"

// vssContexts is the VSS API page of the contexts diskshadow's set context
// selects: VSS_CTX_BACKUP, "the standard backup context", is nonpersistent
// with writers; VSS_CTX_CLIENT_ACCESSIBLE is "created without writer
// involvement".
const vssContexts = "https://learn.microsoft.com/windows/win32/api/vss/ne-vss-vss_snapshot_context"

// Rules lists every lint rule, errors first. Rules kept in their own files
// add themselves with registerRule.
var Rules = []Rule{
	{"line-endings", SevError, "LF or mixed line endings: diskshadow cuts the last character of every LF line, and the rest of the script is linted as it reads it",
		"undocumented; real logs echo `-> end backu` for an LF script (testdata/diskshadow, docs/WINDOWS.md), and github.com/beyondessential/bestool commit b232440 reports `set context persistent` read as `set context persisten` and rejected"},
	{"encoding", SevError, "a byte order mark, UTF-16 or non-ASCII bytes",
		"undocumented: diskshadow reads a script as ANSI text; a BOM becomes part of the first command"},
	{"unknown-command", SevError, "a command diskshadow does not know",
		learn + "diskshadow (the command list)"},
	{"bad-syntax", SevError, "an unknown option or a missing or extra argument",
		learn + "set-context, set-option, add-volume, expose, delete-shadows, list_2 ... (each command's Syntax)"},
	{"expose-not-persistent", SevError, "expose of a shadow copy that is not persistent (no set context means the default, non-persistent one)",
		learn + "expose (\"Exposes a persistent shadow copy\"), " + learn + "set-context, " + vssContexts + " (VSS_CTX_BACKUP, the standard context, is nonpersistent)"},
	{"undefined-alias", SevError, "%alias% used before create (or load metadata) defines it, or never defined",
		learn + "add_1 (\"Aliases are not added to the alias environment until the shadow copy is created\"), " + learn + "load-metadata"},
	{"duplicate-alias", SevError, "an alias defined twice, or named like a variable diskshadow sets itself",
		learn + "add-alias, " + learn + "expose (%VSS_SHADOW_1%)"},
	{"letter-exposed-twice", SevError, "the same drive letter exposed twice",
		learn + "expose"},
	{"create-without-volume", SevError, "create with no volume added",
		learn + "add-volume (\"At least one volume is required for shadow copy creation\")"},
	{"too-many-volumes", SevError, "more than 64 volumes in one shadow copy set",
		"https://learn.microsoft.com/windows/win32/api/vsbackup/nf-vsbackup-ivssbackupcomponents-addtosnapshotset (64 volumes per set)"},
	{"verify-without-writers", SevError, "writer verify in a context without writers",
		learn + "set-context (\"nowriters: Specifies that all writers are excluded\"), " + learn + "writer, " + vssContexts + " (clientaccessible: \"created without writer involvement\")"},
	{"option-conflict", SevError, "noautorecover with txfrecover or rollbackrecover, or differential with plex",
		learn + "set-option"},
	{"delete-all", SevError, "delete shadows all deletes every shadow copy on the server",
		learn + "delete-shadows (\"all: Deletes all shadow copies\")"},
	{"needs-load-metadata", SevError, "import or begin restore without load metadata before it",
		learn + "import (\"you must use the load metadata command\"), " + learn + "load-metadata (\"You must run this command before the begin restore command\")"},
	{"context-after-add", SevWarning, "set context after add volume",
		learn + "add-volume (\"This check can be invalidated by later use of the set context command\")"},
	{"begin-without-end", SevWarning, "begin backup without end backup: writers never get BackupComplete",
		learn + "begin-backup, " + learn + "end-backup"},
	{"end-without-begin", SevWarning, "end backup without begin backup: a copy backup, so no full backup session for end backup to end (a risk: what diskshadow then does is undocumented)",
		learn + "end-backup (\"Ends a full backup session\"), " + learn + "begin-backup"},
	{"exposed-not-deleted", SevWarning, "a persistent, exposed shadow copy that is never deleted",
		learn + "set-context (\"persists across program exit, reset, or restart\"), " + learn + "expose"},
	{"exec-without-cleanup", SevWarning, "exec with persistent shadow copies and no delete shadows after it",
		learn + "exec, " + learn + "set-context"},
	{"exec-leak", SevWarning, "exec before the delete shadows of a persistent shadow copy: when the executed script fails diskshadow quits, and the shadow stays (exposed, if it was)",
		learn + "exec (\"If the script fails, an error is returned and DiskShadow quits\"), " + learn + "set-context (persistent shadows outlive the session)"},
	{"end-before-exec", SevWarning, "end backup before exec: writers are told of a backup that has not been copied yet",
		learn + "end-backup, " + learn + "exec (\"used to duplicate or restore data as part of a backup\")"},
	{"backup-nowriters", SevWarning, "begin backup under nowriters: no writer takes part, so nothing gets backup semantics",
		learn + "set-context (\"nowriters: Specifies that all writers are excluded\"), " + learn + "begin-backup, " + vssContexts + " (clientaccessible: \"created without writer involvement\")"},
	{"no-writer-verify", SevWarning, "writers excluded, or a full backup, without any writer verify: a writer whose volumes are not all in the set is left out without an error",
		learn + "writer (\"The backup ... will fail if the writer or component is not included\"), docs/WINDOWS.md (the exclusion messages of real logs)"},
	{"path-with-spaces", SevWarning, "a path with spaces that is not in double quotes: diskshadow splits it into words",
		learn + "writer (quotes a name with spaces), " + learn + "set-metadata, " + learn + "exec"},
	{"alias-hides-variable", SevWarning, "an alias named like an environment variable (TEMP, PATH, ...) that an exec'd script then sees set to a shadow copy ID",
		learn + "add-volume (\"an environment variable links the alias to the shadow ID\"), " + learn + "exec"},
	{"delete-volume-alias", SevWarning, "delete shadows volume (or oldest) given an add volume alias, which holds a shadow copy ID, not a volume: a risk that it deletes nothing and the shadow copy stays",
		learn + "delete-shadows (\"volume <volume>: Deletes all shadow copies of the given volume\"; only set and id take a %alias%), " + learn + "add-volume (\"an environment variable links the alias to the shadow ID\")"},
	{"reset-discards", SevWarning, "a setting that reset throws away before anything used it",
		learn + "reset (\"you will lose state information from commands, such as add, set, load, or writer\")"},
	{"no-metadata", SevInfo, "writers take part but no set metadata: diskshadow writes the writer metadata to a dated .cab in the current folder",
		learn + "import (\"DiskShadow automatically requests and saves [it] in a .cab metadata file in the working directory\"), " + learn + "set-metadata"},
	{"lf-cut", SevInfo, "what an LF line becomes once diskshadow has cut its last character",
		"undocumented; real logs echo `-> end backu` for an LF script (testdata/diskshadow, docs/WINDOWS.md)"},
}

// wholeScriptCheck is a rule kept in its own file: it sees the script as
// diskshadow reads it (after the LF cut) and reports through l.add.
type wholeScriptCheck func(l *linter, s *Script)

var extraChecks []wholeScriptCheck

// registerRule adds a rule and its check; call it from an init function of
// the file that holds the rule.
func registerRule(r Rule, check wholeScriptCheck) {
	for _, have := range Rules {
		if have.ID == r.ID {
			panic("dshgen/script: rule " + r.ID + " registered twice")
		}
	}
	Rules = append(Rules, r)
	extraChecks = append(extraChecks, check)
}

func ruleOf(id string) Rule {
	for _, r := range Rules {
		if r.ID == id {
			return r
		}
	}
	panic("dshgen/script: unknown lint rule " + id)
}

// Finding is one problem the linter found.
type Finding struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Message  string   `json:"message"`
}

// String formats f the way compilers do: file:line: severity: [rule] message.
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s: [%s] %s", f.File, f.Line, f.Severity, f.Rule, f.Message)
}
