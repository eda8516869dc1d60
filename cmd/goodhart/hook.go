package main

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// hookMarker is in every hook goodhart writes, and tells it apart from a
// hook someone else wrote.
const hookMarker = "# goodhart pre-push hook"

// backupSuffix names where install keeps the pre-push hook that was there
// (one of husky's, lefthook's, a team's own): goodhart's hook runs it
// first, and uninstall puts it back.
const backupSuffix = ".goodhart-backup"

func hookCommand() *cli.Command {
	repoFlag := &cli.StringFlag{Name: "repo", Value: ".", Usage: "a folder of the git repository"}
	failOn := &cli.StringFlag{Name: "fail-on", Value: "error", Usage: "block the push on findings of this `SEVERITY` or above: error, warning, info or never"}
	assume := &cli.BoolFlag{Name: "assume-agent", Usage: "treat every commit as made by a coding agent"}
	agent := &cli.StringFlag{Name: "agent", Usage: "a coding agent's stop hook instead of git's pre-push hook: `AGENT` is claude-code, codex, gemini or cursor"}
	local := &cli.BoolFlag{Name: "local", Usage: "with --agent claude-code: .claude/settings.local.json, which is not committed, instead of .claude/settings.json"}
	return &cli.Command{
		Name:  "hook",
		Usage: "check what you push (git pre-push hook), or what a coding agent did before it ends its turn (agent hooks)",
		Subcommands: []*cli.Command{
			{
				Name:  "install",
				Usage: "install a pre-push hook that blocks pushes with findings at or above --fail-on",
				UsageText: "goodhart hook install [--repo DIR] [--fail-on SEVERITY] [--assume-agent] [--force]\n" +
					"goodhart hook install --agent claude-code|codex|gemini|cursor [--local] [--repo DIR] [--fail-on SEVERITY]",
				Description: "Writes the repository's pre-push hook (core.hooksPath is honoured). A hook\n" +
					"that goodhart did not write is kept as pre-push" + backupSuffix + " and chained:\n" +
					"goodhart's hook runs it first, with the same arguments and input, and stops the\n" +
					"push when it fails; uninstall puts it back. The hook runs goodhart from PATH;\n" +
					"git push --no-verify skips it. Pushed branches and tags are checked.\n\n" +
					"With --agent, adds goodhart to that coding agent's project hooks instead\n" +
					"(.claude/settings.json, .codex/hooks.json, .gemini/settings.json or\n" +
					".cursor/hooks.json), keeping every other hook: when the agent ends its turn,\n" +
					"`goodhart hook stop` checks the branch and its uncommitted work and sends the\n" +
					"agent back to work when it took a shortcut.",
				OnUsageError: usageError,
				Flags: []cli.Flag{repoFlag, failOn, assume, agent, local,
					&cli.BoolFlag{Name: "force", Usage: "accepted for compatibility: a hook goodhart did not write is always kept and chained, never replaced"}},
				Action: hookInstall,
			},
			{
				Name:         "uninstall",
				Usage:        "remove goodhart's pre-push hook (and restore the one it replaced), or with --agent its agent hook",
				OnUsageError: usageError,
				Flags:        []cli.Flag{repoFlag, agent, local},
				Action:       hookUninstall,
			},
			{
				Name:  "stop",
				Usage: "the command of the agent hooks: check the work when the agent ends its turn",
				Description: "Reads the agent's hook input (JSON) on standard input, checks the branch and\n" +
					"its uncommitted work as check --worktree does, the uncommitted changes counted\n" +
					"as the agent's, and when findings reach --fail-on answers in the agent's\n" +
					"protocol so that it goes back to work: Claude Code exit 2 with the reason on\n" +
					"standard error; Codex {\"decision\":\"block\"}; Gemini CLI {\"decision\":\"deny\"};\n" +
					"Cursor {\"followup_message\"}. After " + strconv.Itoa(maxReturns) + " returns in a row it lets the agent stop\n" +
					"and says the shortcut is still there. Its own errors send the agent back too.",
				OnUsageError: usageError,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "agent", Required: true, Usage: "the agent that runs the hook: `AGENT` is claude-code, codex, gemini or cursor"},
					&cli.StringFlag{Name: "repo", Usage: "a folder of the git `REPOSITORY` (default: the folder the agent names, else the current one)"},
					&cli.StringFlag{Name: "fail-on", Value: "error", Usage: "send the agent back on findings of this `SEVERITY` or above: error, warning, info or never"},
				},
				Action: hookStop,
			},
			{
				Name:  "pre-push",
				Usage: "check the refs being pushed, as git's pre-push hook does",
				Description: "Reads the lines git gives a pre-push hook on standard input\n" +
					"(<local ref> <local sha> <remote ref> <remote sha>) and checks each pushed\n" +
					"branch from what the remote has, or from the usual base branch for a new\n" +
					"one. Without input it checks $PRE_COMMIT_FROM_REF..$PRE_COMMIT_TO_REF, as\n" +
					"the pre-commit framework sets them. Exits 1 to block the push.",
				ArgsUsage:    "[REMOTE [URL]]",
				OnUsageError: usageError,
				Flags:        []cli.Flag{repoFlag, failOn, assume},
				Action:       hookPrePush,
			},
		},
	}
}

