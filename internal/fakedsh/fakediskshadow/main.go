// Command fakediskshadow is the diskshadow test double (package fakedsh)
// as a program, built for Windows by the wine end-to-end suite.
package main

import (
	"os"

	"github.com/vssmirror/vssmirror/internal/fakedsh"
)

func main() {
	os.Exit(fakedsh.Main(os.Args[1:], os.Stdout, os.Getenv))
}
