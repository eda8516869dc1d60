package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/goodhart-dev/goodhart/gitutil"
	"github.com/goodhart-dev/goodhart/gitutil/patch"
)

// What a check judges beyond commits: checkConfig.Source.
const (
	sourceWorktree = gitutil.WorktreeCommit // --worktree
	sourceIndex    = gitutil.IndexCommit    // --staged
	sourceDiff     = gitutil.DiffCommit     // --diff FILE
)

// maxDiff bounds a diff read for --diff.
const maxDiff = 256 << 20

// sourceFlags are check's flags for work that is not committed.
func sourceFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "worktree", Usage: "judge the branch's commits and the changes not yet committed (staged, unstaged, untracked files git does not ignore) as one range"},
		&cli.BoolFlag{Name: "staged", Usage: "judge the branch's commits and what is staged in the index"},
		&cli.StringFlag{Name: "diff", Usage: "judge a unified diff (`FILE`, - for standard input) applied to --base (default HEAD)"},
	}
}

// readSource reads --worktree, --staged and --diff into cfg; they exclude
// each other and --head.
func readSource(c *cli.Context, cfg *checkConfig) error {
	var set []string
	for _, name := range []string{"worktree", "staged", "diff"} {
		if c.IsSet(name) {
			set = append(set, "--"+name)
		}
	}
	if len(set) > 1 {
		return cli.Exit(fmt.Sprintf("%s and %s exclude each other (see goodhart check --help)", set[0], set[1]), exitError)
	}
	if len(set) == 1 && c.IsSet("head") {
		return cli.Exit(fmt.Sprintf("%s checks changes laid over HEAD (or --base): it excludes --head", set[0]), exitError)
	}
	switch {
	case c.Bool("worktree"):
		cfg.Source = sourceWorktree
	case c.Bool("staged"):
		cfg.Source = sourceIndex
	case c.IsSet("diff"):
		cfg.Source, cfg.DiffFile = sourceDiff, c.String("diff")
		if cfg.DiffFile == "" {
			return cli.Exit("--diff needs a FILE (- for standard input)", exitError)
		}
	}
	return nil
}

// uncommittedRange lays the work that is not committed over the repository
// as a pseudo-commit and returns the range to judge: from the base (the
// branch's, as for a check of commits; HEAD on the base branch itself)
// to the pseudo-commit. For --diff the pseudo-commit sits on --base
// (default HEAD) and the range is that commit to the diff applied.
func uncommittedRange(repo gitutil.Repo, cfg checkConfig, warn io.Writer) (gitutil.Repo, string, string, []string, error) {
	if cfg.Source == sourceDiff {
		return diffRange(repo, cfg)
	}
	head, edits, err := gitutil.Uncommitted(repo, cfg.Repo, cfg.Source == sourceIndex)
	if err != nil {
		return nil, "", "", nil, err
	}
	subject := "changes not yet committed (work tree)"
	if cfg.Source == sourceIndex {
		subject = "changes staged, not yet committed (index)"
	}
	over, err := gitutil.NewOverlay(repo, cfg.Source, head, subject, edits)
	if err != nil {
		return nil, "", "", nil, err
	}
	var base string
	if cfg.Base != "" {
		if base, err = repo.Resolve(cfg.Base); err != nil {
			return nil, "", "", nil, fmt.Errorf("--base: %w", err)
		}
		return over, base, cfg.Source, nil, nil
	}
	_, base, err = gitutil.DefaultBase(repo, head)
	var headIsBase *gitutil.HeadIsBaseError
	switch {
	case errors.As(err, &headIsBase):
		base = head // on the base branch itself: what is not committed yet
	case errors.Is(err, gitutil.ErrNoBase):
		base = head
		fmt.Fprintf(warn, "goodhart: no base branch (%s) exists: judging only the changes not yet committed; pass --base REV to include the branch's commits\n",
			joinOr(gitutil.BaseCandidates))
	case err != nil:
		return nil, "", "", nil, err
	}
	return over, base, cfg.Source, nil, nil
}

// diffRange applies the --diff file to --base (HEAD by default).
func diffRange(repo gitutil.Repo, cfg checkConfig) (gitutil.Repo, string, string, []string, error) {
	baseRev := cfg.Base
	if baseRev == "" {
		baseRev = "HEAD"
	}
	base, err := repo.Resolve(baseRev)
	if err != nil {
		return nil, "", "", nil, fmt.Errorf("--base: %w", err)
	}
	var data []byte
	if cfg.DiffFile == "-" {
		in := cfg.Stdin
		if in == nil {
			in = os.Stdin
		}
		data, err = patch.ReadAll(in, maxDiff)
	} else {
		var f *os.File
		if f, err = os.Open(cfg.DiffFile); err == nil {
			data, err = patch.ReadAll(f, maxDiff)
			f.Close()
		}
	}
	if err != nil {
		return nil, "", "", nil, fmt.Errorf("--diff: %w", err)
	}
	res, err := patch.Apply(repo, base, data)
	if err != nil {
		return nil, "", "", nil, err // names the file and the hunk
	}
	over, err := gitutil.NewOverlay(repo, sourceDiff, base, "the diff of "+diffName(cfg.DiffFile), res.Edits)
	if err != nil {
		return nil, "", "", nil, err
	}
	return over, base, sourceDiff, res.Notes, nil
}

func diffName(file string) string {
	if file == "-" {
		return "standard input"
	}
	return file
}

// joinOr is "a, b or c".
func joinOr(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	s := items[0]
	for _, it := range items[1 : len(items)-1] {
		s += ", " + it
	}
	return s + " or " + items[len(items)-1]
}

// pseudoAgent names agent as the maker of the pseudo-commit, and leaves
// every other commit to agentOf.
func pseudoAgent(agentOf func(gitutil.Commit) string, agent string) func(gitutil.Commit) string {
	if agent == "" {
		return agentOf
	}
	return func(c gitutil.Commit) string {
		if gitutil.IsPseudo(c.Hash) {
			return agent
		}
		return agentOf(c)
	}
}
