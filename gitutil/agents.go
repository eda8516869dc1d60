package gitutil

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Agent is the signature of one coding agent: the ways its commits can be
// recognised. Strings compare case-insensitively.
type Agent struct {
	Name        string `json:"name"`         // short id, e.g. "claude-code"
	DisplayName string `json:"display_name"` // e.g. "Claude Code"
	// Emails are exact addresses of the author, committer or a co-author.
	Emails []string `json:"emails,omitempty"`
	// EmailSuffixes match the end of an address, e.g. "@agents.example.com".
	EmailSuffixes []string `json:"email_suffixes,omitempty"`
	// BotLogins and BotIDs match GitHub's ID+login@users.noreply.github.com
	// addresses, on the id or on the login. A login matches with or without
	// "[bot]"; one listed with "[bot]" matches only the bot.
	BotLogins []string `json:"bot_logins,omitempty"`
	BotIDs    []int64  `json:"bot_ids,omitempty"`
	// NameSuffixes match the end of a display name, e.g. " (aider)".
	NameSuffixes []string `json:"name_suffixes,omitempty"`
	// Markers are substrings of the commit message.
	Markers []string `json:"markers,omitempty"`
	// Trailers match trailers of the message by key and value prefix.
	Trailers []TrailerRule `json:"trailers,omitempty"`
	// BranchPrefixes match the head branch of a pull request, e.g.
	// "copilot/": the agent names its branches so.
	BranchPrefixes []string `json:"branch_prefixes,omitempty"`
	// Replace, in a user catalog, replaces the default entry of the same
	// name instead of adding to it.
	Replace bool `json:"replace,omitempty"`
}

// TrailerRule matches a trailer whose key is Key and whose value starts with
// Prefix as a whole word ("Claude" matches "Claude Opus", not "Claudette").
type TrailerRule struct {
	Key    string `json:"key"`
	Prefix string `json:"prefix"`
}

// Catalog is a list of agent signatures. The first agent that matches a
// commit names it.
type Catalog struct {
	agents []Agent
}

type catalogFile struct {
	Agents []Agent `json:"agents"`
}

//go:embed agents.json
var defaultCatalogJSON []byte

var defaultCatalog = sync.OnceValue(func() *Catalog {
	agents, err := parseCatalog(defaultCatalogJSON)
	if err != nil {
		panic("gitutil: embedded agents.json: " + err.Error())
	}
	return &Catalog{agents: agents}
})

// DefaultCatalog is the built-in catalog (agents.json). It is shared; do not
// modify what Agents returns.
func DefaultCatalog() *Catalog { return defaultCatalog() }

