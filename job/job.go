package job

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Version is the job file format version this package reads.
const Version = 1

// Job is one backup job: the volumes to snapshot, the sources to copy and
// where to copy them. Field names follow the YAML keys of the v1 format.
type Job struct {
	Version     int               `yaml:"version"`
	Name        string            `yaml:"name"`
	ScriptsDir  string            `yaml:"scripts_dir"`
	Destination string            `yaml:"destination"`
	Shadow      Shadow            `yaml:"shadow"`
	Sources     []Source          `yaml:"sources"`
	Robocopy    Robocopy          `yaml:"robocopy"`
	Guard       Guard             `yaml:"guard"`
	Manifest    Manifest          `yaml:"manifest"`
	Sets        Sets              `yaml:"sets"`
	Notify      Notify            `yaml:"notify"`
	Timeout     Duration          `yaml:"timeout"`
	Retention   Retention         `yaml:"retention"`
	Hooks       Hooks             `yaml:"hooks"`
	Verify      Verify            `yaml:"verify"`
	File        string            `yaml:"-"` // the file the job was read from, for messages
	lines       map[string]int    // field path -> line, for messages
	escapes     map[string]escape // field path -> double-quoted value written with an escape
}

// Shadow configures the diskshadow snapshot.
type Shadow struct {
	Writers        bool     `yaml:"writers"`
	BackupType     string   `yaml:"backup_type"`
	VerifyWriters  []string `yaml:"verify_writers"`
	ExcludeWriters []string `yaml:"exclude_writers"`
	Metadata       bool     `yaml:"metadata"`
	Verbose        bool     `yaml:"verbose"`
	ExposeLetters  []string `yaml:"expose_letters"`
	// SQLFullOK allows backup_type: full together with the SQL writer: a
	// full VSS backup resets the differential base of every database, which
	// SQL Server's own differential backups rely on.
	SQLFullOK bool `yaml:"sql_full_ok"`
}

// Backup types of shadow.backup_type.
const (
	BackupCopy = "copy" // writers freeze and thaw; no BackupComplete, no log truncation
	BackupFull = "full" // begin backup ... end backup: writers get BackupComplete
)

// Source is one folder to back up.
type Source struct {
	Path         string   `yaml:"path"`
	Target       string   `yaml:"target"`
	ExcludeDirs  []string `yaml:"exclude_dirs"`
	ExcludeFiles []string `yaml:"exclude_files"`
}

// Robocopy holds the robocopy switches used for every source.
type Robocopy struct {
	Mirror           bool     `yaml:"mirror"`
	FFT              bool     `yaml:"fft"`
	Retries          int      `yaml:"retries"`
	WaitSeconds      int      `yaml:"wait_seconds"`
	Threads          int      `yaml:"threads"`
	Copy             string   `yaml:"copy"`
	DCopy            string   `yaml:"dcopy"`
	BackupMode       bool     `yaml:"backup_mode"`
	ExcludeJunctions bool     `yaml:"exclude_junctions"`
	ExtraArgs        []string `yaml:"extra_args"`
	Path             string   `yaml:"path"`
	// KeepDeletedDays > 0 moves what /MIR would delete into the set's
	// _vssmirror\deleted\<run date>\ folder first, and prunes those
	// folders after this many days (0 = /MIR deletes them, as before).
	KeepDeletedDays int `yaml:"keep_deleted_days"`
}

// Guard is the deletion guard: before the real mirror, a robocopy /L pass
// in the same snapshot window counts what /MIR would delete, and the
// source is refused above the limits, so that a wrong or half-empty source
// cannot wipe a backup.
type Guard struct {
	Enabled          bool   `yaml:"enabled"`
	MaxDeletePercent int    `yaml:"max_delete_percent"` // of the files in the source and backup together
	MaxDeleteFiles   int    `yaml:"max_delete_files"`   // 0 = no absolute limit
	VssmirrorPath    string `yaml:"vssmirror_path"`     // vssmirror.exe on the server, which evaluates the /L pass
}

// Notify configures status messages.
type Notify struct {
	Email Email `yaml:"email"`
}

// Email is the status mail. It is sent when Host is set. The password is
// never written in the job file: it comes from an environment variable or
// a file.
type Email struct {
	Host         string   `yaml:"host"`
	Port         int      `yaml:"port"`
	Security     string   `yaml:"security"` // EmailSTARTTLS (default), EmailTLS, EmailNoTLS
	User         string   `yaml:"user"`
	PasswordEnv  string   `yaml:"password_env"`
	PasswordFile string   `yaml:"password_file"`
	From         string   `yaml:"from"`
	To           []string `yaml:"to"`
	When         string   `yaml:"when"` // EmailOnFailure (default) or EmailAlways
}

