// Command robocopy is the robocopy test double (package robodouble) as an
// executable, built as robocopy.exe for the wine end-to-end suite.
package main

import (
	"os"

	"github.com/vssmirror/vssmirror/internal/robodouble"
)

func main() { os.Exit(robodouble.Main(os.Args[1:], os.Stdout, os.Getenv)) }
