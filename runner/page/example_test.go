package page_test

import (
	"fmt"
	"time"

	"github.com/vssmirror/vssmirror/runner/page"
	"github.com/vssmirror/vssmirror/runner/report"
)

func ExampleAge() {
	fmt.Println(page.Age(27*time.Hour + 40*time.Minute))
	fmt.Println(page.Age(95 * time.Minute))
	// Output:
	// 1d 3h
	// 1h 35m
}

func ExampleDuration() {
	fmt.Println(page.Duration(5400), page.Duration(3723), page.Duration(14400))
	// Output: 1h30m 1h2m3s 4h
}

func ExampleStatusOf() {
	fmt.Println(page.StatusOf(report.Success, 0), page.StatusOf(report.CopyFailed, 0), page.StatusOf(report.Timeout, 0), page.StatusOf(report.CleanupFailed, 1))
	// Output: ok warning failed leaked
}
