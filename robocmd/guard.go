package robocmd

import (
	"fmt"
	"os"
)

// GuardRefusedExit is the exit code of `vssmirror guard` when it refuses a
// mirror (or cannot read the /L log). The copy script mirrors only when the
// guard exits 0: any other code, a crash's negative one too, refuses.
const GuardRefusedExit = 1

// JudgeListLog reads the log of a /L pass and judges it with
// DeletionGuard. A log that cannot be read or holds no robocopy job is
// refused: what /MIR would delete is unknown. `vssmirror guard` (in the
// copy script) and the runner's report both judge through it.
func JudgeListLog(path string, maxPercent, maxFiles int) GuardVerdict {
	f, err := os.Open(path)
	if err != nil {
		return GuardVerdict{Message: fmt.Sprintf("the /L log cannot be read (%v): cannot tell what /MIR would delete, refusing to mirror", err)}
	}
	defer f.Close()
	var last *LogJob
	if l, err := ParseLog(f, LogOptions{}); err == nil && len(l.Jobs) > 0 {
		last = l.Jobs[len(l.Jobs)-1]
	}
	return DeletionGuard(last, maxPercent, maxFiles)
}

// GuardVerdict is the deletion guard's judgement of a robocopy /L pass.
type GuardVerdict struct {
	OK      bool
	Deletes int64   // files /MIR would delete (extras)
	Files   int64   // files in the source and the backup together
	Percent float64 // Deletes / Files * 100
	Message string
}

// DeletionGuard judges the /L (list-only) pass of a mirror: the files it
// would delete are its extras; they may be at most maxPercent of all files
// seen (source files plus extras) and, when maxFiles > 0, at most maxFiles.
// A pass without a summary (robocopy failed) is refused.
func DeletionGuard(j *LogJob, maxPercent, maxFiles int) GuardVerdict {
	if j == nil || !j.Summary {
		return GuardVerdict{Message: "the robocopy /L pass did not finish: cannot tell what /MIR would delete, refusing to mirror"}
	}
	v := GuardVerdict{Deletes: j.Files.Extras, Files: j.Files.Total + j.Files.Extras}
	if v.Files > 0 {
		v.Percent = float64(v.Deletes) * 100 / float64(v.Files)
	}
	limit := fmt.Sprintf("limit %d%%", maxPercent)
	if maxFiles > 0 {
		limit += fmt.Sprintf(" and %d files", maxFiles)
	}
	switch {
	case v.Percent > float64(maxPercent):
		v.Message = fmt.Sprintf("/MIR would delete %d of %d files (%.1f%%), above the %s: refusing to mirror; check the source (a wrong or half-empty snapshot?) or raise guard.max_delete_percent", v.Deletes, v.Files, v.Percent, limit)
	case maxFiles > 0 && v.Deletes > int64(maxFiles):
		v.Message = fmt.Sprintf("/MIR would delete %d files, above the %s: refusing to mirror; check the source or raise guard.max_delete_files", v.Deletes, limit)
	default:
		v.OK = true
		v.Message = fmt.Sprintf("/MIR would delete %d of %d files (%.1f%%), within the %s", v.Deletes, v.Files, v.Percent, limit)
	}
	return v
}
