// Package job reads and validates vssmirror job files: the declarative YAML
// (version 1) that names what to snapshot with diskshadow and where robocopy
// mirrors it. Load decodes strictly, reporting every unknown key, wrong type
// and invalid value at once, each with its file, line and field path; the
// Job it returns is complete (defaults applied, paths normalized) and safe to
// render into diskshadow and cmd.exe scripts.
//
// The package also holds the catalog of VSS writers a job can name in
// shadow.verify_writers and shadow.exclude_writers (Writers, LookupWriter).
package job
