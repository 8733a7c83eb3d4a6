// Package restore brings files back from a backup set (`vssmirror
// restore`): it picks the set (by name, or the newest good set at or
// before a date, from the sets' manifests), copies a folder of it, or the
// files a run kept from deletion, to a target folder with robocopy (/E,
// the job's copy flags, never /MIR or /PURGE: nothing at the target is
// deleted), refuses to write over a source's live folder unless asked to
// and then lists what it will overwrite first, and reports like a run.
// For writer-aware restores it generates, for review, a diskshadow script
// (load metadata, begin restore, exec, end restore), the copy-back script
// and a README of the manual steps (writer.go).
package restore
