package model

import (
	"bytes"
	"cmp"
	"go/ast"
	"regexp"
	"slices"
	"strings"
)

// This file finds where the tests' environment is set outside TestMain: by
// t.Setenv in a test, and in the CI configuration or Makefile the change
// edits. An escape hatch in the code is as much one when the tests switch it
// on there.

// TestSetenvs maps the environment variables that tests of a package
// newly set with t.Setenv (on any *testing.T, not os.Setenv) to where: in a
// test that base already had, which did not set it there. A new test that
// sets a variable tests the feature that reads it; an existing test that
// starts setting one switches something on to pass. Such a TestLit's Owner
// is "t.Setenv".
func (a *Pass) TestSetenvs(dir string) map[string]*TestLit {
	out := map[string]*TestLit{}
	for _, ht := range a.Head.Tests {
		if ht.Dir != dir || !ht.IsTest() || ht.Parent != nil {
			continue
		}
		olds := a.Base.ByKey[ht.Key()]
		if len(olds) == 0 {
			continue // a new test
		}
		had := setenvNames(olds[0].File, olds[0].Body)
		for v, l := range setenvLits(ht.File, ht.Body) {
			if !had[v] && out[v] == nil {
				out[v] = l
			}
		}
	}
	return out
}

func setenvLits(f *SrcFile, body ast.Node) map[string]*TestLit {
	out := map[string]*TestLit{}
	if f == nil || f.AST == nil || body == nil {
		return out
	}
	osName := ImportName(f.AST, "os")
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 2 {
			return true
		}
		if recv, name := CallName(call); name == "Setenv" && recv != "" && recv != osName {
			if v := StringArg(call, 0); v != "" && out[v] == nil {
				out[v] = &TestLit{Value: StringArg(call, 1), file: f.Path, line: f.Line(call.Pos()), Owner: "t.Setenv"}
			}
		}
		return true
	})
	return out
}

func setenvNames(f *SrcFile, body ast.Node) map[string]bool {
	out := map[string]bool{}
	for v := range setenvLits(f, body) {
		out[v] = true
	}
	return out
}