// hookScript is the pre-push hook: it hands its arguments and standard
// input to goodhart, with the options given to install.
func hookScript(failOn string, assumeAgent bool) string {
	args := "--fail-on " + failOn
	if assumeAgent {
		args += " --assume-agent"
	}
	return "#!/bin/sh\n" +
		hookMarker + ": written by `goodhart hook install`, removed by `goodhart hook uninstall`.\n" +
		"# It checks the commits you push for test-gaming shortcuts; `git push --no-verify` skips it.\n" +
		"# The hook that was here before, if any, is pre-push" + backupSuffix + ": it runs first.\n" +
		"if ! command -v goodhart >/dev/null 2>&1; then\n" +
		"\techo 'goodhart pre-push hook: goodhart is not in PATH (install it, or run: goodhart hook uninstall)' >&2\n" +
		"\texit 1\n" +
		"fi\n" +
		"chained=\"$(dirname \"$0\")/pre-push" + backupSuffix + "\"\n" +
		"if [ -f \"$chained\" ]; then\n" +
		"\tinput=$(cat)\n" +
		"\tprintf '%s\\n' \"$input\" | \"$chained\" \"$@\" || exit $?\n" +
		"\tprintf '%s\\n' \"$input\" | goodhart hook pre-push " + args + " \"$@\"\n" +
		"\texit $?\n" +
		"fi\n" +
		"exec goodhart hook pre-push " + args + " \"$@\"\n"
}

func hookInstall(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if c.IsSet("agent") {
		return agentInstall(c)
	}
	if _, _, err := parseFailOn(c.String("fail-on")); err != nil {
		return err
	}
	path, err := hookPath(c.String("repo"))
	if err != nil {
		return err
	}
	chained, err := makeRoom(path)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(hookScript(c.String("fail-on"), c.Bool("assume-agent"))), 0o755); err != nil {
		return err
	}
	// WriteFile keeps the mode of a file that was there.
	if err := os.Chmod(path, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "installed %s: pushes with findings at or above %s are blocked\n", path, c.String("fail-on"))
	if chained != "" {
		fmt.Fprintf(c.App.Writer, "the hook that was there is kept as %s and runs first\n", chained)
		if b, err := os.ReadFile(chained); err == nil && strings.Contains(string(b), "lefthook") {
			fmt.Fprintln(c.App.Writer, "it is lefthook's, which may write its own again: adding `goodhart hook pre-push` to lefthook.yml's pre-push commands keeps goodhart in for good")
		}
	}
	if strings.Contains(filepath.ToSlash(path), ".husky/") {
		fmt.Fprintln(c.App.Writer, "core.hooksPath is husky's, which regenerates its folder: adding `goodhart hook pre-push \"$@\"` to .husky/pre-push keeps goodhart in for good")
	}
	warnNotOnPath(c.App.ErrWriter)
	return nil
}

