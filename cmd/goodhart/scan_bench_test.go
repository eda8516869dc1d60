package main

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/goodhart-dev/goodhart/internal/genhistory"
)

// BenchmarkScan scans 100 commits of a generated history of standard
// library files on each backend (scripts/bench-scan.sh compares a larger
// scan with git log -p).
func BenchmarkScan(b *testing.B) {
	src := filepath.Join(runtime.GOROOT(), "src")
	if _, err := os.Stat(src); err != nil {
		b.Skip("no Go sources to build a history from")
	}
	dir := filepath.Join(b.TempDir(), "bench.git")
	if err := genhistory.Generate(genhistory.Options{Src: src, Dir: dir, Commits: 100, MaxFiles: 600, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	for _, backend := range []string{"git", "go-git"} {
		b.Run(backend, func(b *testing.B) {
			b.Setenv("GOODHART_GIT", backend)
			cfg := scanConfig{Repo: dir, Revs: []string{"HEAD"}, AllAuthors: true, Format: "text", Workers: runtime.GOMAXPROCS(0)}
			for b.Loop() {
				if err := runScan(io.Discard, cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
