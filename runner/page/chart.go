package page

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
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
	Pos   float64
	Label string
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

// NewChart lays out samples (any order) on a time axis from the first to
// the last, and a value axis from 0 to a round maximum; format writes a
// value (a duration, bytes, a count) and loc is the zone of the dates.
func NewChart(id, title string, samples []Sample, format func(float64) string, loc *time.Location) Chart {
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
	top := niceCeil(vmax)
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
	c.XTicks = append(c.XTicks, Tick{Pos: x(t0), Label: t0.In(loc).Format(dateFmt)})
	if span > 0 {
		c.XTicks = append(c.XTicks, Tick{Pos: x(t0.Add(span / 2)), Label: t0.Add(span / 2).In(loc).Format(dateFmt)},
			Tick{Pos: x(t1), Label: t1.In(loc).Format(dateFmt)})
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

// niceCeil is the smallest 1, 2, 2.5 or 5 times a power of ten that is
// at least v (1 for v <= 0), so the axis labels are round numbers.
func niceCeil(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
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
