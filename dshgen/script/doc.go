// Package script owns the diskshadow script language as vssmirror checks
// it: the parser (Parse), which splits a script into statements and notes
// its encoding and line endings without ever failing on odd text, and the
// linter (Lint, LintFile and the Rules it applies), which `vssmirror lint`
// runs on any script and dshgen runs on every .dsh it renders.
//
// The linter knows what diskshadow itself does not say until it runs: that
// it cuts the last character of every LF line, that aliases must be
// defined before use, that only persistent shadows can be exposed. Inputs
// are bounded (MaxScriptSize, MaxScriptLines): a script holds a few KB.
package script
