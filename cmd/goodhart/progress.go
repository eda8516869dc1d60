package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressBar shows how a scan or a check goes on a terminal: steps done
// of the total, the rate and the time left, redrawn in place at most ten
// times a second. A nil bar shows nothing.
//
// The bar is a line without its end, on standard error: anything else
// written to the same terminal meanwhile must call clear first (and the
// bar redraws on its next step), or that text would begin after the bar
// and leave it behind.
type progressBar struct {
	w        io.Writer
	verb     string // "scanning"
	unit     string // "commits"
	total    int
	done     int
	start    time.Time
	lastDraw time.Time
	shown    bool // drawn and not cleared
	finished bool
}

func newProgressBar(w io.Writer, total int) *progressBar {
	return newStepBar(w, "scanning", "commits", total)
}

// newStepBar is a bar that says "VERB [===   ] done/total UNIT".
func newStepBar(w io.Writer, verb, unit string, total int) *progressBar {
	b := &progressBar{w: w, verb: verb, unit: unit, total: total, start: time.Now()}
	b.draw()
	return b
}

// set moves the bar to done of total steps.
func (b *progressBar) set(done, total int) {
	if b == nil {
		return
	}
	b.done, b.total = done, total
	if !b.shown || time.Since(b.lastDraw) >= 100*time.Millisecond || done == total {
		b.draw()
	}
}

// clear takes the bar off the terminal until its next step.
func (b *progressBar) clear() {
	if b == nil || !b.shown {
		return
	}
	b.shown = false
	fmt.Fprint(b.w, "\r\x1b[K")
}

func (b *progressBar) advance() {
	if b == nil {
		return
	}
	b.done++
	if !b.shown || time.Since(b.lastDraw) >= 100*time.Millisecond || b.done == b.total {
		b.draw()
	}
}

func (b *progressBar) draw() {
	if b.finished {
		return
	}
	b.lastDraw = time.Now()
	b.shown = true
	const width = 30
	filled := width
	if b.total > 0 {
		filled = width * b.done / b.total
	}
	elapsed := time.Since(b.start).Seconds()
	rate, eta := 0.0, "?"
	if elapsed > 0 && b.done > 0 {
		rate = float64(b.done) / elapsed
		eta = clock(time.Duration(float64(max(b.total-b.done, 0)) / rate * float64(time.Second)))
	}
	filled = min(max(filled, 0), width)
	fmt.Fprintf(b.w, "\r\x1b[K%s [%s%s] %d/%d %s  %.1f/s  ETA %s", b.verb,
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), b.done, b.total, b.unit, rate, eta)
}

// finish clears the bar, so that it leaves nothing behind in the terminal.
func (b *progressBar) finish() {
	if b == nil || b.finished {
		return
	}
	b.clear()
	b.finished = true
}

// clock is a duration as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