// Values of notify.email.security: how the status mail reaches the SMTP
// server.
const (
	EmailSTARTTLS = "starttls" // STARTTLS required, usually port 587 (default)
	EmailTLS      = "tls"      // implicit TLS, usually port 465
	EmailNoTLS    = "none"     // no encryption
)

// Values of notify.email.when: which runs send the status mail.
const (
	EmailOnFailure = "failure" // every run that did not succeed (default)
	EmailAlways    = "always"  // every run
)

// Set modes of the sets: field.
const (
	SetsSingle  = "single"  // one mirror (default)
	SetsWeekday = "weekday" // a set per weekday: Monday ... Sunday
	SetsRotate  = "rotate"  // N numbered sets used in turn: set-01 ... set-N
)

// Sets says how many copies of the backup are kept, each in its own folder
// under the destination. In the job file: `sets: single`, `sets: weekday`
// or `sets: {rotate: 7}`.
type Sets struct {
	Mode  string
	Count int // for rotate
}

func (s *Sets) decodeNode(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.ScalarNode && (n.Value == SetsSingle || n.Value == SetsWeekday):
		s.Mode = n.Value
		return ""
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == SetsRotate:
		c, err := strconv.Atoi(n.Content[1].Value)
		if err != nil || n.Content[1].Tag != "!!int" || c < 2 || c > 366 {
			return fmt.Sprintf("rotate takes a number of sets from 2 to 366, got %q", n.Content[1].Value)
		}
		s.Mode, s.Count = SetsRotate, c
		return ""
	}
	return "use single, weekday, or {rotate: N} (N numbered sets used in turn)"
}

// Names returns the folder names of the sets, in the order they are used;
// a single set has the one name "".
func (s Sets) Names() []string {
	switch s.Mode {
	case SetsWeekday:
		names := make([]string, 7)
		for i := range names { // Monday first, as people count a week
			names[i] = time.Weekday((i + 1) % 7).String()
		}
		return names
	case SetsRotate:
		names := make([]string, s.Count)
		for i := range names {
			names[i] = fmt.Sprintf("set-%02d", i+1)
		}
		return names
	}
	return []string{""}
}

// Retention says how long the runner keeps the folders of earlier runs
// (<scripts_dir>\runs\<run id>\: the scripts that ran and their logs). A
// run folder is removed only when both limits are exceeded: it is not among
// the newest KeepRuns runs and it is older than KeepDays days. The running
// run is never removed.
type Retention struct {
	KeepRuns int `yaml:"keep_runs"`
	KeepDays int `yaml:"keep_days"`
}

// Defaults of the retention section.
const (
	DefaultKeepRuns = 30
	DefaultKeepDays = 14
)

// DefaultTimeout is the default of the job's timeout: the longest a run
// may take before it is stopped and its shadows deleted.
const DefaultTimeout = 12 * time.Hour

// CleanupTimeout bounds the diskshadow that deletes a run's shadows after
// the run ended (also after its timeout or an interrupt, so it is not part
// of the timeout). A scheduled task's time limit is Timeout + CleanupTimeout
// + CleanupMargin, so Task Scheduler never stops a run that is cleaning up.
const (
	CleanupTimeout = 10 * time.Minute
	CleanupMargin  = 5 * time.Minute
)

// Duration is a length of time written like "12h" or "90m" in the job file.
type Duration time.Duration

func (d *Duration) decodeNode(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return fmt.Sprintf("%s is not a duration; write it like 12h, 90m or 6h30m", kindName(n))
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Sprintf("%q is not a duration; write it like 12h, 90m or 6h30m", n.Value)
	}
	*d = Duration(v)
	return ""
}

// Timeout limits of the job's timeout field.
const (
	MinTimeout = time.Minute
	MaxTimeout = 7 * 24 * time.Hour
)

// String writes d as in a job file: 12h, 1h30m, 90s (no zero units at the end).
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// TaskTimeLimit is the execution time limit of the job's scheduled task.
func (j *Job) TaskTimeLimit() time.Duration {
	return j.Timeout.Std() + CleanupTimeout + CleanupMargin
}

