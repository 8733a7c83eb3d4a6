package job

// Version is the job file format version this package reads.
const Version = 1

// Job is one backup job: the volumes to snapshot, the sources to copy and
// where to copy them. Field names follow the YAML keys of the v1 format.
type Job struct {
	Version     int            `yaml:"version"`
	Name        string         `yaml:"name"`
	ScriptsDir  string         `yaml:"scripts_dir"`
	Destination string         `yaml:"destination"`
	Shadow      Shadow         `yaml:"shadow"`
	Sources     []Source       `yaml:"sources"`
	Robocopy    Robocopy       `yaml:"robocopy"`
	Guard       Guard          `yaml:"guard"`
	File        string         `yaml:"-"` // the file the job was read from, for messages
	lines       map[string]int // field path -> line, for messages
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
		Guard: Guard{
			MaxDeletePercent: 20,
			VssmirrorPath:    `C:\Program Files\vssmirror\vssmirror.exe`,
		},
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
