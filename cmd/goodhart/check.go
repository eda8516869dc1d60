package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/gitutil"
	"github.com/goodhart-dev/goodhart/report"
)

// checkConfig is what a check needs, whichever command asked for it.
type checkConfig struct {
	Repo        string // a folder of the repository
	Base, Head  string // revisions; Base "" means gitutil.DefaultBase
	Format      string // "text" or "json"
	AssumeAgent bool
	Color       bool // colour the text report
}

var formatFlag = &cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or json"}

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "check the commits of a branch for test-gaming shortcuts",
		UsageText: "goodhart check [--repo DIR] [--base REV] [--head REV] [--format text|json] [--fail-on error|warning|info|never] [--assume-agent]",
		Description: "Compares the merge base of --base and --head with --head and reports each\n" +
			"shortcut with the commit that introduced it. Without --base, the first of\n" +
			strings.Join(gitutil.BaseCandidates, ", ") + " that exists is used.\n\n" +
			"Exit status: 0 when nothing at or above --fail-on was found, 1 when something\n" +
			"was, 2 for a usage or runtime error.",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "repo", Value: ".", Usage: "a folder of the git repository to check"},
			&cli.StringFlag{Name: "base", Usage: "the `REV` the change started from (default: origin/HEAD, origin/main, … whichever exists)"},
			&cli.StringFlag{Name: "head", Value: "HEAD", Usage: "the `REV` to check"},
			formatFlag,
			&cli.StringFlag{Name: "fail-on", Value: "error", Usage: "exit 1 on findings of this `SEVERITY` or above: error, warning, info or never"},
			&cli.BoolFlag{Name: "assume-agent", Usage: "treat every commit as made by a coding agent"},
		},
		Action: check,
	}
}

func check(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	failOn, never, err := parseFailOn(c.String("fail-on"))
	if err != nil {
		return err
	}
	cfg := checkConfig{
		Repo:        c.String("repo"),
		Base:        c.String("base"),
		Head:        c.String("head"),
		Format:      c.String("format"),
		AssumeAgent: c.Bool("assume-agent"),
		Color:       colorFor(c.App.Writer),
	}
	res, err := runCheck(c.App.Writer, cfg)
	if err != nil {
		return err
	}
	if !never && res.Count(failOn) > 0 {
		return cli.Exit("", exitFindings)
	}
	return nil
}

// parseFailOn reads --fail-on; never is true for "never".
func parseFailOn(s string) (min detect.Severity, never bool, err error) {
	if s == "never" {
		return detect.Info, true, nil
	}
	min, err = detect.ParseSeverity(s)
	if err != nil {
		return min, false, cli.Exit(fmt.Sprintf("bad --fail-on %q (want error, warning, info or never)", s), exitError)
	}
	return min, false, nil
}

// runCheck opens the repository, resolves the range, runs the analysis and
// writes the report. It is the one path from flags to findings, shared by
// check and demo.
func runCheck(w io.Writer, cfg checkConfig) (*detect.Result, error) {
	write, err := writerFor(cfg)
	if err != nil {
		return nil, err
	}
	repo, err := gitutil.Open(cfg.Repo)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	base, head, err := resolveRange(repo, cfg.Base, cfg.Head)
	if err != nil {
		return nil, err
	}
	res, err := detect.Check(repo, base, head, detect.Options{AssumeAgent: cfg.AssumeAgent})
	if err != nil {
		return nil, err
	}
	return res, write(w, res)
}

// writerFor picks the report writer, before any work is done, so that a bad
// --format fails fast.
func writerFor(cfg checkConfig) (func(io.Writer, *detect.Result) error, error) {
	switch cfg.Format {
	case "text":
		return func(w io.Writer, r *detect.Result) error {
			return report.Text(w, r, report.TextOptions{Color: cfg.Color})
		}, nil
	case "json":
		return report.JSON, nil
	}
	return nil, cli.Exit(fmt.Sprintf("unknown --format %q (want text or json)", cfg.Format), exitError)
}

// resolveRange turns the revisions into commit hashes; an empty base means
// the repository's usual base branch.
func resolveRange(repo gitutil.Repo, baseRev, headRev string) (base, head string, err error) {
	head, err = repo.Resolve(headRev)
	if err != nil {
		return "", "", fmt.Errorf("--head: %w", err)
	}
	if baseRev == "" {
		_, base, err = gitutil.DefaultBase(repo, head)
		return base, head, err
	}
	base, err = repo.Resolve(baseRev)
	if err != nil {
		return "", "", fmt.Errorf("--base: %w", err)
	}
	return base, head, nil
}

// colorFor reports whether text written to w should be coloured.
func colorFor(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && report.ColorEnabled(f)
}
