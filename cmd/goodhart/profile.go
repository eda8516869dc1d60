package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"time"
)

// startProfiles starts the profiles the environment asks for, to measure
// goodhart on a real repository: GOODHART_CPUPROFILE=FILE (pprof's CPU
// profile), GOODHART_MEMPROFILE=FILE (the heap at exit, pprof's format),
// GOODHART_PEAKPROFILE=FILE (the heap when the most was live),
// GOODHART_TRACE=FILE (runtime/trace). The function it returns ends them.
func startProfiles() (stop func()) {
	var stops []func()
	if path := os.Getenv("GOODHART_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err != nil {
			fmt.Fprintf(os.Stderr, "goodhart: GOODHART_CPUPROFILE: %v\n", err)
		} else if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(os.Stderr, "goodhart: GOODHART_CPUPROFILE: %v\n", err)
			f.Close()
		} else {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := os.Getenv("GOODHART_TRACE"); path != "" {
		if f, err := os.Create(path); err != nil {
			fmt.Fprintf(os.Stderr, "goodhart: GOODHART_TRACE: %v\n", err)
		} else if err := trace.Start(f); err != nil {
			fmt.Fprintf(os.Stderr, "goodhart: GOODHART_TRACE: %v\n", err)
			f.Close()
		} else {
			stops = append(stops, func() { trace.Stop(); f.Close() })
		}
	}
	if path := os.Getenv("GOODHART_PEAKPROFILE"); path != "" {
		stops = append(stops, peakProfile(path))
	}
	if path := os.Getenv("GOODHART_MEMPROFILE"); path != "" {
		stops = append(stops, func() {
			f, err := os.Create(path)
			if err == nil {
				err = pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "goodhart: GOODHART_MEMPROFILE: %v\n", err)
			}
		})
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}

// peakProfile samples the live heap (as measured by the last collection)
// every 10 ms and keeps pprof's heap profile of the largest seen, which
// shows what a run held at its peak rather than at its end; the function it
// returns takes a last sample and writes the profile to path.
func peakProfile(path string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	var (
		best bytes.Buffer
		max  uint64
		have bool
	)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	consider := func() {
		metrics.Read(sample)
		if v := sample[0].Value.Uint64(); !have || v > max+max/20 {
			max, have = v, true
			best.Reset()
			_ = pprof.Lookup("heap").WriteTo(&best, 0)
		}
	}
	go func() {
		defer close(finished)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				consider()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		consider()
		if err := os.WriteFile(path, best.Bytes(), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "goodhart: GOODHART_PEAKPROFILE: %v\n", err)
		}
	}
}
