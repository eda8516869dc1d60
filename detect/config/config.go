// Package config reads what a repository's maintainers say about goodhart's
// findings: the .goodhart.yml file (rule settings, excluded paths, accepted
// findings), a list of accepted findings given on the command line, and
// inline waivers (//goodhart:allow RULE -- reason) in the code.
//
// Where each comes from decides whether it counts, and that is the
// facade's business (detect): this package only reads them.
package config

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/goodhart-dev/goodhart/detect/finding"
)

// File is the name of the configuration file, at the root of the
// repository.
const File = ".goodhart.yml"

// RuleDefaults maps every rule goodhart runs to its default severity. The
// facade fills it; Parse rejects a rule it does not name (a misspelt rule
// would otherwise silently configure nothing), unless it is empty.
var RuleDefaults = map[string]finding.Severity{}

// Config is one .goodhart.yml.
type Config struct {
	Name    string                  // where it was read, for messages
	Rules   map[string]*RuleSetting // by rule ID
	Exclude []Glob
	Accept  []Accept
}

// RuleSetting is what the configuration says about one rule.
type RuleSetting struct {
	Severity *finding.Severity // nil: the rule's own grading
	Disabled bool
	Line     int
}

// Glob is one exclude pattern.
type Glob struct {
	Pattern string
	Line    int
}

// Accept is one accepted finding.
type Accept struct {
	Fingerprint string
	Reason      string
	Expires     time.Time // zero: never
	Name        string    // the file it was read from, for notes
	Line        int
}

// Expired reports whether the entry no longer accepts on the given day: it
// holds through the day it names.
func (a Accept) Expired(now time.Time) bool {
	if a.Expires.IsZero() {
		return false
	}
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return today.After(a.Expires)
}

// Where is "name:line" for notes.
func (a Accept) Where() string { return fmt.Sprintf("%s:%d", a.Name, a.Line) }

// Error is a configuration that cannot be read, with the place.
type Error struct {
	Name string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Name, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Name, e.Msg)
}

// Parse reads a .goodhart.yml. Unknown keys, unknown rules, bad severities,
// globs and dates, and accept entries without a fingerprint or a reason are
// errors: a misspelt setting must not silently do nothing.
func Parse(name string, src []byte) (*Config, error) {
	return parse(name, src, true)
}

// ParseLenient reads a .goodhart.yml as far as it can, skipping what Parse
// would reject. It is for comparing two versions of the file, not for
// using one.
func ParseLenient(name string, src []byte) *Config {
	c, _ := parse(name, src, false)
	if c == nil {
		c = &Config{Name: name, Rules: map[string]*RuleSetting{}}
	}
	return c
}

func parse(name string, src []byte, strict bool) (*Config, error) {
	c := &Config{Name: name, Rules: map[string]*RuleSetting{}}
	root, err := document(name, src)
	if err != nil || root == nil {
		return c, err
	}
	p := &parser{name: name, strict: strict}
	if root.Kind != yaml.MappingNode {
		return c, p.fail(root, "want a mapping with rules, exclude and accept")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "rules":
			p.rules(c, v)
		case "exclude":
			p.excludes(c, v)
		case "accept":
			c.Accept = append(c.Accept, p.accepts(v)...)
		default:
			p.fail(k, fmt.Sprintf("unknown key %q (want rules, exclude or accept)", k.Value))
		}
	}
	if p.err != nil {
		return c, p.err
	}
	return c, nil
}

// ParseAccept reads a file of accepted findings (--accept): the accept list
// of a .goodhart.yml, either under an "accept" key or as the whole
// document.
func ParseAccept(name string, src []byte) ([]Accept, error) {
	root, err := document(name, src)
	if err != nil || root == nil {
		return nil, err
	}
	p := &parser{name: name, strict: true}
	list := root
	if root.Kind == yaml.MappingNode {
		list = nil
		for i := 0; i+1 < len(root.Content); i += 2 {
			if k := root.Content[i]; k.Value == "accept" {
				list = root.Content[i+1]
			} else {
				p.fail(k, fmt.Sprintf("unknown key %q (want accept)", k.Value))
			}
		}
		if list == nil && p.err == nil {
			return nil, nil
		}
	}
	var out []Accept
	if list != nil {
		out = p.accepts(list)
	}
	return out, p.err
}

