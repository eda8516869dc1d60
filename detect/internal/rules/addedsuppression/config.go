package addedsuppression

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// readYAML parses one version of a changed YAML file; nil when it is
// absent or does not parse (a broken config fails its own tool).
func (a *pass) readYAML(f *gitutil.File) *yaml.Node {
	if f == nil {
		return nil
	}
	src, err := a.Read(f)
	if err != nil {
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	return doc.Content[0]
}

// get walks a mapping by keys; nil when a key is missing.
func get(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

// items returns the elements of a sequence (a lone scalar counts as one).
func items(n *yaml.Node) []*yaml.Node {
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode:
		return n.Content
	case n.Kind == yaml.ScalarNode && n.Value != "":
		return []*yaml.Node{n}
	}
	return nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// lintConfig is what a golangci-lint configuration (version 1 or 2) says
// about which linters run and which issues they may report.
type lintConfig struct {
	def        string                // default set: "standard", "all", "none", "fast"
	defLine    int                   // where the default is set
	enabled    map[string]*yaml.Node // linter → its entry
	disabled   map[string]*yaml.Node
	exclusions map[string]*yaml.Node // excluded issues (rules, text patterns), by what they say
	paths      map[string]*yaml.Node // excluded paths, by pattern
	newOnly    *yaml.Node            // only issues of new code are reported
	noTests    *yaml.Node            // test files are not linted
}

// renamed maps linters that golangci-lint renamed or merged to their
// successors: dropping one for its successor disables nothing.
var renamed = map[string][]string{
	"gosimple": {"staticcheck"}, "stylecheck": {"staticcheck"}, "gomnd": {"mnd"}, "exportloopref": {"copyloopvar"},
	"tenv": {"usetesting"}, "golint": {"revive"}, "interfacer": nil, "scopelint": nil, "maligned": nil, "deadcode": {"unused"},
	"varcheck": {"unused"}, "structcheck": {"unused"}, "typecheck": nil, "ifshort": nil, "nosnakecase": nil,
	"exhaustivestruct": {"exhaustruct"}, "execinquery": nil, "wsl": {"wsl_v5"},
}

// formatters moved from linters to their own section in version 2.
var formatters = map[string]bool{"gofmt": true, "goimports": true, "gofumpt": true, "gci": true, "golines": true, "swaggo": true}

func readLintConfig(root *yaml.Node) *lintConfig {
	c := &lintConfig{def: "standard", enabled: map[string]*yaml.Node{}, disabled: map[string]*yaml.Node{}, exclusions: map[string]*yaml.Node{}, paths: map[string]*yaml.Node{}}
	if root == nil {
		return c
	}
	l := get(root, "linters")
	if n := get(l, "default"); scalar(n) != "" {
		c.def, c.defLine = scalar(n), n.Line
	}
	if n := get(l, "enable-all"); scalar(n) == "true" {
		c.def, c.defLine = "all", n.Line
	}
	if n := get(l, "disable-all"); scalar(n) == "true" {
		c.def, c.defLine = "none", n.Line
	}
	for _, n := range items(get(l, "enable")) {
		c.enabled[strings.ToLower(n.Value)] = n
	}
	for _, n := range items(get(root, "formatters", "enable")) {
		c.enabled[strings.ToLower(n.Value)] = n
	}
	for _, n := range items(get(l, "disable")) {
		c.disabled[strings.ToLower(n.Value)] = n
	}
	for _, r := range items(get(root, "issues", "exclude-rules")) {
		c.exclusions[ruleKey(r)] = r
	}
	for _, r := range items(get(l, "exclusions", "rules")) {
		c.exclusions[ruleKey(r)] = r
	}
	for _, n := range items(get(root, "issues", "exclude")) {
		c.exclusions["text="+n.Value] = n
	}
	for _, keys := range [][]string{
		{"issues", "exclude-dirs"}, {"issues", "exclude-files"}, {"run", "skip-dirs"}, {"run", "skip-files"},
		{"linters", "exclusions", "paths"}, {"formatters", "exclusions", "paths"},
	} {
		for _, n := range items(get(root, keys...)) {
			c.paths[n.Value] = n
		}
	}
	if n := get(root, "issues", "new"); scalar(n) == "true" {
		c.newOnly = n
	}
	for _, k := range []string{"new-from-rev", "new-from-merge-base", "new-from-patch"} {
		if n := get(root, "issues", k); scalar(n) != "" {
			c.newOnly = n
		}
	}
	if n := get(root, "run", "tests"); scalar(n) == "false" {
		c.noTests = n
	}
	return c
}

// ruleKey spells an exclusion rule for comparing base and head: its fields,
// sorted, with the linters it names sorted.
func ruleKey(r *yaml.Node) string {
	if r.Kind != yaml.MappingNode {
		return "?" + r.Value
	}
	var parts []string
	for i := 0; i+1 < len(r.Content); i += 2 {
		k, v := r.Content[i].Value, r.Content[i+1]
		var vals []string
		for _, n := range items(v) {
			vals = append(vals, strings.ToLower(n.Value))
		}
		slices.Sort(vals)
		parts = append(parts, k+"="+strings.Join(vals, ","))
	}
	slices.Sort(parts)
	return strings.Join(parts, ";")
}

// on reports whether a linter runs under the configuration, as far as the
// configuration alone says (the standard set is golangci-lint's).
func (c *lintConfig) on(name string) bool {
	if c.disabled[name] != nil {
		return false
	}
	if c.enabled[name] != nil {
		return true
	}
	switch c.def {
	case "all":
		return true
	case "standard", "":
		return slices.Contains([]string{"errcheck", "govet", "ineffassign", "staticcheck", "unused"}, name)
	}
	return false
}

// checkGolangci compares the two versions of a golangci-lint configuration.
func (a *pass) checkGolangci(ch gitutil.Change) {
	headRoot := a.readYAML(ch.To)
	if headRoot == nil {
		return
	}
	baseRoot := a.readYAML(ch.From)
	base, head := readLintConfig(baseRoot), readLintConfig(headRoot)
	added := baseRoot == nil
	file := ch.To.Path
	report := func(sev finding.Severity, line int, msg string) {
		if added && sev > finding.Info {
			sev-- // a new configuration replaces the defaults rather than loosening a stricter one
			msg += "; lowered: the configuration is new"
		}
		a.Report(finding.Finding{Rule: ID, Severity: sev, File: file, Line: line, Pkg: model.DirOf(file), Message: msg})
	}
	// Linters that ran in base and do not in head.
	var off []string
	for name := range allNames(base, head) {
		if !base.on(name) || head.on(name) {
			continue
		}
		if succ, ok := renamed[name]; ok && (len(succ) == 0 || slices.ContainsFunc(succ, head.on)) {
			continue // renamed, merged or retired by golangci-lint
		}
		if formatters[name] && head.enabled[name] == nil && get(headRoot, "formatters") != nil {
			continue
		}
		off = append(off, name)
	}
	slices.Sort(off)
	for _, name := range off {
		line := head.defLine
		if n := head.disabled[name]; n != nil {
			line = n.Line
		} else if n := base.enabled[name]; n != nil && line == 0 {
			line = 1
		}
		if line == 0 {
			line = 1
		}
		why := "removed from the enabled linters"
		if head.disabled[name] != nil {
			why = "added to the disabled linters"
		} else if head.def != base.def {
			why = fmt.Sprintf("the default set went from %s to %s", base.def, head.def)
		}
		report(finding.Warning, line, fmt.Sprintf("disables the linter %s (%s): whatever it found in this change no longer fails the lint", name, why))
	}
	// New exclusions of issues.
	for _, k := range sortedKeys(head.exclusions) {
		if _, ok := base.exclusions[k]; ok {
			continue
		}
		n := head.exclusions[k]
		sev, why := a.judgeExclusion(n)
		if sev < 0 {
			continue
		}
		if newly := newlyEnabled(n, base, head); newly != nil && sev > finding.Info {
			sev, why = finding.Info, fmt.Sprintf("it narrows %s, which did not run in base and runs now: what it excludes was not checked before either, so the lint checks more than it did", model.ListNames(newly, 3))
		}
		report(sev, n.Line, "excludes lint issues ("+describeRule(n)+"): "+why)
	}
	// New excluded paths.
	for _, p := range sortedKeys(head.paths) {
		if _, ok := base.paths[p]; ok {
			continue
		}
		n := head.paths[p]
		sev, why := a.judgePath(p, regexMatcher)
		if sev < 0 {
			continue
		}
		report(sev, n.Line, fmt.Sprintf("excludes the path %q from linting: %s", p, why))
	}
	if head.newOnly != nil && base.newOnly == nil {
		report(finding.Warning, head.newOnly.Line, "makes golangci-lint report only issues of new code: issues in existing code stop failing the lint")
	}
	if head.noTests != nil && base.noTests == nil {
		report(finding.Warning, head.noTests.Line, "stops linting test files (run.tests: false)")
	}
}

// newlyEnabled lists the linters an exclusion rule names when every one
// of them is off in base and on in head (a linter enabled with a carve-out);
// nil otherwise, or when the rule names none.
func newlyEnabled(rule *yaml.Node, base, head *lintConfig) []string {
	var names []string
	for _, v := range items(get(rule, "linters")) {
		name := strings.ToLower(v.Value)
		if base.on(name) || !head.on(name) {
			return nil
		}
		names = append(names, name)
	}
	return names
}

func allNames(cs ...*lintConfig) map[string]bool {
	out := map[string]bool{}
	for _, c := range cs {
		for n := range c.enabled {
			out[n] = true
		}
		for n := range c.disabled {
			out[n] = true
		}
	}
	for _, n := range []string{"errcheck", "govet", "ineffassign", "staticcheck", "unused"} {
		out[n] = true
	}
	return out
}

func describeRule(n *yaml.Node) string {
	if n.Kind != yaml.MappingNode {
		return fmt.Sprintf("text %q", n.Value)
	}
	var parts []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		var vals []string
		for _, v := range items(n.Content[i+1]) {
			vals = append(vals, v.Value)
		}
		parts = append(parts, n.Content[i].Value+": "+strings.Join(vals, ","))
	}
	return strings.Join(parts, "; ")
}

// judgeExclusion grades a new exclusion rule by where it applies.
func (a *pass) judgeExclusion(n *yaml.Node) (finding.Severity, string) {
	if n.Kind != yaml.MappingNode {
		return finding.Warning, "issues whose text matches it no longer fail the lint"
	}
	path := ""
	for _, v := range items(get(n, "path")) {
		path = v.Value
	}
	for _, v := range items(get(n, "text")) {
		if deprecationRE.MatchString(v.Value) {
			return finding.Info, "it silences deprecation notices, which report no defect in the code"
		}
	}
	if path == "" {
		if get(n, "path-except") != nil {
			return finding.Warning, "it silences the named issues outside the paths it keeps"
		}
		return finding.Warning, "it silences the named issues in every file"
	}
	return a.judgePath(path, regexMatcher)
}

// deprecationRE matches the text of lint issues that only say an API is
// deprecated (staticcheck's SA1019 and its kin).
var deprecationRE = regexp.MustCompile(`(?i)SA1019|deprecated`)

// generated reports whether the head version of a changed file says it is
// generated: excluding generated code from the lint is routine.
func (a *pass) generated(c gitutil.Change) bool {
	src, err := a.Read(c.To)
	return err == nil && model.IsGenerated(src)
}

// matcher turns a configured pattern into a test on paths; nil when the
// pattern cannot be read.
type matcher func(pattern string) func(string) bool

func regexMatcher(p string) func(string) bool {
	re, err := regexp.Compile(p)
	if err != nil {
		return nil
	}
	return re.MatchString
}

// globMatcher reads codecov's paths: globs, or regular expressions.
func globMatcher(p string) func(string) bool {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '*' && i+1 < len(p) && p[i+1] == '*':
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re, err := regexp.Compile("^(?:" + b.String() + ")")
	if err != nil {
		return nil
	}
	return re.MatchString
}

var benignPathRE = regexp.MustCompile(`(?i)generated|\.pb|pb\\?\.go|_gen\b|gen/|zz_|mocks?\b|mock_|fakes?\b|vendor|third_party|testdata|bindata|_string\\?\.go|examples?\b|docs?\b|\.gen\.`)

var testPathRE = regexp.MustCompile(`_test|tests?/|e2e|integration|testutil|testing`)

// judgePath grades a newly excluded path: generated, vendored and test
// code excluded is routine; a path that holds the change's own edited code
// is an error; other paths a warning.
func (a *pass) judgePath(pattern string, mk matcher) (finding.Severity, string) {
	if benignPathRE.MatchString(pattern) {
		return -1, ""
	}
	match := mk(pattern)
	if match != nil {
		var generated, written []string // edited files it matches, by kind
		for _, c := range a.Changes {
			if c.To == nil || !strings.HasSuffix(c.To.Path, ".go") || model.IsTestFile(c.To.Path) || model.IgnoredDir(c.To.Path) || !match(c.To.Path) {
				continue
			}
			if a.generated(c) {
				generated = append(generated, c.To.Path)
			} else {
				written = append(written, c.To.Path)
			}
		}
		switch {
		case len(generated) > 0 && len(generated) >= len(written):
			return -1, "" // mostly generated code: excluding it is routine
		case len(written) > 0:
			return finding.Error, fmt.Sprintf("it matches %s, which this change edits: its new code is never checked", written[0])
		}
	}
	if testPathRE.MatchString(pattern) {
		return finding.Info, "it covers test code only"
	}
	return finding.Warning, "the code under it is no longer checked"
}

// checkTestCoverage compares two versions of go-test-coverage's .testcoverage.yml.
func (a *pass) checkTestCoverage(ch gitutil.Change) {
	head, base := a.readYAML(ch.To), a.readYAML(ch.From)
	if head == nil || base == nil {
		return
	}
	file := ch.To.Path
	for _, k := range []string{"file", "package", "total"} {
		b, h := get(base, "threshold", k), get(head, "threshold", k)
		bv, okb := number(scalar(b))
		hv, okh := number(scalar(h))
		if okb && bv > 0 && (!okh || hv < bv) {
			line, now := 1, "removed"
			if h != nil {
				line, now = h.Line, scalar(h)
			}
			a.Report(finding.Finding{Rule: ID, Severity: finding.Warning, File: file, Line: line, Pkg: model.DirOf(file),
				Message: fmt.Sprintf("lowers the %s coverage threshold from %s to %s: code the tests no longer cover passes the check", k, scalar(b), now)})
		}
	}
	old := map[string]bool{}
	for _, n := range items(get(base, "exclude", "paths")) {
		old[n.Value] = true
	}
	for _, n := range items(get(head, "exclude", "paths")) {
		if old[n.Value] {
			continue
		}
		if sev, why := a.judgePath(n.Value, regexMatcher); sev >= 0 {
			a.Report(finding.Finding{Rule: ID, Severity: sev, File: file, Line: n.Line, Pkg: model.DirOf(file),
				Message: fmt.Sprintf("excludes %q from the coverage check: %s", n.Value, strings.Replace(why, "checked", "measured", 1))})
		}
	}
}

// checkCodecov compares two versions of codecov.yml.
func (a *pass) checkCodecov(ch gitutil.Change) {
	head, base := a.readYAML(ch.To), a.readYAML(ch.From)
	if head == nil || base == nil {
		return
	}
	file := ch.To.Path
	rep := func(sev finding.Severity, line int, msg string) {
		a.Report(finding.Finding{Rule: ID, Severity: sev, File: file, Line: line, Pkg: model.DirOf(file), Message: msg})
	}
	for _, kind := range []string{"project", "patch"} {
		bs, hs := get(base, "coverage", "status", kind), get(head, "coverage", "status", kind)
		if bs == nil {
			continue
		}
		if hs != nil && hs.Kind == yaml.ScalarNode && (hs.Value == "off" || hs.Value == "false") && scalar(bs) != hs.Value {
			rep(finding.Warning, hs.Line, fmt.Sprintf("turns codecov's %s status off: coverage no longer fails the check", kind))
			continue
		}
		for i := 0; bs.Kind == yaml.MappingNode && i+1 < len(bs.Content); i += 2 {
			name, b := bs.Content[i].Value, bs.Content[i+1]
			h := get(hs, name)
			if h == nil {
				continue
			}
			where := kind + "." + name
			bt, okb := number(scalar(get(b, "target")))
			ht, okh := number(scalar(get(h, "target")))
			if okb && okh && ht < bt {
				rep(finding.Warning, get(h, "target").Line, fmt.Sprintf("lowers codecov's %s target from %s to %s", where, scalar(get(b, "target")), scalar(get(h, "target"))))
			}
			bt, okb = number(scalar(get(b, "threshold")))
			ht, okh = number(scalar(get(h, "threshold")))
			if okh && (!okb && ht > 0 || okb && ht > bt) {
				rep(finding.Warning, get(h, "threshold").Line, fmt.Sprintf("lets coverage in codecov's %s drop by %s without failing", where, scalar(get(h, "threshold"))))
			}
			if n := get(h, "informational"); scalar(n) == "true" && scalar(get(b, "informational")) != "true" {
				rep(finding.Warning, n.Line, fmt.Sprintf("makes codecov's %s status informational: it can no longer fail", where))
			}
		}
	}
	old := map[string]bool{}
	for _, n := range items(get(base, "ignore")) {
		old[n.Value] = true
	}
	for _, n := range items(get(head, "ignore")) {
		if old[n.Value] {
			continue
		}
		if sev, why := a.judgePath(n.Value, globMatcher); sev >= 0 {
			rep(sev, n.Line, fmt.Sprintf("makes codecov ignore %q: %s", n.Value, strings.Replace(why, "checked", "measured", 1)))
		}
	}
}

// number reads 80, 80.5 or "80%".
func number(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	return v, err == nil
}
