package main

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// scanConfig is what a scan needs.
type scanConfig struct {
	Repo       string
	Revs       []string // where the walk starts; with All, every ref
	All        bool
	Since      time.Time
	Max        int // commits of history to look at; 0: all
	AllAuthors bool
	NoMerges   bool
	Agent      string // check only this agent's commits
	Signatures string
	Format     string // text or json
	Workers    int
	Color      bool
	Progress   io.Writer // where the progress bar goes; nil for none
}

// scanCacheSize bounds what a scan keeps of unchanged files between
// commits (detect.Cache, which shares it out: declarations three eighths,
// syntax trees five sixteenths, file facts an eighth, declaration facts a
// sixteenth, the tests' cross-references of packages the rest): enough
// for a few large packages. More trees made a scan faster, but took its
// peak past 200 MB.
const scanCacheSize = 48 << 20

func scanCommand() *cli.Command {
	return &cli.Command{
		Name:  "scan",
		Usage: "audit a repository's history: which agents took which shortcuts, and how often",
		UsageText: "goodhart scan [--repo DIR] [--rev REV | --all] [--since DATE|DURATION] [--max-commits N] " +
			"[--all-authors] [--no-merges] [--agent NAME] [--format text|json]",
		Description: "Walks history from --rev (newest first, as git log does) and checks each commit\n" +
			"an agent made against its first parent; a merge is checked for what it left unlike\n" +
			"every parent (its conflict resolutions). Prints the findings of each commit, then a table per agent: commits\n" +
			"checked, commits with findings, findings per rule, and findings per 100 commits.\n\n" +
			"Exit status: 0 when the scan ran (whatever it found), 2 for a usage or runtime error.",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "repo", Value: ".", Usage: "a folder of the git repository to scan"},
			&cli.StringFlag{Name: "rev", Value: "HEAD", Usage: "the `REV` whose history is scanned"},
			&cli.BoolFlag{Name: "all", Usage: "scan the history of every ref (branches, tags, remotes) instead of --rev"},
			&cli.StringFlag{Name: "since", Usage: "only commits committed since `DATE` (2025-01-31, RFC 3339) or DURATION ago (90d, 2w, 36h)"},
			&cli.IntFlag{Name: "max-commits", Usage: "look at the `N` newest commits of the history at most (0: all)"},
			&cli.BoolFlag{Name: "all-authors", Usage: "check people's commits too, for comparison"},
			&cli.BoolFlag{Name: "no-merges", Usage: "skip merge commits"},
			agentFlag,
			signaturesFlag,
			&cli.StringFlag{Name: "format", Value: "text", Usage: "`FORMAT` of standard output: text or json"},
			&cli.IntFlag{Name: "workers", Value: runtime.GOMAXPROCS(0), Usage: "check `N` commits at a time"},
		},
		Action:      scan,
		Subcommands: []*cli.Command{scanMergeCommand()},
	}
}

func scan(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	cfg := scanConfig{
		Repo:       c.String("repo"),
		Revs:       []string{c.String("rev")},
		All:        c.Bool("all"),
		Max:        c.Int("max-commits"),
		AllAuthors: c.Bool("all-authors"),
		NoMerges:   c.Bool("no-merges"),
		Agent:      c.String("agent"),
		Signatures: c.String("agent-signatures"),
		Format:     c.String("format"),
		Workers:    c.Int("workers"),
		Color:      colorFor(c.App.Writer),
	}
	if cfg.All && c.IsSet("rev") {
		return cli.Exit("--rev and --all name different histories: give one", exitError)
	}
	if cfg.Format != "text" && cfg.Format != "json" {
		return cli.Exit(fmt.Sprintf("unknown --format %q (want text or json)", cfg.Format), exitError)
	}
	if cfg.Max < 0 || cfg.Workers < 1 {
		return cli.Exit("--max-commits must be 0 or more and --workers 1 or more", exitError)
	}
	if s := c.String("since"); s != "" {
		since, err := parseSince(s, time.Now())
		if err != nil {
			return cli.Exit(fmt.Sprintf("bad --since %q: %v", s, err), exitError)
		}
		cfg.Since = since
	}
	if isTTY(c.App.ErrWriter) {
		cfg.Progress = c.App.ErrWriter
	}
	return runScan(c.App.Writer, cfg)
}

