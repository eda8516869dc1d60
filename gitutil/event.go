package gitutil

import (
	"encoding/json"
	"fmt"
	"os"
)

// Account is a GitHub account, as an event payload names it.
type Account struct {
	Login string
	ID    int64
	Bot   bool // the account's type is "Bot" (a GitHub App)
}

// PullRequest is what goodhart reads from a pull request event: the range
// and who opened it.
type PullRequest struct {
	BaseSHA string // the base branch's tip when the event fired, not the merge base
	HeadSHA string
	HeadRef string // the head branch, e.g. "copilot/fix-parser"
	Author  Account
}

// IsPullRequestEvent reports whether a GitHub Actions event of that name
// (GITHUB_EVENT_NAME) carries a pull request in its payload that goodhart
// checks.
func IsPullRequestEvent(name string) bool {
	return name == "pull_request" || name == "pull_request_target"
}

// eventFile is the part of an event payload goodhart reads.
type eventFile struct {
	PullRequest *struct {
		Base struct {
			SHA string `json:"sha"`
		} `json:"base"`
		Head struct {
			SHA string `json:"sha"`
			Ref string `json:"ref"`
		} `json:"head"`
		User struct {
			Login string `json:"login"`
			ID    int64  `json:"id"`
			Type  string `json:"type"`
		} `json:"user"`
	} `json:"pull_request"`
}

// ParseEvent reads the pull request of a GitHub Actions event payload (the
// file GITHUB_EVENT_PATH names). A payload without a pull request, or whose
// base or head is not a commit hash, is an error: the range would be a guess.
func ParseEvent(path string) (*PullRequest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f eventFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pr := f.PullRequest
	if pr == nil {
		return nil, fmt.Errorf("%s: the event has no pull_request", path)
	}
	for what, sha := range map[string]string{"base": pr.Base.SHA, "head": pr.Head.SHA} {
		if !isHex(sha) {
			return nil, fmt.Errorf("%s: pull_request.%s.sha is %q, not a commit hash", path, what, sha)
		}
	}
	return &PullRequest{
		BaseSHA: pr.Base.SHA,
		HeadSHA: pr.Head.SHA,
		HeadRef: pr.Head.Ref,
		Author:  Account{Login: pr.User.Login, ID: pr.User.ID, Bot: pr.User.Type == "Bot"},
	}, nil
}

// isHex accepts full object names: 40 (SHA-1) or 64 (SHA-256) lower-case
// hex digits.
func isHex(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
