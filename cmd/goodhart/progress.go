package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressBar shows how a scan goes on a terminal: commits done of the
// total, the rate and the time left, redrawn in place at most ten times a
// second. A nil bar shows nothing.
type progressBar struct {
	w        io.Writer
	total    int
	done     int
	start    time.Time
	lastDraw time.Time
	finished bool
}

func newProgressBar(w io.Writer, total int) *progressBar {
	b := &progressBar{w: w, total: total, start: time.Now()}
	b.draw()
	return b
}

func (b *progressBar) advance() {
	if b == nil {
		return
	}
	b.done++
	if time.Since(b.lastDraw) >= 100*time.Millisecond || b.done == b.total {
		b.draw()
	}
}

func (b *progressBar) draw() {
	b.lastDraw = time.Now()
	const width = 30
	filled := width
	if b.total > 0 {
		filled = width * b.done / b.total
	}
	elapsed := time.Since(b.start).Seconds()
	rate, eta := 0.0, "?"
	if elapsed > 0 && b.done > 0 {
		rate = float64(b.done) / elapsed
		eta = clock(time.Duration(float64(b.total-b.done) / rate * float64(time.Second)))
	}
	fmt.Fprintf(b.w, "\r\x1b[Kscanning [%s%s] %d/%d commits  %.1f/s  ETA %s",
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), b.done, b.total, rate, eta)
}

// finish clears the bar, so that it leaves nothing behind in the terminal.
func (b *progressBar) finish() {
	if b == nil || b.finished {
		return
	}
	b.finished = true
	fmt.Fprint(b.w, "\r\x1b[K")
}

// clock is a duration as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