// Hooks are the commands run around the snapshot, each in a generated
// wrapper .cmd that diskshadow's exec calls. Each hook is one command: the
// program (or .cmd/.bat script) as the first entry, its arguments after it.
type Hooks struct {
	PreSnapshot    []string `yaml:"pre_snapshot"`    // before create; a failure means no snapshot
	PostSnapshot   []string `yaml:"post_snapshot"`   // right after create and expose, before the copy; always runs once after pre_snapshot ran
	Verify         []string `yaml:"verify"`          // after every source was copied, before end backup
	TimeoutSeconds int      `yaml:"timeout_seconds"` // per hook
}

// Any reports whether the job has a hook.
func (h Hooks) Any() bool {
	return len(h.PreSnapshot) > 0 || len(h.PostSnapshot) > 0 || len(h.Verify) > 0
}

// Hook kinds: the names of the hooks fields, used in file names, the
// report and the wrappers' VSSMIRROR_HOOK.
const (
	HookPre    = "pre_snapshot"
	HookPost   = "post_snapshot"
	HookVerify = "verify"
)

// Defaults of the hooks section.
const (
	DefaultHookTimeout = 300
	MaxHookTimeout     = 86400
)

// Verify is the built-in verification, run by the verify wrapper after the
// copy and before end backup (distinct from hooks.verify, the admin's own
// commands, which run in the same wrapper first).
type Verify struct {
	Eseutil          bool     `yaml:"eseutil"`           // eseutil /k on every .edb, /ml on every log folder
	EseutilPath      string   `yaml:"eseutil_path"`      // eseutil.exe on the server
	On               string   `yaml:"on"`                // VerifyOnSnapshot (default) or VerifyOnCopy
	SampleHashes     int      `yaml:"sample_hashes"`     // SHA-256 of N random files, snapshot against destination
	HashCopiedMax    int      `yaml:"hash_copied_max"`   // with sample_hashes, every file robocopy copied is hashed too, up to this many per source
	VerifyComponents []string `yaml:"verify_components"` // writer verify of a component: WRITER:\LOGICAL\PATH\NAME
}

// Where the eseutil checks read the databases (verify.on).
const (
	VerifyOnSnapshot = "snapshot" // the exposed snapshot: frozen, not the copy that may still change on the NAS
	VerifyOnCopy     = "copy"     // the destination after the copy
)

// DefaultEseutil is eseutil's path on an Exchange Server 2016/2019 server.
const DefaultEseutil = `C:\Program Files\Microsoft\Exchange Server\V15\Bin\eseutil.exe`

// DefaultHashCopiedMax is the default cap of copied files hashed per source.
const DefaultHashCopiedMax = 1000

// Enabled reports whether the verify section asks for any check.
func (v Verify) Enabled() bool { return v.Eseutil || v.SampleHashes > 0 }

// Defaults returns a job with every default of the v1 format filled in;
// Load decodes the file over it.
func Defaults() Job {
	return Job{
		Shadow: Shadow{
			Writers:    true,
			BackupType: BackupCopy,
			Metadata:   true,
			Verbose:    true,
		},
		Sets:      Sets{Mode: SetsSingle},
		Hooks:     Hooks{TimeoutSeconds: DefaultHookTimeout},
		Verify:    Verify{EseutilPath: DefaultEseutil, On: VerifyOnSnapshot, HashCopiedMax: DefaultHashCopiedMax},
		Timeout:   Duration(DefaultTimeout),
		Retention: Retention{KeepRuns: DefaultKeepRuns, KeepDays: DefaultKeepDays},
		Notify:    Notify{Email: Email{Port: 587, Security: EmailSTARTTLS, When: EmailOnFailure}},
		Guard: Guard{
			MaxDeletePercent: 20,
			VssmirrorPath:    `C:\Program Files\vssmirror\vssmirror.exe`,
		},
		Manifest: Manifest{HashWorkers: DefaultHashWorkers},
		Robocopy: Robocopy{
			Mirror:           true,
			FFT:              true,
			Retries:          2,
			WaitSeconds:      5,
			Threads:          8,
			Copy:             "DAT",
			DCopy:            "DAT",
			BackupMode:       true,
			ExcludeJunctions: true,
			Path:             "robocopy.exe",
		},
	}
}

// Line returns the line of the job file where the field at path (such as
// "sources[1].path") was written, or 0 if it was not in the file.
func (j *Job) Line(path string) int {
	return j.lines[path]
}
