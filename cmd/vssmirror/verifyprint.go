package main

import (
	"fmt"
	"io"

	"github.com/vssmirror/vssmirror/runner/verify"
)

// printVerify prints verify's result for a person.
func printVerify(w io.Writer, r *verify.Result) {
	set := r.Set
	if set == "" {
		set = "(single)"
	}
	fmt.Fprintf(w, "set %s in %s, manifest %s of run %s\n", set, r.Folder, r.Manifest, r.RunID)
	for _, m := range r.Warnings {
		fmt.Fprintf(w, "WARNING: %s\n", m)
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "%-10s source %d  %s", f.Kind, f.Source, f.Path)
		if f.Want != "" || f.Got != "" {
			fmt.Fprintf(w, "  (manifest: %s, set: %s)", f.Want, f.Got)
		}
		fmt.Fprintln(w)
	}
	if n := sum(r.Counts); n > int64(len(r.Findings)) {
		fmt.Fprintf(w, "... and %d more findings (see --json counts)\n", n-int64(len(r.Findings)))
	}
	verdict := "GOOD"
	if !r.OK {
		verdict = "DAMAGED"
	}
	fmt.Fprintf(w, "%s: %d files in the manifest, %d checked, %d hashed\n", verdict, r.Files, r.Checked, r.Hashed)
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}
