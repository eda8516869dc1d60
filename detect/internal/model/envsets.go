package model

import (
	"bytes"
	"go/ast"
	"regexp"
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
		had := map[string]bool{}
		if c.From != nil {
			if base, err := a.Loader.raw(c.From.Blob); err == nil {
				for _, m := range envAssign.FindAllSubmatch(base, -1) {
					had[string(m[1])] = true
				}
			}
		}
		for _, m := range envAssign.FindAllSubmatchIndex(head, -1) {
			name := string(head[m[2]:m[3]])
			if had[name] || a.ciEnv[name] != nil {
				continue
			}
			line := 1 + bytes.Count(head[:m[2]], []byte("\n"))
			a.ciEnv[name] = &TestLit{file: c.To.Path, line: line, Owner: "ci"}
		}
	}
	return a.ciEnv
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
			if src, ok := s.ReadFile(f.Path); ok && re.Match(src) {
				return f.Path
			}
		}
	}
	return ""
}
