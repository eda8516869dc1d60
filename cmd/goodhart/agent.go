package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/gitutil"
)

var signaturesFlag = &cli.StringFlag{
	Name:  "agent-signatures",
	Usage: "a JSON `FILE` of agent signatures, in the format of the built-in catalog, added to it",
}

var agentFlag = &cli.StringFlag{
	Name:  "agent",
	Usage: "keep only the findings of the agent `NAME` (as the catalog names it, e.g. claude-code)",
}

// loadCatalog is the built-in catalog, or it plus the user's signatures.
func loadCatalog(path string) (*gitutil.Catalog, error) {
	if path == "" {
		return gitutil.DefaultCatalog(), nil
	}
	cat, err := gitutil.LoadCatalog(path)
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("--agent-signatures: %v", err), exitError)
	}
	return cat, nil
}

// checkAgentName rejects an --agent the catalog does not know: a typo would
// otherwise filter out every finding and report a clean history.
func checkAgentName(cat *gitutil.Catalog, name string) error {
	if name == "" {
		return nil
	}
	var names []string
	for _, a := range cat.Agents() {
		if a.Name == name {
			return nil
		}
		names = append(names, a.Name)
	}
	return cli.Exit(fmt.Sprintf("unknown --agent %q (known: %s)", name, strings.Join(names, ", ")), exitError)
}

// agentOf says who made each commit: the catalog's signatures first; for a
// pull request a coding agent opened (its bot account, or its branch
// prefix), the agent also made every commit that names no agent (one pushed
// under a person's identity, say).
func agentOf(cat *gitutil.Catalog, pr gitutil.PullRequest) func(gitutil.Commit) string {
	prAgent, _ := cat.PullRequestAgent(pr)
	return func(c gitutil.Commit) string {
		if a := cat.Identify(c); a != "" {
			return a
		}
		return prAgent
	}
}

// keepAgent drops the findings of every other agent and of people.
func keepAgent(res *detect.Result, agent string) {
	kept := res.Findings[:0]
	for _, f := range res.Findings {
		if f.Agent == agent {
			kept = append(kept, f)
		}
	}
	res.Findings = kept
	res.Summary = detect.Summarize(kept)
}

// pullRequestFromEvent reads the pull request of a GitHub Actions
// pull_request (or pull_request_target) event, or nil outside one.
func pullRequestFromEvent() (*gitutil.PullRequest, error) {
	path := os.Getenv("GITHUB_EVENT_PATH")
	if path == "" || !gitutil.IsPullRequestEvent(os.Getenv("GITHUB_EVENT_NAME")) {
		return nil, nil
	}
	pr, err := gitutil.ParseEvent(path)
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("GITHUB_EVENT_PATH: %v", err), exitError)
	}
	return pr, nil
}