// scanMemoryLimit is the soft limit a scan over the git backend sets on
// the Go runtime's memory, unless GOMEMLIMIT says otherwise ("off" for
// none). Its live heap is mostly its caches and the commits in hand, far
// below this; without a limit the collector lets garbage grow to twice the
// live heap, and two workers on large commits at once took the process
// past 250 MB. Near the limit the collector runs sooner instead, at a
// small cost in time. The go-git backend keeps a large object cache of its
// own, which a limit this low would have the collector scan over and over.
const scanMemoryLimit = 160 << 20

// memoryLimit returns the memory limit a scan of repo sets, if any.
func memoryLimit(repo gitutil.Repo) (int64, bool) {
	if os.Getenv("GOMEMLIMIT") != "" || gitutil.Backend(repo) != "git" {
		return 0, false
	}
	return scanMemoryLimit, true
}

// parseSince reads a date (2025-01-31, or RFC 3339) or a duration before
// now: Go's (36h) or whole days and weeks (90d, 2w).
func parseSince(s string, now time.Time) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	d, err := parseDuration(s)
	if err != nil {
		return time.Time{}, errors.New("want a date (2025-01-31) or a duration (90d, 2w, 36h)")
	}
	if d < 0 {
		return time.Time{}, errors.New("a duration before now cannot be negative")
	}
	return now.Add(-d), nil
}

// parseDuration is time.ParseDuration plus whole days (90d) and weeks (2w).
func parseDuration(s string) (time.Duration, error) {
	days := map[byte]time.Duration{'d': 1, 'w': 7}
	if n := len(s); n > 1 && days[s[n-1]] > 0 {
		count, err := strconv.Atoi(s[:n-1])
		if err != nil {
			return 0, err
		}
		return time.Duration(count) * days[s[n-1]] * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// isTTY reports whether w is a terminal.
func isTTY(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// scanJob is one commit to check, numbered in history order.
type scanJob struct {
	index  int
	commit gitutil.Commit
	agent  string
	primed *detect.Primed // the commit's changed files, read ahead
}

// primeBudget bounds the bytes of changed files read ahead of the workers.
const primeBudget = 8 << 20

// runScan walks the history, checks the chosen commits on a pool of
// workers and writes the results in history order, then the table.
func runScan(w io.Writer, cfg scanConfig) error {
	cat, err := loadCatalog(cfg.Signatures)
	if err != nil {
		return err
	}
	if err := checkAgentName(cat, cfg.Agent); err != nil {
		return err
	}
	repo, err := gitutil.Open(cfg.Repo)
	if err != nil {
		return err
	}
	defer repo.Close()
	if limit, ok := memoryLimit(repo); ok {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
	}
	out := newScanWriter(w, cfg)
	if gitutil.IsShallow(repo) {
		out.notes = append(out.notes, "the history is shallow (a shallow clone): the commits at its edge have no parent here to compare with, "+
			"so they are not checked, nor is anything older; `git fetch --unshallow` fetches the whole history")
	}
	var bar *progressBar
	if cfg.Progress != nil {
		// A first walk for the total: commits are cheap to read, and a bar
		// without an end tells little.
		var walked int
		total, err := countJobs(selectCommits(repo, cat, cfg, &walked))
		if err != nil {
			return err
		}
		bar = newProgressBar(cfg.Progress, total)
		defer bar.finish()
		out.bar = bar
	}
	cache := detect.NewCache(scanCacheSize)
	ahead := newBudget(primeBudget)
	defer ahead.close()
	check := func(j scanJob) (*detect.Result, error) {
		defer ahead.release(j.primed.Size())
		return detect.CheckCommit(j.primed, j.commit, j.agent, cache)
	}
	jobs := primeAhead(repo, selectCommits(repo, cat, cfg, &out.walked), cfg.Workers, ahead)
	err = runPool(jobs, cfg.Workers, check, func(j scanJob, res *detect.Result) error {
		err := out.add(j, res)
		bar.advance() // after the commit's findings, which cleared it
		return err
	})
	if err != nil {
		return err
	}
	return out.finish() // clears the bar first
}

// selectCommits lists the commits to check: each an agent made (any, with
// AllAuthors; one, with Agent) that has a parent to compare with.
// walked counts the commits of the history looked at.
func selectCommits(repo gitutil.Repo, cat *gitutil.Catalog, cfg scanConfig, walked *int) iter.Seq2[scanJob, error] {
	opts := gitutil.HistoryOptions{Revs: cfg.Revs, All: cfg.All, Since: cfg.Since, Max: cfg.Max, NoMerges: cfg.NoMerges}
	return func(yield func(scanJob, error) bool) {
		i := 0
		for c, err := range gitutil.History(repo, opts) {
			if err != nil {
				yield(scanJob{}, err)
				return
			}
			*walked++
			agent := cat.Identify(c)
			if len(c.Parents) == 0 || agent == "" && !cfg.AllAuthors || cfg.Agent != "" && agent != cfg.Agent {
				continue
			}
			if !yield(scanJob{index: i, commit: c, agent: agent}, nil) {
				return
			}
			i++
		}
	}
}

// primeAhead reads the jobs' changed files on n goroutines while the
// workers check earlier jobs, and hands the jobs on in their order, with
// no more than the budget's bytes read and not yet checked.
//
// In order, because runPool bounds the jobs it holds unemitted: jobs
// handed on as they are read could fill that bound behind one slow commit
// and stall it. A primer waits for the budget before it takes a job, never
// while holding one, so the job due next is always being read or read.
func primeAhead(repo gitutil.Repo, jobs iter.Seq2[scanJob, error], n int, ahead *budget) iter.Seq2[scanJob, error] {
	type taken struct {
		seq int
		job scanJob
	}
	return func(yield func(scanJob, error) bool) {
		in, out, done := make(chan taken), make(chan taken, n), make(chan struct{})
		defer close(done)
		var walkErr error
		go func() {
			defer close(in)
			seq := 0
			for j, err := range jobs {
				if err != nil {
					walkErr = err
					return
				}
				select {
				case in <- taken{seq, j}:
					seq++
				case <-done:
					return
				}
			}
		}()
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ahead.wait() {
					t, ok := <-in
					if !ok {
						return
					}
					t.job.primed = detect.Prime(repo, t.job.commit)
					ahead.take(t.job.primed.Size())
					select {
					case out <- t:
					case <-done:
						return
					}
				}
			}()
		}
		go func() {
			wg.Wait()
			close(out)
		}()
		read := map[int]scanJob{} // read, waiting for an earlier job
		next := 0
		for t := range out {
			read[t.seq] = t.job
			for j, ok := read[next]; ok; j, ok = read[next] {
				delete(read, next)
				next++
				if !yield(j, nil) {
					return
				}
			}
		}
		// out is closed: the walk has ended and walkErr is settled.
		if walkErr != nil {
			yield(scanJob{}, walkErr)
		}
	}
}

// budget counts bytes in use against a limit.
type budget struct {
	mu     sync.Mutex
	cond   *sync.Cond
	used   int
	limit  int
	closed bool
}

func newBudget(limit int) *budget {
	b := &budget{limit: limit}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// wait blocks while the limit is reached; it returns false once closed.
func (b *budget) wait() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used >= b.limit && !b.closed {
		b.cond.Wait()
	}
	return !b.closed
}

func (b *budget) take(n int) {
	b.mu.Lock()
	b.used += n
	b.mu.Unlock()
}

func (b *budget) release(n int) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}

