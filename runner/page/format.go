package page

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Duration writes a run's length rounded to the second, without zero
// trailing units: 1h2m3s, 1h30m, 4h, 32m, 0s.
func Duration(seconds float64) string {
	s := time.Duration(seconds * float64(time.Second)).Round(time.Second).String()
	for _, zero := range []string{"0s", "0m"} {
		if t := strings.TrimSuffix(s, zero); t != s && t != "" && !unicode.IsDigit(rune(t[len(t)-1])) {
			s = t
		}
	}
	return s
}

// Age writes how long ago something was, to two units: 3d 4h, 5h 12m,
// 14m, 40s.
func Age(d time.Duration) string {
	if d < 0 {
		return "in the future"
	}
	days, d := d/(24*time.Hour), d%(24*time.Hour)
	hours, d := d/time.Hour, d%time.Hour
	mins, secs := d/time.Minute, (d%time.Minute)/time.Second
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	case mins > 0:
		return fmt.Sprintf("%dm", mins)
	default:
		return fmt.Sprintf("%ds", secs)
	}
}

// TimeLayout is how a page and a console table write a time.
const TimeLayout = "2006-01-02 15:04"

// Zone names a time zone for a page's header: "UTC" or "CET (UTC+01:00)".
func Zone(loc *time.Location, at time.Time) string {
	name, off := at.In(loc).Zone()
	if off == 0 && (name == "UTC" || name == "GMT" || name == "") {
		return "UTC"
	}
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%s (UTC%c%02d:%02d)", name, sign, off/3600, off%3600/60)
}
