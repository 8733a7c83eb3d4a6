// Command esedouble is an eseutil.exe test double for the wine end-to-end
// suite: the two checks the verify wrapper runs, judged from the files'
// content, with eseutil's convention of exit 0 for success.
//
//	eseutil /k  FILE.edb    page checksums: fails (exit 1) when the file
//	                        holds the word CORRUPT
//	eseutil /ml BASE        log check of BASE*.log (BASE = folder and log
//	                        prefix, e.g. S:\Logs\E00): fails when one holds
//	                        CORRUPT, or when there is none
//
// Anything else exits 2. With ESEDOUBLE_LOG set, each call's arguments are
// appended to that file, one line each.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	if p := os.Getenv("ESEDOUBLE_LOG"); p != "" {
		if f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fmt.Fprintf(f, "%s\r\n", strings.Join(args, " "))
			f.Close()
		}
	}
	fmt.Println("Extensible Storage Engine Utilities for Microsoft(R) Exchange Server (test double)")
	if len(args) != 2 {
		fmt.Println("usage: eseutil /k FILE | /ml BASE")
		return 2
	}
	switch strings.ToLower(args[0]) {
	case "/k":
		return judge([]string{args[1]})
	case "/ml":
		logs, _ := filepath.Glob(args[1] + "*.log")
		if len(logs) == 0 {
			fmt.Println("no log files found for", args[1])
			return 1
		}
		return judge(logs)
	}
	fmt.Println("unknown switch", args[0])
	return 2
}

func judge(files []string) int {
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Println(f+":", err)
			return 1
		}
		if bytes.Contains(data, []byte("CORRUPT")) {
			fmt.Printf("%s: checksum mismatch (-1018)\n", f)
			return 1
		}
		fmt.Printf("%s: ok\n", f)
	}
	fmt.Println("Operation completed successfully.")
	return 0
}
