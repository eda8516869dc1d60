package detect

import (
	"errors"

	"github.com/goodhart-dev/goodhart/gitutil"
)

// Options tune a check.
type Options struct {
	// AssumeAgent treats every commit of the range as an agent's.
	AssumeAgent bool
	// AgentOf names the agent that made a commit, "" for a person.
	// Nil means gitutil.AgentOf.
	AgentOf func(gitutil.Commit) string
}

// Check compares merge-base(base, head)..head and returns the findings, each
// attributed to the commit of the range that introduced it.
func Check(repo gitutil.Repo, base, head string, opts Options) (*Result, error) {
	return nil, errors.New("detect.Check: not implemented yet")
}