// LoadCatalog reads a user catalog in the format of agents.json and merges it
// into the default one: new agents are appended, an agent of an existing
// name adds its signatures to the default entry (or replaces it, with
// "replace": true).
func LoadCatalog(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	extra, err := parseCatalog(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	agents := slices.Clone(DefaultCatalog().agents)
	for _, a := range extra {
		agents = mergeAgent(agents, a)
	}
	return &Catalog{agents: agents}, nil
}

func parseCatalog(data []byte) ([]Agent, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelt field would silently match nothing
	var f catalogFile
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	for i, a := range f.Agents {
		if a.Name == "" {
			return nil, fmt.Errorf("agent %d has no name", i+1)
		}
		for _, t := range a.Trailers {
			if t.Key == "" {
				return nil, fmt.Errorf("agent %s: trailer rule without key", a.Name)
			}
		}
	}
	return f.Agents, nil
}

func mergeAgent(agents []Agent, a Agent) []Agent {
	i := slices.IndexFunc(agents, func(b Agent) bool { return strings.EqualFold(b.Name, a.Name) })
	if i < 0 {
		return append(agents, a)
	}
	if a.Replace {
		agents[i] = a
		return agents
	}
	b := agents[i]
	if a.DisplayName != "" {
		b.DisplayName = a.DisplayName
	}
	b.Emails = concat(b.Emails, a.Emails)
	b.EmailSuffixes = concat(b.EmailSuffixes, a.EmailSuffixes)
	b.BotLogins = concat(b.BotLogins, a.BotLogins)
	b.BotIDs = concat(b.BotIDs, a.BotIDs)
	b.NameSuffixes = concat(b.NameSuffixes, a.NameSuffixes)
	b.Markers = concat(b.Markers, a.Markers)
	b.Trailers = concat(b.Trailers, a.Trailers)
	b.BranchPrefixes = concat(b.BranchPrefixes, a.BranchPrefixes)
	agents[i] = b
	return agents
}

// concat appends without sharing the default catalog's backing arrays.
func concat[T any](a, b []T) []T {
	return append(slices.Clip(a), b...)
}

// Agents lists the catalog's entries in matching order.
func (c *Catalog) Agents() []Agent { return c.agents }

// DisplayName is the display name of an agent, or name itself if unknown.
func (c *Catalog) DisplayName(name string) string {
	for _, a := range c.agents {
		if a.Name == name && a.DisplayName != "" {
			return a.DisplayName
		}
	}
	return name
}

// AgentOf is DefaultCatalog().Identify(cm).
func AgentOf(cm Commit) string { return DefaultCatalog().Identify(cm) }

// Identify names the agent that made or co-authored a commit, or "".
func (c *Catalog) Identify(cm Commit) string {
	name, _ := c.Explain(cm)
	return name
}

// Explain is Identify plus the evidence, e.g. `co-author Claude
// <noreply@anthropic.com>`.
func (c *Catalog) Explain(cm Commit) (agent, evidence string) {
	people := []struct{ role, name, email string }{
		{"author", cm.Author.Name, cm.Author.Email},
		{"committer", cm.Committer.Name, cm.Committer.Email},
	}
	trailers := ParseTrailers(cm.Message)
	for _, t := range trailers {
		if strings.EqualFold(t.Key, "Co-authored-by") {
			name, email := splitIdent(t.Value)
			people = append(people, struct{ role, name, email string }{"co-author", name, email})
		}
	}
	message := strings.ToLower(cm.Message)
	for _, a := range c.agents {
		for _, p := range people {
			if a.matchesPerson(p.name, p.email) {
				return a.Name, p.role + " " + Signature{Name: p.name, Email: p.email}.String()
			}
		}
		for _, m := range a.Markers {
			if m != "" && strings.Contains(message, strings.ToLower(m)) {
				return a.Name, "message contains " + strconv.Quote(m)
			}
		}
		for _, t := range trailers {
			if a.matchesTrailer(t) {
				return a.Name, "trailer " + t.Key + ": " + t.Value
			}
		}
	}
	return "", ""
}

// AgentOfAccount names the agent whose GitHub bot account acct is, or "".
// It matches on the numeric id first (logins get renamed) and then on the
// login, which GitHub and its tools write as "x", "x[bot]" or "app/x".
func (c *Catalog) AgentOfAccount(acct Account) string {
	login := strings.ToLower(strings.TrimSpace(acct.Login))
	isBot := acct.Bot
	if rest, ok := strings.CutPrefix(login, "app/"); ok {
		login, isBot = rest, true
	}
	bare, suffixed := strings.CutSuffix(login, "[bot]")
	isBot = isBot || suffixed
	for _, a := range c.agents {
		if acct.ID != 0 && slices.Contains(a.BotIDs, acct.ID) {
			return a.Name
		}
	}
	if bare == "" {
		return ""
	}
	for _, a := range c.agents {
		if a.matchesLogin(bare, isBot) {
			return a.Name
		}
	}
	return ""
}

// AgentOfBranch names the agent whose branch prefix ref starts with, or "".
func (c *Catalog) AgentOfBranch(ref string) string {
	ref = strings.TrimPrefix(ref, "refs/heads/")
	for _, a := range c.agents {
		for _, p := range a.BranchPrefixes {
			if p != "" && len(ref) > len(p) && strings.EqualFold(ref[:len(p)], p) {
				return a.Name
			}
		}
	}
	return ""
}

// PullRequestAgent names the agent that opened a pull request — its author
// is the agent's bot account, or its head branch carries the agent's prefix
// — with the evidence, or "" when a person did.
func (c *Catalog) PullRequestAgent(pr PullRequest) (agent, evidence string) {
	if a := c.AgentOfAccount(pr.Author); a != "" {
		return a, "pull request opened by " + accountString(pr.Author)
	}
	if a := c.AgentOfBranch(pr.HeadRef); a != "" {
		return a, "pull request from branch " + pr.HeadRef
	}
	return "", ""
}

func accountString(a Account) string {
	s := a.Login
	if a.ID != 0 {
		s += fmt.Sprintf(" (id %d)", a.ID)
	}
	return s
}

func (a *Agent) matchesPerson(name, email string) bool {
	email = strings.ToLower(strings.TrimSpace(email))
	name = strings.ToLower(strings.TrimSpace(name))
	if email != "" {
		for _, e := range a.Emails {
			if email == strings.ToLower(e) {
				return true
			}
		}
		for _, s := range a.EmailSuffixes {
			if s != "" && strings.HasSuffix(email, strings.ToLower(s)) {
				return true
			}
		}
		if a.matchesNoreply(email) {
			return true
		}
	}
	for _, s := range a.NameSuffixes {
		if s != "" && strings.HasSuffix(name, strings.ToLower(s)) {
			return true
		}
	}
	return false
}

// matchesNoreply checks GitHub's private addresses, ID+login@ or login@
// users.noreply.github.com. The display name is not looked at: anyone can
// set it.
func (a *Agent) matchesNoreply(email string) bool {
	local, ok := strings.CutSuffix(email, "@users.noreply.github.com")
	if !ok {
		return false
	}
	login := local
	if idText, rest, ok := strings.Cut(local, "+"); ok {
		login = rest
		if id, err := strconv.ParseInt(idText, 10, 64); err == nil && slices.Contains(a.BotIDs, id) {
			return true
		}
	}
	bare, isBot := strings.CutSuffix(login, "[bot]")
	return a.matchesLogin(bare, isBot)
}

// matchesLogin checks a lower-case login without "[bot]"; isBot says the
// account is a bot's.
func (a *Agent) matchesLogin(bare string, isBot bool) bool {
	for _, l := range a.BotLogins {
		l = strings.ToLower(l)
		want, botOnly := strings.CutSuffix(l, "[bot]")
		if bare == want && (isBot || !botOnly) {
			return true
		}
	}
	return false
}

func (a *Agent) matchesTrailer(t Trailer) bool {
	for _, r := range a.Trailers {
		if strings.EqualFold(t.Key, r.Key) && hasWordPrefix(t.Value, r.Prefix) {
			return true
		}
	}
	return false
}

// hasWordPrefix reports whether s starts with prefix (ignoring case) not
// followed by a letter or digit.
func hasWordPrefix(s, prefix string) bool {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return false
	}
	next, _ := utf8.DecodeRuneInString(s[len(prefix):])
	return next == utf8.RuneError || !unicode.IsLetter(next) && !unicode.IsDigit(next)
}