// close ends every wait, for good.
func (b *budget) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cond.Broadcast()
}

func countJobs(jobs iter.Seq2[scanJob, error]) (int, error) {
	n := 0
	for _, err := range jobs {
		if err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// runPool checks the jobs on a pool of workers and hands each result to
// emit in job order. Jobs in flight, and results waiting for an earlier one,
// are bounded, so memory does not grow with the history. The first error
// stops the pool.
func runPool(jobs iter.Seq2[scanJob, error], workers int, check func(scanJob) (*detect.Result, error),
	emit func(scanJob, *detect.Result) error) error {
	type result struct {
		job scanJob
		res *detect.Result
		err error
	}
	todo := make(chan scanJob)
	results := make(chan result)
	slots := make(chan struct{}, 64*workers) // jobs started and not yet emitted
	stop := make(chan struct{})
	var walkErr error
	go func() {
		defer close(todo)
		for j, err := range jobs {
			if err != nil {
				walkErr = err
				return
			}
			select {
			case slots <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case todo <- j:
			case <-stop:
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range todo {
				res, err := check(j)
				if err != nil {
					err = fmt.Errorf("commit %.12s: %w", j.commit.Hash, err)
				}
				select {
				case results <- result{j, res, err}:
				case <-stop:
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	waiting := map[int]result{}
	next := 0
	var firstErr error
	for r := range results {
		waiting[r.job.index] = r
		for firstErr == nil {
			r, ok := waiting[next]
			if !ok {
				break
			}
			delete(waiting, next)
			next++
			<-slots
			firstErr = r.err
			if firstErr == nil {
				firstErr = emit(r.job, r.res)
			}
			if firstErr != nil {
				close(stop)
			}
		}
	}
	// results is closed: the walk has ended and walkErr is settled.
	if firstErr != nil {
		return firstErr
	}
	return walkErr
}
