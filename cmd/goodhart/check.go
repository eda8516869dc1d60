package main

import (
	"cmp"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	Formats     []string
	AssumeAgent bool
	// PR is the pull request under check, when known: when an agent opened
	// it, commits that name no agent count as that agent's.
	PR gitutil.PullRequest
	// FromEvent says Base and Head come from the GitHub event, not flags.
	FromEvent  bool
	Signatures string // --agent-signatures
	Agent      string // --agent: keep only this agent's findings
	ReportLink string // where the full report is, for github and markdown
	Color      bool   // colour the text report on a terminal
	// Source is what is judged beyond commits: "" (nothing), or the
	// pseudo-commit of --worktree, --staged or --diff (source.go).
	Source   string
	DiffFile string    // --diff: a file, or - for Stdin
	Stdin    io.Reader // nil: os.Stdin
	Warn     io.Writer // warnings that are not findings; nil: discarded
	// PseudoAgent is the agent the pseudo-commit is attributed to (the one
	// whose hook runs the check); "" leaves it to the usual attribution.
	PseudoAgent string
	Accept      string // --accept: a file of accepted findings
	Strict      bool   // --strict: no inline waivers
	Quiet       bool   // the text report's findings only
	// Progress is where a long check's progress bar goes (a terminal's
	// standard error); nil for none.
	Progress io.Writer
}