// splitIdent splits "Name <email>" into its parts.
func splitIdent(s string) (name, email string) {
	open, end := strings.LastIndexByte(s, '<'), strings.LastIndexByte(s, '>')
	if open < 0 || end < open {
		return strings.TrimSpace(s), ""
	}
	return strings.TrimSpace(s[:open]), strings.TrimSpace(s[open+1 : end])
}

// Trailer is one "Key: value" line of a commit message's trailer block.
type Trailer struct {
	Key, Value string
}

// ParseTrailers returns the "Key: value" lines of the last paragraph of a
// message. As in git, the first paragraph (the subject) is never trailers.
func ParseTrailers(message string) []Trailer {
	paras := paragraphs(message)
	if len(paras) < 2 {
		return nil
	}
	var out []Trailer
	for _, line := range paras[len(paras)-1] {
		if t, ok := parseTrailer(line); ok {
			out = append(out, t)
		}
	}
	return out
}

func paragraphs(message string) [][]string {
	var paras [][]string
	var cur []string
	for _, line := range strings.Split(strings.ReplaceAll(message, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			if cur != nil {
				paras = append(paras, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, line)
	}
	if cur != nil {
		paras = append(paras, cur)
	}
	return paras
}

// parseTrailer accepts "Key: value" where Key is letters, digits and dashes.
func parseTrailer(line string) (Trailer, bool) {
	key, value, ok := strings.Cut(line, ":")
	if !ok || key == "" {
		return Trailer{}, false
	}
	for _, r := range key {
		if !(r == '-' || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return Trailer{}, false
		}
	}
	return Trailer{Key: key, Value: strings.TrimSpace(value)}, true
}
