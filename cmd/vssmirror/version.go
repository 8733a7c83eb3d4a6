package main

import "github.com/vssmirror/vssmirror/internal/buildinfo"

// Set by a release build: goreleaser's default ldflags
// (-X main.version={{.Version}} -X main.commit={{.Commit}} -X main.date={{.Date}}).
// Unstamped, `vssmirror --version` shows what the Go toolchain recorded.
var (
	version = buildinfo.Unknown
	commit  = ""
	date    = ""
)

// versionLine is what `vssmirror --version` prints after the program's name.
func versionLine() string { return buildinfo.Read(version, commit, date).String() }
