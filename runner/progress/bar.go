package progress

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// barView draws one bar per source that started, redrawn in place by
// mpb. mpb's container is also an io.Writer that prints above the bars:
// diskshadow's streamed output and vssmirror's messages go through it, so
// neither tears a bar. A source with an estimate shows a bar of its
// percentage; one without shows only its counts (no bar: a made-up
// fraction would mislead).
type barView struct {
	p       *mpb.Progress
	out     io.Writer
	mu      sync.Mutex
	bars    map[int]*mpb.Bar
	text    map[int]string // what each bar's decorator shows
	current map[int]string // and the file being copied
}

// barScale is a bar's total: per mille of the estimate.
const barScale = 1000

func newBarView(out io.Writer) *barView {
	return &barView{
		out:  out,
		p:    mpb.New(mpb.WithOutput(out), mpb.WithAutoRefresh(), mpb.WithRefreshRate(250*time.Millisecond), mpb.WithWidth(100)),
		bars: map[int]*mpb.Bar{}, text: map[int]string{}, current: map[int]string{},
	}
}

// update sets each started source's bar from its status.
func (v *barView) update(sources []SourceStatus, total int) {
	for i := range sources {
		s := &sources[i]
		if s.State == SourceWaiting || s.State == SourceListing || s.State == SourceSkipped && v.bars[s.Index] == nil {
			continue
		}
		v.mu.Lock()
		v.text[s.Index] = BarText(s)
		v.current[s.Index] = ""
		if s.State == SourceCopying {
			v.current[s.Index] = Clean(s.CurrentFile)
		}
		v.mu.Unlock()
		b := v.bars[s.Index]
		if b == nil {
			b = v.add(s, total)
		}
		switch {
		case s.State == SourceDone:
			if s.Estimate != nil {
				b.SetCurrent(barScale)
			} else {
				b.SetTotal(-1, true)
			}
		case s.Percent != nil:
			b.SetCurrent(int64(*s.Percent * barScale / 100))
		}
	}
}

func (v *barView) add(s *SourceStatus, total int) *mpb.Bar {
	idx := s.Index
	name := decor.Name(fmt.Sprintf("source %d/%d %s", s.Index, total, Tail(Clean(s.Path), 32)))
	reserve := 0
	if s.Estimate != nil {
		reserve = barWidth + 2
	}
	// mpb fills the decorators first and gives the bar what is left: the
	// current file takes only the room the bar does not need.
	info := decor.Any(func(st decor.Statistics) string {
		v.mu.Lock()
		defer v.mu.Unlock()
		text, cur := v.text[idx], v.current[idx]
		if room := st.AvailableWidth - reserve - len(text) - len(" now "); cur != "" && room >= 12 {
			text += " now " + Tail(cur, room)
		}
		return text
	})
	var b *mpb.Bar
	if s.Estimate != nil {
		b = v.p.New(barScale, mpb.BarStyle(), mpb.BarWidth(barWidth), mpb.PrependDecorators(name), mpb.AppendDecorators(info))
	} else {
		b = v.p.New(0, mpb.NopStyle(), mpb.PrependDecorators(name), mpb.AppendDecorators(info))
	}
	v.bars[idx] = b
	return b
}

// barWidth is the width of a bar.
const barWidth = 24

// close ends the bars (a source that did not finish keeps its last
// state) and waits until the last frame is drawn: whatever is printed
// next comes after it.
func (v *barView) close() {
	for _, b := range v.bars {
		b.Abort(false)
	}
	v.p.Wait()
}

// console is the writer other output goes through while the bars show:
// above them, or straight to the output should mpb have stopped (it stops
// rendering when it cannot read the console's size): output is never
// lost to the bar.
type console struct {
	p   *mpb.Progress
	out io.Writer
}

func (c console) Write(b []byte) (int, error) {
	if n, err := c.p.Write(b); err == nil {
		return n, nil
	}
	return c.out.Write(b)
}
