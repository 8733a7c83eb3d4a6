// Package script owns the diskshadow script language as vssmirror checks
// it: the parser (Parse), which splits a script into statements and notes
// its encoding and line endings without ever failing on odd text, and the
// linter (Lint, LintFile and the Rules it applies), which `vssmirror lint`
// runs on any script and dshgen runs on every .dsh it renders.
//
// Files: parse.go (text to statements; Script.AsRead, the script as
// diskshadow reads an LF file), rules.go (the Rules table, each with the
// Microsoft documentation it rests on; registerRule for a rule kept in a
// file of its own), lint.go (encoding, line endings, the LF cut,
// suppressions), walk.go (the model of one diskshadow session: context,
// writers, aliases, shadows created, loaded from metadata, exposed and
// deleted, reset, exit), lintfile.go (files).
//
// The linter knows what diskshadow itself does not say until it runs: that
// it cuts the last character of every LF line, that aliases must be
// defined before use (or come back with load metadata), that only
// persistent shadows can be exposed and that a failed exec leaves them
// behind. It is measured on real scripts from public repositories
// (testdata/corpus, TestCorpusPrecisionRecall). Inputs are bounded
// (MaxScriptSize, MaxScriptLines): a script holds a few KB.
package script
