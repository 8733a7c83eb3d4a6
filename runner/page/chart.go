package page

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/runner/report"
)

// Chart geometry, in SVG user units (the SVG scales to the page's width).
const (
	chartW      = 640
	chartH      = 200
	chartLeft   = 72 // room for the value labels
	chartRight  = 16
	chartTop    = 12
	chartBottom = 28 // room for the date labels
	yTicks      = 4
)

// Chart is a line chart of one figure over time: a point per run,
// coloured by the run's status, on a time axis.
type Chart struct {
	ID     string // the figure's id (chart-duration, ...)
	Title  string
	Width  int
	Height int
	Left   float64 // the plot area
	Right  float64
	Top    float64
	Bottom float64
	YTicks []Tick
	XTicks []Tick
	Line   string // the polyline's points
	Points []Point
}

// Tick is a labelled grid line at Pos (y for value ticks, x for dates).
type Tick struct {
	Pos    float64
	Label  string
	Anchor string // text-anchor of a date: start, middle, end
}

// Point is one run on a chart; Title is its tooltip.
type Point struct {
	X, Y   float64
	Status Status
	Title  string
}

// Sample is one run's value on a chart.
type Sample struct {
	Time   time.Time
	Value  float64
	Status Status
	Label  string // what the tooltip names the run by (its run ID)
}

// Axis is how a chart's values are scaled and written.
type Axis struct {
	Top    func(max float64) float64 // a round top of the axis, at least max
	Format func(float64) string
}

// The axes of the history page.
var (
	// DurationAxis is seconds, with ticks on round minutes or hours.
	DurationAxis = Axis{Top: durationTop, Format: Duration}
	// BytesAxis is bytes, with ticks on round binary units.
	BytesAxis = Axis{Top: bytesTop, Format: func(v float64) string { return report.HumanBytes(int64(v)) }}
	// CountAxis is a count, with ticks on whole numbers.
	CountAxis = Axis{Top: countTop, Format: func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }}
)

// NewChart lays out samples (any order) on a time axis from the first to
// the last, and a value axis from 0 to the axis' round top; loc is the
// zone of the dates.
func NewChart(id, title string, samples []Sample, axis Axis, loc *time.Location) Chart {
	format := axis.Format
	c := Chart{ID: id, Title: title, Width: chartW, Height: chartH,
		Left: chartLeft, Right: chartW - chartRight, Top: chartTop, Bottom: chartH - chartBottom}
	if len(samples) == 0 {
		return c
	}
	t0, t1 := samples[0].Time, samples[0].Time
	vmax := 0.0
	for _, s := range samples {
		if s.Time.Before(t0) {
			t0 = s.Time
		}
		if s.Time.After(t1) {
			t1 = s.Time
		}
		vmax = max(vmax, s.Value)
	}
	top := axis.Top(vmax)
	y := func(v float64) float64 {
		return round1(c.Bottom - (max(v, 0)/top)*(c.Bottom-c.Top))
	}
	span := t1.Sub(t0)
	x := func(t time.Time) float64 {
		if span <= 0 {
			return round1((c.Left + c.Right) / 2)
		}
		return round1(c.Left + float64(t.Sub(t0))/float64(span)*(c.Right-c.Left))
	}
	for i := 0; i <= yTicks; i++ {
		v := top * float64(i) / yTicks
		c.YTicks = append(c.YTicks, Tick{Pos: y(v), Label: format(v)})
	}
	dateFmt := "2006-01-02"
	if span < 48*time.Hour {
		dateFmt = "01-02 15:04"
	}
	if span > 0 {
		c.XTicks = []Tick{{Pos: x(t0), Label: t0.In(loc).Format(dateFmt), Anchor: "start"},
			{Pos: x(t0.Add(span / 2)), Label: t0.Add(span / 2).In(loc).Format(dateFmt), Anchor: "middle"},
			{Pos: x(t1), Label: t1.In(loc).Format(dateFmt), Anchor: "end"}}
	} else {
		c.XTicks = []Tick{{Pos: x(t0), Label: t0.In(loc).Format(dateFmt), Anchor: "middle"}}
	}
	sorted := slices.Clone(samples)
	slices.SortStableFunc(sorted, func(a, b Sample) int { return a.Time.Compare(b.Time) })
	var line strings.Builder
	for i, s := range sorted {
		p := Point{X: x(s.Time), Y: y(s.Value), Status: s.Status,
			Title: fmt.Sprintf("%s %s: %s", s.Time.In(loc).Format("2006-01-02 15:04"), s.Label, format(s.Value))}
		c.Points = append(c.Points, p)
		if i > 0 {
			line.WriteByte(' ')
		}
		fmt.Fprintf(&line, "%g,%g", p.X, p.Y)
	}
	c.Line = line.String()
	return c
}

// countTop is the smallest top whose quarters are whole round numbers
// (4, 8, 12, 20, 40, 60, 80, 120, 200, ...) that is at least v.
func countTop(v float64) float64 {
	if !(v > 4) || math.IsInf(v, 0) { // NaN, small, negative
		return 4
	}
	for p := 1.0; ; p *= 10 {
		for _, m := range []float64{4, 8, 12, 20, 40, 60, 80} {
			if m*p >= v {
				return m * p
			}
		}
	}
}

// durationTop is a top in seconds whose quarters are round: seconds,
// then minutes, then hours, then days.
func durationTop(v float64) float64 {
	for _, unit := range []float64{1, 60, 3600, 86400} {
		for _, m := range []float64{4, 8, 12, 20, 40, 60} {
			if unit == 3600 && m == 60 {
				m = 48 // 2 days: quarters of 12 hours
			}
			if m*unit >= v {
				return m * unit
			}
		}
	}
	return countTop(v/86400) * 86400
}

// bytesTop is a top whose quarters are round in the binary unit of v
// (KiB, MiB, GiB, TiB).
func bytesTop(v float64) float64 {
	unit := 1.0
	for v/unit >= 1024 && unit < 1<<50 {
		unit *= 1024
	}
	return countTop(v/unit) * unit
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// Bar is a horizontal bar split by status: how many rows stand how.
type Bar struct {
	Width    int
	Height   int
	Segments []Segment
}

// Segment is one status's part of a Bar.
type Segment struct {
	X, W   float64
	Status Status
	Count  int
	Label  string
}

// NewBar splits a bar by the count of each status, worst first; statuses
// with no rows take no room.
func NewBar(counts map[Status]int) Bar {
	b := Bar{Width: chartW, Height: 28}
	total := 0
	for _, n := range counts {
		total += n
	}
	if total == 0 {
		return b
	}
	st := Statuses()
	x := 0.0
	for i := len(st) - 1; i >= 0; i-- {
		n := counts[st[i]]
		if n == 0 {
			continue
		}
		w := round1(float64(n) / float64(total) * chartW)
		b.Segments = append(b.Segments, Segment{X: x, W: w, Status: st[i], Count: n, Label: fmt.Sprintf("%s: %d", st[i], n)})
		x = round1(x + w)
	}
	return b
}
