package addedsuppression

import (
	"fmt"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/config"
	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// This file judges what the change does to goodhart's own settings: its
// .goodhart.yml weakened, and inline waivers (//goodhart:allow) added. A
// check never takes either from the change it checks; these findings say
// that the change tried, and keep it from taking effect unseen once merged.

// waiverFile reports whether a path can hold inline waivers: Go files, and
// the YAML, Makefiles and shell scripts where "# goodhart:allow" is read.
func waiverFile(p string) bool {
	name := baseName(p)
	switch {
	case strings.HasSuffix(name, ".go"), strings.HasSuffix(name, ".yml"), strings.HasSuffix(name, ".yaml"),
		strings.HasSuffix(name, ".sh"), strings.HasSuffix(name, ".bash"), strings.HasSuffix(name, ".mk"),
		name == "Makefile", name == "GNUmakefile", name == "makefile":
		return true
	}
	return false
}

// checkWaivers reports the inline waivers of head that base did not have in
// the same file, on the same code (a waiver moved to other code is new). Whose commit added one decides whether it counts; the
// facade finds that commit and drops the finding when it was a person's.
func (a *pass) checkWaivers(c gitutil.Change) {
	if c.To == nil || vendored(c.To.Path) || !waiverFile(c.To.Path) {
		return
	}
	src, err := a.Read(c.To)
	if err != nil || len(src) > model.MaxFileSize {
		return
	}
	head := config.Waivers(c.To.Path, src)
	if len(head) == 0 {
		return
	}
	had := map[string]int{}
	if c.From != nil {
		if old, err := a.Read(c.From); err == nil {
			for _, w := range config.Waivers(c.From.Path, old) {
				had[w.Key]++
			}
		}
	}
	lines := strings.Split(string(src), "\n")
	for _, w := range head {
		if k := w.Key; had[k] > 0 {
			had[k]--
			continue
		}
		what := "a waiver of " + strings.Join(w.Rules, ", ")
		if w.Symbol != "" {
			what += " for " + w.Symbol
		}
		a.Report(finding.Finding{
			Rule: ID, Severity: finding.Error, File: c.To.Path, Line: w.Line, Symbol: w.Symbol, Pkg: model.DirOf(c.To.Path),
			Message: fmt.Sprintf("adds %s (%s): a waiver that an agent's commit writes is not honoured, and the findings "+
				"it names still count; a maintainer accepts a finding in the base revision's %s, with --accept, "+
				"or with a waiver of their own", what, w.Text, config.File),
			Excerpt: []string{"+ " + lines[w.Line-1]},
			Waiver:  w.Key,
		})
	}
}

// checkGoodhartConfig reports what head's .goodhart.yml loosens against
// base's: accept entries and excluded paths added, rules disabled,
// severities lowered. The check itself reads the file of the base
// revision, so none of it takes effect here.
func (a *pass) checkGoodhartConfig(c gitutil.Change) {
	src, err := a.Read(c.To)
	if err != nil {
		return
	}
	head := config.ParseLenient(config.File, src)
	base := &config.Config{}
	if c.From != nil {
		if old, err := a.Read(c.From); err == nil {
			base = config.ParseLenient(config.File, old)
		}
	}
	lines := strings.Split(string(src), "\n")
	report := func(line int, symbol, what string) {
		excerpt := []string{}
		if line > 0 && line <= len(lines) {
			excerpt = append(excerpt, "+ "+lines[line-1])
		}
		a.Report(finding.Finding{
			Rule: ID, Severity: finding.Error, File: c.To.Path, Line: max(line, 1), Symbol: symbol, Pkg: model.DirOf(c.To.Path),
			Message: what + ": the change loosens goodhart's own configuration. This check reads " + config.File +
				" from the base revision, so it has no effect here; merged, it would apply to every later check.",
			Excerpt: excerpt,
		})
	}
	hadAccept := map[string]bool{}
	for _, e := range base.Accept {
		hadAccept[e.Fingerprint] = true
	}
	for _, e := range head.Accept {
		if !hadAccept[e.Fingerprint] {
			report(e.Line, "accept:"+e.Fingerprint, fmt.Sprintf("adds an accept entry for finding %s (reason: %q)", e.Fingerprint, clip(e.Reason)))
		}
	}
	hadGlob := map[string]bool{}
	for _, g := range base.Exclude {
		hadGlob[g.Pattern] = true
	}
	for _, g := range head.Exclude {
		if !hadGlob[g.Pattern] {
			report(g.Line, "exclude:"+g.Pattern, fmt.Sprintf("excludes %s from every rule", g.Pattern))
		}
	}
	for _, id := range sortedKeys(head.Rules) {
		s := head.Rules[id]
		switch {
		case s.Disabled && !base.Disabled(id):
			report(s.Line, "rules."+id, "disables the rule "+id)
		case s.Severity != nil && !s.Disabled:
			was, ok := base.Severity(id)
			if !ok {
				was, ok = config.RuleDefaults[id]
			}
			if ok && *s.Severity < was {
				report(s.Line, "rules."+id, fmt.Sprintf("lowers the severity of %s from %s to %s", id, was, *s.Severity))
			}
		}
	}
}