// makeRoom makes way for goodhart's hook at path: a hook goodhart did not
// write moves to the backup, which goodhart's hook runs first; its path is
// returned. When goodhart's hook is already there, a backup from before
// stays chained.
func makeRoom(path string) (backup string, err error) {
	ours, exists, err := ownHook(path)
	if err != nil {
		return "", err
	}
	if !exists || ours {
		if _, err := os.Lstat(path + backupSuffix); err == nil {
			return path + backupSuffix, nil
		}
		return "", nil
	}
	backup = path + backupSuffix
	if _, err := os.Lstat(backup); err == nil {
		return "", cli.Exit(fmt.Sprintf("%s is in the way of the backup; move it first", backup), exitError)
	}
	return backup, os.Rename(path, backup)
}

func hookUninstall(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if c.IsSet("agent") {
		return agentUninstall(c)
	}
	path, err := hookPath(c.String("repo"))
	if err != nil {
		return err
	}
	ours, exists, err := ownHook(path)
	switch {
	case err != nil:
		return err
	case !exists:
		fmt.Fprintf(c.App.Writer, "no pre-push hook at %s: nothing to remove\n", path)
		return nil
	case !ours:
		return cli.Exit(fmt.Sprintf("%s was not written by goodhart; leaving it", path), exitError)
	}
	if err := os.Remove(path); err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "removed %s\n", path)
	backup := path + backupSuffix
	if _, err := os.Lstat(backup); err == nil {
		if err := os.Rename(backup, path); err != nil {
			return err
		}
		fmt.Fprintf(c.App.Writer, "restored the hook it had replaced\n")
	}
	return nil
}

// ownHook reports whether a hook exists at path and whether goodhart wrote
// it.
func ownHook(path string) (ours, exists bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, false, nil
	}
	if err != nil {
		return false, true, err
	}
	return strings.Contains(string(b), hookMarker), true, nil
}

// hookPath is where git looks for the repository's pre-push hook. git
// itself says, so that core.hooksPath, worktrees and bare repositories are
// all right.
func hookPath(repo string) (string, error) {
	dir, err := gitRevParse(repo, "--git-path", "hooks")
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(repo, dir)
	}
	return filepath.Join(dir, "pre-push"), nil
}

// pushedRange is one ref update git is about to push.
type pushedRange struct {
	ref        string // the local ref pushed, e.g. refs/heads/topic
	base, head string // base "" means the usual base branch
}

const zeroSHA = "0000000000000000000000000000000000000000"

