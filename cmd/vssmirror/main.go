// Command vssmirror turns a declarative job file into the diskshadow and
// robocopy scripts that back up a live Windows Server consistently.
package main

import "os"

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}
