package model

import (
	"go/ast"
	"go/token"
	"regexp"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
)

// This file grades what gates a site: how likely a skip or a check is to
// run where CI runs, by platform, environment, flags and helper names.

// ciVariables are environment variables that CI services set: a test that
// consults them behaves differently exactly where it is enforced.
var CIVariables = SetOf("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "CIRCLECI", "JENKINS_URL", "JENKINS_HOME",
	"TF_BUILD", "TRAVIS", "CONTINUOUS_INTEGRATION", "BITBUCKET_BUILD_NUMBER", "TEAMCITY_VERSION", "DRONE",
	"APPVEYOR", "CODEBUILD_BUILD_ID", "GITHUB_RUN_ID", "GITHUB_WORKFLOW", "BUILD_ID", "CI_NAME", "WOODPECKER", "SEMAPHORE")

// Grade says how serious a new skip (or TestMain exit) is, from its gates.
// failGates are the signatures of gates under which base failed the test:
// a skip under one of them turned a failure into a skip.
func Grade(s *Site, failGates map[string]bool) (finding.Severity, string) {
	if fires, known := platformFires(s.Gates); known && !fires {
		return finding.Info, "only on other platforms (" + s.gateText() + "), a platform guard that cannot fire on " + defaultOS + "/" + defaultArch
	}
	facts := gateFacts(s)
	switch {
	case facts.ciVar != "":
		return finding.Error, "only when the " + facts.ciVar + " environment variable says it runs on CI, which hides it exactly where it is enforced"
	case len(s.Gates) > 0 && failGates[GatesOnly(s)]:
		return finding.Error, "under the same condition (" + s.gateText() + ") that used to fail it: a failure turned into a skip"
	case len(s.Gates) == 0 && s.helper == "":
		return finding.Error, "unconditionally, so it no longer tests anything anywhere"
	case facts.platformOnly:
		return finding.Warning, "on " + defaultOS + "/" + defaultArch + " (" + s.gateText() + "), where CI usually runs"
	case facts.short:
		return finding.Warning, "in -short mode (" + s.gateText() + ")"
	case facts.envVar != "":
		return finding.Warning, "when the " + facts.envVar + " environment variable is absent (a credential or service it needs)"
	case facts.service != "":
		return finding.Warning, "when a service it needs is unreachable (" + facts.service + ")"
	case facts.probe != "":
		return finding.Info, "when a tool or capability is missing (" + facts.probe + ")"
	case s.helper != "":
		return helperGrade(s.helper)
	}
	return finding.Warning, "under a condition goodhart cannot classify (" + s.gateText() + "); check it is not the test's own failure"
}

func helperGrade(name string) (finding.Severity, string) {
	switch {
	case strings.Contains(name, "CI"):
		return finding.Error, "through " + name + ", which by its name skips on CI"
	case strings.Contains(name, "Short"):
		return finding.Warning, "through " + name + ", in -short mode"
	}
	return finding.Info, "through " + name + ", a helper of another package that skips when something is missing"
}

func GatesOnly(s *Site) string {
	var parts []string
	for _, g := range s.Gates {
		parts = append(parts, g.String())
	}
	return strings.Join(parts, " && ")
}

type gateFact struct {
	ciVar, envVar, service, probe string
	short, platformOnly           bool
}

// gateFacts reads what a site's gates consult.
func gateFacts(s *Site) gateFact {
	var f gateFact
	platform, other := false, false
	for _, g := range s.Gates {
		if g.Cond == nil {
			other = true
			continue
		}
		if _, known := evalPlatform(g.Cond); known {
			platform = true
		} else {
			other = true
		}
		nodes := append([]ast.Node{g.Cond}, g.ctx...)
		for _, n := range nodes {
			ast.Inspect(n, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					f.call(call)
				}
				return true
			})
		}
	}
	f.platformOnly = platform && !other
	return f
}

func (f *gateFact) call(call *ast.CallExpr) {
	recv, name := CallName(call)
	switch {
	case (recv == "os" || recv == "syscall") && (name == "Getenv" || name == "LookupEnv"):
		if v := StringArg(call, 0); v != "" {
			if CIVariables[v] {
				f.ciVar = v
			} else if f.envVar == "" {
				f.envVar = v
			}
		}
	case recv == "testing" && name == "Short":
		f.short = true
	case (recv == "net" && strings.HasPrefix(name, "Dial")) || (recv == "sql" && name == "Open") || name == "Ping" || name == "PingContext" ||
		(recv == "http" && (name == "Get" || name == "Head")) || (recv == "grpc" && strings.HasPrefix(name, "Dial")) || (recv == "net" && name == "Listen"):
		f.service = recv + "." + name
	case (recv == "exec" && (name == "LookPath" || name == "Command" || name == "CommandContext")) || recv == "testenv" ||
		(recv == "runtime" && (name == "Version" || name == "NumCPU" || name == "GOMAXPROCS")) || (recv == "testing" && name == "CoverMode") ||
		(recv == "os" && (name == "Getuid" || name == "Geteuid" || name == "Stat")):
		f.probe = recv + "." + name
	}
}

// platformFires evaluates the gates that test runtime.GOOS/GOARCH on the
// default platform: known is false when no gate is decided that way.
func platformFires(gates []gate) (fires, known bool) {
	for _, g := range gates {
		if g.Cond == nil {
			continue
		}
		v, ok := evalPlatform(g.Cond)
		if !ok {
			continue
		}
		if g.negated {
			v = !v
		}
		if !v {
			return false, true
		}
		known = true
	}
	return true, known
}

// evalPlatform evaluates a condition made of runtime.GOOS/GOARCH comparisons
// with string literals on the default platform.
func evalPlatform(e ast.Expr) (val, known bool) {
	switch e := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			v, ok := evalPlatform(e.X)
			return !v, ok
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND, token.LOR:
			x, xok := evalPlatform(e.X)
			y, yok := evalPlatform(e.Y)
			if e.Op == token.LAND {
				if (xok && !x) || (yok && !y) {
					return false, true
				}
				return x && y, xok && yok
			}
			if (xok && x) || (yok && y) {
				return true, true
			}
			return x || y, xok && yok
		case token.EQL, token.NEQ:
			v, lit, ok := platformCompare(e.X, e.Y)
			if !ok {
				v, lit, ok = platformCompare(e.Y, e.X)
			}
			if ok {
				return (v == lit) == (e.Op == token.EQL), true
			}
		}
	}
	return false, false
}

func platformCompare(x, y ast.Expr) (value, lit string, ok bool) {
	sel, isSel := ast.Unparen(x).(*ast.SelectorExpr)
	l, isLit := ast.Unparen(y).(*ast.BasicLit)
	if !isSel || !isLit || l.Kind != token.STRING {
		return "", "", false
	}
	if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "runtime" {
		return "", "", false
	}
	s, _ := strconv.Unquote(l.Value)
	switch sel.Sel.Name {
	case "GOOS":
		return defaultOS, s, true
	case "GOARCH":
		return defaultArch, s, true
	}
	return "", "", false
}

var skipNameRE = regexp.MustCompile(`^(?i:skip)|(?i:skip)(?:If|Unless|On|When|Without|Under|For|In|Short|CI|Slow|Flaky|Windows|Darwin|Linux)`)

// skipsByName reports whether a helper goodhart cannot see into says by its
// name that it skips: SkipIfShort, skipUnlessDocker, testutil.SkipOnCI —
// not assert.EqualSkip, whose "Skip" counts stack frames.
func skipsByName(name string) bool { return skipNameRE.MatchString(name) }
