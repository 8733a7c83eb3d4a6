// Package buildinfo says which vssmirror this is: the version, commit and
// build date a release build stamps with -ldflags (goreleaser), or, for a
// binary built by `go install module@version` or `go build` in a checkout,
// what the Go toolchain recorded (runtime/debug.ReadBuildInfo: the module
// version, a pseudo-version's commit and time, the VCS stamp).
package buildinfo