var formatFlag = &cli.StringSliceFlag{
	Name:      "format",
	KeepSpace: true, // a path may have spaces
	Usage: "`FORMAT` (standard output) or FORMAT=PATH (a file), repeatable; FORMAT is " +
		strings.Join(report.Formats, ", ") + " (default: text on standard output)",
}

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "check the commits of a branch for test-gaming shortcuts",
		UsageText: "goodhart check [--repo DIR] [--base REV] [--head REV | --worktree | --staged | --diff FILE] [--format FORMAT[=PATH]]... [--fail-on error|warning|info|never] [--quiet] [--assume-agent] [--agent NAME] [--agent-signatures FILE] [--accept FILE] [--strict]",
		Description: "Compares the merge base of --base and --head with --head and reports each\n" +
			"shortcut with the commit that introduced it. Without --base, the first of\n" +
			strings.Join(gitutil.BaseCandidates, ", ") + " that exists is used.\n\n" +
			"In GitHub Actions, on a pull_request or pull_request_target event and without\n" +
			"--base and --head, the pull request is checked: merge-base(base.sha, head.sha)..head.sha,\n" +
			"and when an agent's bot account opened it or its branch has an agent's prefix\n" +
			"(copilot/, claude/, …) every commit counts as that agent's.\n\n" +
			"--format may be given more than once: each FORMAT=PATH writes a file, and\n" +
			"standard output gets text unless a --format without PATH names another format.\n\n" +
			"--worktree judges the branch's commits and the changes not yet committed as one\n" +
			"range (--staged: what is staged), ending in a pseudo-commit named \"worktree\"\n" +
			"(\"index\"); on the base branch itself, from HEAD. --diff FILE (- for standard\n" +
			"input) applies a unified diff to --base (default HEAD) as git apply would and\n" +
			"judges it (pseudo-commit \"diff\"); a diff that does not apply is an error.\n\n" +
			"Exit status: 0 when nothing at or above --fail-on was found, 1 when something\n" +
			"was, 2 for a usage or runtime error.",
		OnUsageError: usageError,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "repo", Value: ".", Usage: "a folder of the git repository to check"},
			&cli.StringFlag{Name: "base", Usage: "the `REV` the change started from (default: origin/HEAD, origin/main, … whichever exists)"},
			&cli.StringFlag{Name: "head", Value: "HEAD", Usage: "the `REV` to check"},
			formatFlag,
			&cli.StringFlag{Name: "fail-on", Value: "error", Usage: "exit 1 on findings of this `SEVERITY` or above: error, warning, info or never"},
			&cli.BoolFlag{Name: "assume-agent", Usage: "treat every commit as made by a coding agent"},
			&cli.StringFlag{Name: "pr-author", Usage: "the GitHub `LOGIN` that opened the pull request: when it is a coding agent's, every commit counts as that agent's"},
			&cli.StringFlag{Name: "pr-branch", Usage: "the pull request's head `BRANCH`: when it has a coding agent's prefix (copilot/, claude/, …), every commit counts as that agent's"},
			agentFlag,
			signaturesFlag,
			acceptFlag,
			strictFlag,
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "text report: print the findings only (no commit list, notes or summary)"},
			&cli.StringFlag{Name: "report-link", Usage: "where readers find the full report (`TEXT`, e.g. a URL), for the github and markdown formats when they leave findings out"},
		}, sourceFlags()...),
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
		Formats:     c.StringSlice("format"),
		AssumeAgent: c.Bool("assume-agent"),
		Signatures:  c.String("agent-signatures"),
		Agent:       c.String("agent"),
		ReportLink:  c.String("report-link"),
		Color:       colorFor(c.App.Writer),
		Quiet:       c.Bool("quiet"),
		Accept:      c.String("accept"),
		Strict:      c.Bool("strict"),
		Stdin:       c.App.Reader,
		Warn:        c.App.ErrWriter,
	}
	if err := readSource(c, &cfg); err != nil {
		return err
	}
	if isTTY(c.App.ErrWriter) {
		cfg.Progress = c.App.ErrWriter
	}
	if err := applyEvent(c, &cfg); err != nil {
		return err
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

// applyEvent takes the range and the pull request from a GitHub pull
// request event, unless --base or --head name the range; --pr-author and
// --pr-branch override what the event says about the pull request.
func applyEvent(c *cli.Context, cfg *checkConfig) error {
	if !c.IsSet("base") && !c.IsSet("head") {
		pr, err := pullRequestFromEvent()
		if err != nil {
			return err
		}
		if pr != nil {
			cfg.Base, cfg.Head, cfg.PR, cfg.FromEvent = pr.BaseSHA, pr.HeadSHA, *pr, true
		}
	}
	if c.IsSet("pr-author") {
		cfg.PR.Author = gitutil.Account{Login: c.String("pr-author")}
	}
	if c.IsSet("pr-branch") {
		cfg.PR.HeadRef = c.String("pr-branch")
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
// writes the reports. It is the one path from flags to findings, shared by
// check, demo and the pre-push hook.
func runCheck(w io.Writer, cfg checkConfig) (*detect.Result, error) {
	outputs, err := parseOutputs(cfg.Formats)
	if err != nil {
		return nil, err
	}
	cat, err := loadCatalog(cfg.Signatures)
	if err != nil {
		return nil, err
	}
	if err := checkAgentName(cat, cfg.Agent); err != nil {
		return nil, err
	}
	accepted, err := loadAccept(cfg.Accept)
	if err != nil {
		return nil, err
	}
	repo, err := openRepo(cfg.Repo)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	var base, head string
	var notes []string
	if cfg.Source != "" {
		repo, base, head, notes, err = uncommittedRange(repo, cfg, cmp.Or[io.Writer](cfg.Warn, io.Discard))
	} else {
		base, head, err = resolveRange(repo, cfg.Base, cfg.Head)
	}
	var unknown *gitutil.UnknownRevisionError
	if cfg.FromEvent && errors.As(err, &unknown) {
		return nil, fmt.Errorf("the pull request's commit %s is not in this clone: fetch it "+
			"(actions/checkout fetches one commit unless told `fetch-depth: 0`)", unknown.Rev)
	} else if err != nil {
		return nil, err
	}
	opts := detect.Options{AssumeAgent: cfg.AssumeAgent, AgentOf: pseudoAgent(agentOf(cat, cfg.PR), cfg.PseudoAgent), Strict: cfg.Strict, Accept: accepted}
	var bar *progressBar
	if cfg.Progress != nil {
		opts.Progress = func(done, total int) {
			if bar == nil {
				bar = newStepBar(cfg.Progress, "checking", "steps", total)
			}
			bar.set(done, total)
		}
	}
	res, err := detect.Check(repo, base, head, opts)
	bar.finish() // before any report is written
	if err != nil {
		return nil, err
	}
	res.Notes = append(res.Notes, notes...)
	if cfg.Agent != "" {
		keepAgent(res, cfg.Agent)
	}
	return res, writeReports(w, outputs, res, cfg)
}

// parseOutputs reads the --format values, before any work is done so that
// a bad one fails fast. Standard output gets text unless one of them claims
// it; only one may.
func parseOutputs(specs []string) ([]report.Output, error) {
	var outputs []report.Output
	stdout := 0
	targets := map[string]string{} // file → the --format that writes it
	for _, spec := range specs {
		o, err := report.ParseOutput(spec)
		if err != nil {
			return nil, cli.Exit(fmt.Sprintf("unknown --format %q (want %s, each optionally =PATH)", spec, formatList()), exitError)
		}
		if _, path, ok := strings.Cut(spec, "="); ok && path == "" {
			return nil, cli.Exit(fmt.Sprintf("--format %q: the path after = is empty (give a file, or - for standard output)", spec), exitError)
		}
		if o.Path == "" {
			stdout++
		} else {
			target := filepath.Clean(o.Path)
			if abs, err := filepath.Abs(o.Path); err == nil {
				target = abs
			}
			if other, dup := targets[target]; dup {
				return nil, cli.Exit(fmt.Sprintf("--format %q and --format %q write the same file (give each its own path)", other, spec), exitError)
			}
			targets[target] = spec
		}
		outputs = append(outputs, o)
	}
	if stdout > 1 {
		return nil, cli.Exit("only one --format can write to standard output (give the others a =PATH)", exitError)
	}
	if stdout == 0 {
		outputs = append([]report.Output{{Format: "text"}}, outputs...)
	}
	return outputs, nil
}

// formatList is "text, json, sarif, github or markdown".
func formatList() string {
	n := len(report.Formats)
	return strings.Join(report.Formats[:n-1], ", ") + " or " + report.Formats[n-1]
}

// stdoutFormat is the format that goes to standard output.
func stdoutFormat(specs []string) string {
	outputs, err := parseOutputs(specs)
	if err != nil {
		return ""
	}
	for _, o := range outputs {
		if o.Path == "" {
			return o.Format
		}
	}
	return ""
}

// writeReports writes every requested report, files after standard output.
func writeReports(w io.Writer, outputs []report.Output, res *detect.Result, cfg checkConfig) error {
	for _, o := range outputs {
		opts := report.Options{
			Color:      cfg.Color && o.Path == "",
			Quiet:      cfg.Quiet,
			Version:    currentVersion(),
			FullReport: fullReport(o, outputs, cfg.ReportLink),
		}
		var err error
		if o.Path == "" {
			err = writeStdout(w, o.Format, res, opts)
		} else {
			err = writeFile(o.Path, o.Format, res, opts)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// fullReport says where the complete report is, for the formats that may
// leave findings out: --report-link, else a file another --format writes
// (the github format's default is its own log group).
func fullReport(o report.Output, outputs []report.Output, link string) string {
	if link != "" || o.Format == "github" {
		return link
	}
	for _, other := range outputs {
		if other.Path != "" && other != o && other.Format != "github" {
			return other.Path
		}
	}
	return ""
}

// writeFile writes a report to a file, making its folder if need be (a
// SARIF file for upload usually goes in one of its own).
func writeFile(path, format string, res *detect.Result, opts report.Options) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("--format %s: %w", format, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--format %s: %w", format, err)
	}
	if err := report.Write(f, format, res, opts); err != nil {
		f.Close()
		return fmt.Errorf("--format %s: %w", format, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--format %s: %w", format, err)
	}
	return nil
}

// writeStdout writes a report to standard output. In a GitHub Actions step
// every line printed there is read for workflow commands, and the text and
// markdown reports quote the checked code verbatim: fence them, so that a
// line of that code cannot act as a command. (The github format fences
// itself; JSON and SARIF quote every string.)
func writeStdout(w io.Writer, format string, res *detect.Result, opts report.Options) error {
	fence := os.Getenv("GITHUB_ACTIONS") == "true" && (format == "text" || format == "markdown")
	if !fence {
		return report.Write(w, format, res, opts)
	}
	token := "goodhart-" + rand.Text()
	if _, err := fmt.Fprintf(w, "::stop-commands::%s\n", token); err != nil {
		return err
	}
	if err := report.Write(w, format, res, opts); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "::%s::\n", token)
	return err
}

// openRepo opens the repository of --repo, saying plainly when the folder
// is not there.
func openRepo(dir string) (gitutil.Repo, error) {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("--repo %s: no such folder", dir)
	}
	return gitutil.Open(dir)
}

// resolveRange turns the revisions into commit hashes; an empty base means
// the repository's usual base branch.
func resolveRange(repo gitutil.Repo, baseRev, headRev string) (base, head string, err error) {
	head, err = repo.Resolve(headRev)
	var unknown *gitutil.UnknownRevisionError
	if headRev == "HEAD" && errors.As(err, &unknown) {
		// HEAD names no commit: a repository (or a branch) without commits.
		return "", "", errors.New("HEAD names no commit: the repository, or its current branch, has no commits yet (commit something, or name one with --head)")
	}
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
