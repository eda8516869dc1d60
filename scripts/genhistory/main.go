// Command genhistory writes a long, realistic git history of Go code, for
// benchmarking goodhart scan (see scripts/bench-scan.sh):
//
//	go run ./scripts/genhistory -out /tmp/bench.git -commits 1200
//
// It starts from the Go files of -src (default: the standard library of the
// Go that runs it) and edits them commit after commit, as people and coding
// agents would, with now and then a skipped, quietened or deleted test.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/goodhart-dev/goodhart/internal/genhistory"
)

func main() {
	opts := genhistory.Options{Pack: true}
	flag.StringVar(&opts.Src, "src", filepath.Join(runtime.GOROOT(), "src"), "the `folder` of Go files to start from")
	flag.StringVar(&opts.Dir, "out", "", "where to write the bare repository (must not exist)")
	flag.IntVar(&opts.Commits, "commits", 1200, "how many commits after the first")
	flag.IntVar(&opts.MaxFiles, "max-files", 0, "take at most this many files from -src (0: all)")
	flag.Uint64Var(&opts.Seed, "seed", 1, "the seed: the same seed gives the same repository")
	flag.IntVar(&opts.Comments, "comments", 70, "the `percent` of edits that only insert comment lines; the rest remove or copy functions")
	flag.Parse()
	if opts.Dir == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := genhistory.Generate(opts); err != nil {
		fmt.Fprintln(os.Stderr, "genhistory:", err)
		os.Exit(1)
	}
}