// pushedRanges reads git's pre-push input: one line per ref,
// "<local ref> <local sha> <remote ref> <remote sha>". Deletions push no
// commits and are left out. A tag is checked like a branch (a new one from
// the usual base branch), unless it names the commit a branch of the same
// push names.
func pushedRanges(in io.Reader) ([]pushedRange, error) {
	var out []pushedRange
	var lines []string // the input line of each range
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 4 {
			return nil, fmt.Errorf("unexpected pre-push input line %q", sc.Text())
		}
		if !isZero(fields[1]) {
			lines = append(lines, sc.Text())
		}
		local, localSHA, remoteSHA := fields[0], fields[1], fields[3]
		if isZero(localSHA) {
			continue
		}
		r := pushedRange{ref: local, head: localSHA}
		if strings.HasPrefix(local, "refs/tags/") {
			r.head = local // an annotated tag's sha is the tag object's: the ref peels to its commit
		}
		if !isZero(remoteSHA) {
			r.base = remoteSHA
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	branchHeads := map[string]bool{}
	for _, r := range out {
		if !strings.HasPrefix(r.ref, "refs/tags/") {
			branchHeads[r.head] = true
		}
	}
	kept := out[:0]
	for i, r := range out {
		if strings.HasPrefix(r.ref, "refs/tags/") {
			fields := strings.Fields(lines[i])
			if branchHeads[fields[1]] {
				continue
			}
		}
		kept = append(kept, r)
	}
	return kept, nil
}

func isZero(sha string) bool { return strings.Trim(sha, "0") == "" }

// isTerminal reports whether r is a terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// preCommitRange is the range the pre-commit framework gives a pre-push
// hook in its environment (it keeps git's standard input to itself).
func preCommitRange() []pushedRange {
	to := os.Getenv("PRE_COMMIT_TO_REF")
	if to == "" {
		return nil
	}
	r := pushedRange{ref: cmp.Or(os.Getenv("PRE_COMMIT_LOCAL_BRANCH"), to), head: to}
	if from := os.Getenv("PRE_COMMIT_FROM_REF"); !isZero(from) {
		r.base = from
	}
	return []pushedRange{r}
}

func hookPrePush(c *cli.Context) error {
	if c.Args().Len() > 2 {
		return cli.Exit(fmt.Sprintf("unexpected argument %q (see goodhart hook pre-push --help)", c.Args().Get(2)), exitError)
	}
	failOn, never, err := parseFailOn(c.String("fail-on"))
	if err != nil {
		return err
	}
	var ranges []pushedRange
	if !isTerminal(c.App.Reader) { // run by hand, there is no input to wait for
		if ranges, err = pushedRanges(c.App.Reader); err != nil {
			return err
		}
	}
	if len(ranges) == 0 {
		ranges = preCommitRange()
	}
	blocking := 0
	for _, r := range ranges {
		res, err := checkPushed(c, r)
		if err != nil {
			return fmt.Errorf("%s: %w", r.ref, err)
		}
		if res != nil && !never {
			blocking += res.Count(failOn)
		}
	}
	if blocking > 0 {
		return cli.Exit(fmt.Sprintf("push blocked: %s at or above %s (git push --no-verify skips this check)",
			plural(blocking, "finding"), failOn), exitFindings)
	}
	return nil
}

// checkPushed checks one pushed ref and prints its report; a new branch
// with no base to compare with is let through with a word.
func checkPushed(c *cli.Context, r pushedRange) (*detect.Result, error) {
	w := c.App.Writer
	base := r.base
	if base != "" && !hasCommit(c.String("repo"), base) {
		// The remote has commits this clone has not fetched: compare
		// with the usual base branch instead.
		base = ""
	}
	fmt.Fprintf(w, "goodhart: checking %s\n", r.ref)
	res, err := runCheck(w, checkConfig{
		Repo:        c.String("repo"),
		Base:        base,
		Head:        r.head,
		AssumeAgent: c.Bool("assume-agent"),
		Color:       colorFor(w),
	})
	var headIsBase *gitutil.HeadIsBaseError
	if errors.As(err, &headIsBase) || errors.Is(err, gitutil.ErrNoBase) {
		fmt.Fprintf(w, "goodhart: %s: nothing to compare with (%v); not checked\n", r.ref, err)
		return nil, nil
	}
	return res, err
}

// hasCommit reports whether the repository has the commit.
func hasCommit(dir, sha string) bool {
	repo, err := gitutil.Open(dir)
	if err != nil {
		return false
	}
	defer repo.Close()
	_, err = repo.Commit(sha)
	return err == nil
}

// plural is "1 finding", "2 findings".
func plural(n int, word string) string {
	if n != 1 {
		word += "s"
	}
	return fmt.Sprintf("%d %s", n, word)
}

// gitRevParse runs git rev-parse with args in dir and returns its answer,
// or git's own complaint as the error.
func gitRevParse(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"rev-parse"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return "", fmt.Errorf("%s: git rev-parse: %s", dir, strings.TrimSpace(string(exit.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
