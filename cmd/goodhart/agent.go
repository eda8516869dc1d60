package main

import (
	"strings"

	"github.com/goodhart-dev/goodhart/gitutil"
)

// prAgent says who made each commit of a pull request that login opened.
// When login is a coding agent's bot account, the agent wrote the pull
// request, so a commit that names no agent (one pushed under a person's
// identity, say) is still the agent's. Otherwise it returns nil: commits
// speak for themselves.
func prAgent(login string) func(gitutil.Commit) string {
	agent := agentByLogin(login)
	if agent == "" {
		return nil
	}
	return func(c gitutil.Commit) string {
		if a := gitutil.AgentOf(c); a != "" {
			return a
		}
		return agent
	}
}

// agentByLogin names the agent whose bot account login is, or "". A login
// in the catalog matches with or without "[bot]"; one listed with "[bot]"
// matches only the bot, as for commits.
func agentByLogin(login string) string {
	if login == "" {
		return ""
	}
	for _, a := range gitutil.DefaultCatalog().Agents() {
		for _, l := range a.BotLogins {
			if strings.EqualFold(login, l) ||
				!strings.HasSuffix(l, "[bot]") && strings.EqualFold(strings.TrimSuffix(login, "[bot]"), l) {
				return a.Name
			}
		}
	}
	return ""
}