// document parses YAML into its root node; nil for an empty file.
func document(name string, src []byte) (*yaml.Node, error) {
	if len(bytes.TrimSpace(src)) == 0 {
		return nil, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, &Error{Name: name, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

type parser struct {
	name   string
	strict bool
	err    error // the first error
}

// fail records the first error; it returns it for convenience.
func (p *parser) fail(n *yaml.Node, msg string) error {
	if p.err == nil && p.strict {
		p.err = &Error{Name: p.name, Line: n.Line, Msg: msg}
	}
	return p.err
}

func (p *parser) rules(c *Config, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.fail(n, "rules: want a mapping of rule IDs to settings")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, ok := RuleDefaults[k.Value]; !ok && len(RuleDefaults) > 0 {
			p.fail(k, fmt.Sprintf("rules: unknown rule %q (see goodhart rules)", k.Value))
			continue
		}
		if v.Kind != yaml.MappingNode {
			p.fail(v, fmt.Sprintf("rules: %s: want a mapping with severity or disabled", k.Value))
			continue
		}
		s := &RuleSetting{Line: k.Line}
		for j := 0; j+1 < len(v.Content); j += 2 {
			sk, sv := v.Content[j], v.Content[j+1]
			switch sk.Value {
			case "severity":
				sev, err := finding.ParseSeverity(sv.Value)
				if err != nil || sv.Kind != yaml.ScalarNode {
					p.fail(sv, fmt.Sprintf("rules: %s: severity %q (want error, warning or info)", k.Value, sv.Value))
					continue
				}
				s.Severity = &sev
			case "disabled":
				var b bool
				if err := sv.Decode(&b); err != nil {
					p.fail(sv, fmt.Sprintf("rules: %s: disabled %q (want true or false)", k.Value, sv.Value))
					continue
				}
				s.Disabled = b
			default:
				p.fail(sk, fmt.Sprintf("rules: %s: unknown key %q (want severity or disabled)", k.Value, sk.Value))
			}
		}
		c.Rules[k.Value] = s
	}
}

func (p *parser) excludes(c *Config, n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.fail(n, "exclude: want a list of path patterns")
		return
	}
	for _, e := range n.Content {
		if e.Kind != yaml.ScalarNode || strings.TrimSpace(e.Value) == "" {
			p.fail(e, "exclude: want a path pattern")
			continue
		}
		pat := strings.Trim(strings.TrimSpace(e.Value), "/")
		if _, err := path.Match(strings.ReplaceAll(pat, "**", "*"), ""); err != nil {
			p.fail(e, fmt.Sprintf("exclude: bad pattern %q", e.Value))
			continue
		}
		c.Exclude = append(c.Exclude, Glob{Pattern: pat, Line: e.Line})
	}
}

func (p *parser) accepts(n *yaml.Node) []Accept {
	if n.Kind != yaml.SequenceNode {
		p.fail(n, "accept: want a list of entries with fingerprint and reason")
		return nil
	}
	var out []Accept
	for _, e := range n.Content {
		if e.Kind != yaml.MappingNode {
			p.fail(e, "accept: want an entry with fingerprint and reason")
			continue
		}
		a := Accept{Name: p.name, Line: e.Line}
		ok := true
		for j := 0; j+1 < len(e.Content); j += 2 {
			k, v := e.Content[j], e.Content[j+1]
			if v.Kind != yaml.ScalarNode {
				ok = false
				p.fail(v, fmt.Sprintf("accept: %s: want a single value", k.Value))
				continue
			}
			switch k.Value {
			case "fingerprint":
				a.Fingerprint = strings.TrimSpace(v.Value)
			case "reason":
				a.Reason = strings.TrimSpace(v.Value)
			case "expires":
				t, err := time.Parse(time.DateOnly, strings.TrimSpace(v.Value))
				if err != nil {
					ok = false
					p.fail(v, fmt.Sprintf("accept: expires %q (want a date, YYYY-MM-DD)", v.Value))
					continue
				}
				a.Expires = t
			default:
				ok = false
				p.fail(k, fmt.Sprintf("accept: unknown key %q (want fingerprint, reason or expires)", k.Value))
			}
		}
		switch {
		case a.Fingerprint == "":
			ok = false
			p.fail(e, "accept: an entry without a fingerprint")
		case a.Reason == "":
			ok = false
			p.fail(e, fmt.Sprintf("accept: the entry for %s gives no reason (a reason is required)", a.Fingerprint))
		}
		if ok {
			out = append(out, a)
		}
	}
	return out
}

// Excluded reports whether a path matches one of the exclude patterns.
func (c *Config) Excluded(p string) bool {
	return c != nil && p != "" && slices.ContainsFunc(c.Exclude, func(g Glob) bool { return g.Match(p) })
}

// Match reports whether the pattern matches a path or one of its folders.
// "*" and "?" stay within a path segment; a "**" segment matches any
// number of segments.
func (g Glob) Match(p string) bool {
	pat := strings.Split(g.Pattern, "/")
	segs := strings.Split(p, "/")
	for n := len(segs); n >= 1; n-- {
		if matchSegs(pat, segs[:n]) {
			return true
		}
	}
	return false
}

func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if matchSegs(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// Severity returns the severity the configuration sets for a rule, and
// whether it sets one.
func (c *Config) Severity(rule string) (finding.Severity, bool) {
	if c == nil || c.Rules[rule] == nil || c.Rules[rule].Severity == nil {
		return 0, false
	}
	return *c.Rules[rule].Severity, true
}

// Disabled reports whether the configuration turns a rule off.
func (c *Config) Disabled(rule string) bool {
	return c != nil && c.Rules[rule] != nil && c.Rules[rule].Disabled
}