// ciConfig reports whether a path is CI configuration or a Makefile: where
// the environment of a test run is set outside Go.
func ciConfig(p string) bool {
	b := baseName(p)
	return (strings.HasPrefix(p, ".github/workflows/") && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml"))) ||
		b == "Makefile" || b == "GNUmakefile" || strings.HasSuffix(b, ".mk") || b == ".gitlab-ci.yml" ||
		strings.HasPrefix(p, ".circleci/") || b == "Taskfile.yml" || b == "justfile"
}

var envAssign = regexp.MustCompile(`(?m)(?:^|[\s;])(?:export\s+)?([A-Z][A-Z0-9_]{2,})\s*(?::\s*\S|\??=)`)

// CISetenvs maps the environment variables that the range newly sets in CI
// configuration or a Makefile (a workflow's env:, NAME=value, export NAME)
// to where. Such a TestLit's Owner is "ci".
func (a *Pass) CISetenvs() map[string]*TestLit {
	if a.ciEnv != nil {
		return a.ciEnv
	}
	a.ciEnv = map[string]*TestLit{}
	for _, c := range a.Changes {
		if c.To == nil || !ciConfig(c.To.Path) {
			continue
		}
		head, err := a.Loader.raw(c.To.Blob)
		if err != nil {
			continue
		}
		had := map[string]int{}
		if c.From != nil {
			if base, err := a.Loader.raw(c.From.Blob); err == nil {
				had = ciEnvSets(c.From.Path, base)
			}
		}
		sets := ciEnvSets(c.To.Path, head)
		for _, name := range sortedByLine(sets) {
			if _, ok := had[name]; ok || a.ciEnv[name] != nil {
				continue
			}
			a.ciEnv[name] = &TestLit{file: c.To.Path, line: sets[name], Owner: "ci"}
		}
	}
	return a.ciEnv
}

// ciEnvSets maps the environment variables a CI file sets for the tests it
// runs to the line that sets each: in a Makefile, what makeTestEnv finds;
// elsewhere every NAME=value, NAME: value and export NAME.
func ciEnvSets(path string, src []byte) map[string]int {
	if makefile(path) {
		return makeTestEnv(src)
	}
	out := map[string]int{}
	for _, m := range envAssign.FindAllSubmatchIndex(src, -1) {
		name := string(src[m[2]:m[3]])
		if _, ok := out[name]; !ok {
			out[name] = 1 + bytes.Count(src[:m[2]], []byte("\n"))
		}
	}
	return out
}

func sortedByLine(m map[string]int) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := cmp.Compare(m[a], m[b]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return names
}

func makefile(p string) bool {
	b := baseName(p)
	return b == "Makefile" || b == "GNUmakefile" || b == "makefile" || strings.HasSuffix(b, ".mk")
}

var (
	makeAssign   = regexp.MustCompile(`^(export\s+)?(?:override\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:::=|:=|\?=|\+=|!=|=)\s*(.*)$`)
	makeExport   = regexp.MustCompile(`^export\s+([A-Za-z_][A-Za-z0-9_ \t]*)$`)
	makeRule     = regexp.MustCompile(`^([^\t#=:][^=:]*?)\s*::?(?:[^=]|$)`)
	makeVarRef   = regexp.MustCompile(`\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]`)
	runsGoTests  = regexp.MustCompile(`\btest\b|gotestsum|ginkgo`)
	makeTestName = regexp.MustCompile(`(?i)test|check|cover|ci\b`)
)

// makeTestEnv maps the environment variables a Makefile gives the tests it
// runs to the line that sets each. A Makefile's variables are not its
// recipes' environment: only those it exports are (export NAME = value,
// export NAME, or all of them under .EXPORT_ALL_VARIABLES), and those a
// recipe line that runs tests sets before its command (NAME=value go test),
// directly or through a variable it expands ($(TEST_ENV) go test). An
// assignment that only a recipe running the program sees (run: $(ENV) go
// run .) sets nothing where the tests run.
func makeTestEnv(src []byte) map[string]int {
	out := map[string]int{}
	set := func(name string, line int) {
		if _, ok := out[name]; !ok {
			out[name] = line
		}
	}
	type makeVar struct {
		value string
		line  int
	}
	vars := map[string]makeVar{}
	exported := map[string]bool{}
	exportAll := bytes.Contains(src, []byte(".EXPORT_ALL_VARIABLES"))
	target := ""
	lines := strings.Split(string(src), "\n")
	for i := 0; i < len(lines); i++ {
		no, text := i+1, lines[i]
		for strings.HasSuffix(text, "\\") && i+1 < len(lines) { // a continued line
			i++
			text = strings.TrimSuffix(text, "\\") + " " + lines[i]
		}
		if strings.HasPrefix(text, "\t") { // a recipe line
			if !makeTestName.MatchString(target) && !runsGoTests.MatchString(text) {
				continue
			}
			for _, m := range envAssign.FindAllStringSubmatch(text, -1) {
				set(m[1], no)
			}
			for _, ref := range makeVarRef.FindAllStringSubmatch(text, -1) {
				if v, ok := vars[ref[1]]; ok {
					for _, m := range envAssign.FindAllStringSubmatch(" "+v.value, -1) {
						set(m[1], v.line)
					}
				}
			}
			continue
		}
		text = strings.TrimSpace(text)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if m := makeAssign.FindStringSubmatch(text); m != nil {
			vars[m[2]] = makeVar{value: m[3], line: no}
			if m[1] != "" || exportAll || exported[m[2]] {
				set(m[2], no)
			}
			continue
		}
		if m := makeExport.FindStringSubmatch(text); m != nil {
			for _, name := range strings.Fields(m[1]) {
				exported[name] = true
				if v, ok := vars[name]; ok {
					set(name, v.line)
				}
			}
			continue
		}
		if m := makeRule.FindStringSubmatch(text); m != nil {
			target = m[1]
			// A target's own exported variable: test: export NAME = value.
			if _, rest, ok := strings.Cut(text, ":"); ok && makeTestName.MatchString(target) {
				if a := makeAssign.FindStringSubmatch(strings.TrimSpace(rest)); a != nil && a[1] != "" {
					set(a[2], no)
				}
			}
		}
	}
	return out
}

// SkipEnvVar names the environment variable a skip's gates find absent (a
// credential or a service's address), or "".
func SkipEnvVar(s *Site) string { return gateFacts(s).envVar }

// SkipShort reports whether a skip fires in -short mode (testing.Short()),
// the Go convention for a test that is slow or needs outside resources.
func SkipShort(s *Site) bool { return gateFacts(s).short }

// Unclassified reports whether goodhart cannot tell what a skip's gates
// consult: no platform, environment variable, service, tool or flag.
func Unclassified(s *Site) bool {
	f := gateFacts(s)
	return len(s.Gates) > 0 && s.helper == "" && !f.platformOnly && !f.short && f.ciVar == "" && f.envVar == "" &&
		f.service == "" && f.probe == "" && f.version == ""
}

// SkipPlatformOnly reports whether a skip is gated on the platform alone.
func SkipPlatformOnly(s *Site) bool { return gateFacts(s).platformOnly }

// Conditional reports whether a site is reached only under some condition
// (or through a helper that decides for itself), not on every run.
func (s *Site) Conditional() bool { return len(s.Gates) > 0 || s.helper != "" }

// CIProvides reports where this side's CI configuration sets an
// environment variable (a workflow's env:, NAME=value in a Makefile), or "".
func (s *Snapshot) CIProvides(name string) string {
	re := regexp.MustCompile(`(?m)(?:^|[\s;{,-])` + regexp.QuoteMeta(name) + `\s*(?::\s*\S|\??=)`)
	for _, dir := range []string{".github/workflows", "."} {
		for _, f := range s.ListFiles(dir) {
			if !ciConfig(f.Path) {
				continue
			}
			src, ok := s.ReadFile(f.Path)
			if !ok {
				continue
			}
			if makefile(f.Path) {
				if _, sets := makeTestEnv(src)[name]; sets {
					return f.Path
				}
			} else if re.Match(src) {
				return f.Path
			}
		}
	}
	return ""
}

// testTagsRe matches the build tags a command gives go test: -tags unit,
// -tags=unit,integration, --tags "unit e2e".
var testTagsRe = regexp.MustCompile(`(?:^|[\s'"])--?tags(?:=|[ \t]+)(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"'$]+))`)

// CITags maps the build tags this side's CI configuration, Makefiles and
// scripts give go test (-tags … on a line that runs tests) to the file that
// gives each: a test file built only under such a tag still runs where that
// command runs. A tag list built from a variable is not read.
func (s *Snapshot) CITags() map[string]string {
	out := map[string]string{}
	read := func(p string) {
		src, ok := s.ReadFile(p)
		if !ok || !bytes.Contains(src, []byte("tags")) {
			return
		}
		for _, m := range testTagsRe.FindAllSubmatchIndex(src, -1) {
			start := bytes.LastIndexByte(src[:m[0]], '\n') + 1
			end := bytes.IndexByte(src[m[1]:], '\n')
			if end < 0 {
				end = len(src)
			} else {
				end += m[1]
			}
			if !runsGoTests.Match(src[start:end]) {
				continue // go build, go vet, a linter: not where tests run
			}
			var list string
			for g := 2; g < 8; g += 2 {
				if m[g] >= 0 {
					list += string(src[m[g]:m[g+1]])
				}
			}
			if strings.Contains(list, "$") {
				continue
			}
			for _, tag := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
				if _, ok := out[tag]; !ok {
					out[tag] = p
				}
			}
		}
	}
	for _, dir := range []string{".github/workflows", ".", "scripts", "hack", "build"} {
		for _, f := range s.ListFiles(dir) {
			if ciConfig(f.Path) || strings.HasSuffix(f.Path, ".sh") {
				read(f.Path)
			}
		}
	}
	return out
}
