package model

import (
	"go/ast"
	"go/token"
	"go/types"
	"net"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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
	case len(s.Gates) > 0 && failGates[FailGateKey(s)]:
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
	case facts.probe != "" && facts.tool && facts.mock != "":
		return finding.Warning, "when a tool is missing (" + facts.probe + "), though the test drives it through a stand-in (" + facts.mock + ") and may not need the tool at all"
	case facts.probe != "":
		return finding.Info, "when a tool or capability is missing (" + facts.probe + ")"
	case facts.version != "":
		return finding.Info, "when a tool is too old (" + facts.version + "), a capability guard"
	case facts.variant != "":
		return finding.Info, "only in a build with other tags (" + facts.variant + "), where a constant its condition reads is set otherwise (" + s.gateText() + "): a default go test cannot reach it"
	case facts.capability != "":
		return finding.Info, "when what it runs against lacks a feature (" + facts.capability + "), a capability guard"
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

// FailGateKey is what makes a skip's condition the one a failure of base
// stood under: the gates' text, and the calls that produced the values
// they read (err != nil after Parse is not err != nil after net.Listen).
func FailGateKey(s *Site) string {
	used := map[string]bool{}
	for _, g := range s.Gates {
		if g.Cond != nil {
			ast.Inspect(g.Cond, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					used[id.Name] = true
				}
				return true
			})
		}
	}
	var producers []string
	for _, g := range s.Gates {
		for _, c := range g.ctx {
			ast.Inspect(c, func(n ast.Node) bool {
				as, ok := n.(*ast.AssignStmt)
				if !ok || len(as.Rhs) != 1 {
					return true
				}
				call, ok := as.Rhs[0].(*ast.CallExpr)
				if !ok {
					return true
				}
				for _, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok && used[id.Name] {
						if _, name := CallName(call); name != "" && !slices.Contains(producers, name) {
							producers = append(producers, name)
						}
					}
				}
				return true
			})
		}
	}
	slices.Sort(producers)
	return GatesOnly(s) + "|" + strings.Join(producers, ",")
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
	tool                          bool   // the probe looks for an executable (exec.LookPath, exec.Command)
	version                       string // a version the gate compares: a tool too old is a missing capability
	mock                          string // a stand-in for running commands the test uses (mocked runner)
	variant                       string // the build (its tags) where a build-set constant lets the skip fire; a default build cannot
	capability                    string // a name in the gates that says the setup lacks a feature (supportsStream, SkipIfNoGoFail)
	files                         []*SrcFile
}

// gateFacts reads what a site's gates consult.
func gateFacts(s *Site) gateFact {
	f := gateFact{files: []*SrcFile{s.callFile, s.File}}
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
	if f.probe == "" && f.envVar == "" && f.service == "" && f.ciVar == "" && !f.short && s.scope != nil {
		f.followLocal(s)
	}
	if f.probe == "" && f.envVar == "" && f.service == "" && len(s.Gates) > 0 {
		f.version = versionGuard(s)
	}
	if f.probe == "" && f.envVar == "" && f.service == "" && f.ciVar == "" && !f.short && f.version == "" && s.scope != nil {
		f.variant = buildVariant(s)
		f.capability = capabilityName(s)
	}
	if f.tool && s.scope != nil && s.scope.body != nil {
		f.mock = s.scope.snap.mockRunner(s.scope.body)
	}
	return f
}

// followLocal reads, one level down, the functions of the site's own
// package that a gate calls by plain name: `hasRipgrep()` or a package
// variable bound to a function (`var getRg = sync.OnceValue(func() string
// {… exec.LookPath("rg") …})`). What those bodies consult is what the gate
// consults. Only probes are taken from them: a CI variable read two calls
// away does not raise a skip to an error.
func (f *gateFact) followLocal(s *Site) {
	w := s.scope
	if w.snap == nil {
		return
	}
	seen := map[string]bool{}
	var bodies []ast.Node
	var names []string
	for _, g := range s.Gates {
		if g.Cond == nil {
			continue
		}
		for _, n := range append([]ast.Node{g.Cond}, g.ctx...) {
			ast.Inspect(n, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				id, ok := call.Fun.(*ast.Ident)
				if !ok || seen[id.Name] {
					return true
				}
				seen[id.Name] = true
				if h := w.snap.funcDecl(w.dir, id.Name); h != nil {
					bodies, names = append(bodies, h.decl.Body), append(names, id.Name)
				} else if vs := w.snap.valueSpec(w.dir, token.VAR, id.Name); vs != nil {
					for _, v := range vs.Values {
						ast.Inspect(v, func(n ast.Node) bool {
							if fl, ok := n.(*ast.FuncLit); ok {
								bodies, names = append(bodies, fl.Body), append(names, id.Name)
								return false
							}
							return true
						})
					}
				}
				return true
			})
		}
	}
	for i, b := range bodies {
		inner := gateFact{files: f.files}
		ast.Inspect(b, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				inner.call(call)
			}
			return true
		})
		if inner.probe != "" {
			f.probe, f.tool = inner.probe+" in "+names[i], inner.tool
			return
		}
	}
}

// capabilityRE matches names that say a setup lacks or has a feature.
var capabilityRE = regexp.MustCompile(`(?i)support|capabilit`)

// skipIfNoRE matches helpers named for skipping when something is missing.
var skipIfNoRE = regexp.MustCompile(`^(?:[Ss]kip|[Rr]equire)(?:If|Unless)?(?:No|Not|Missing|Without)[A-Z]`)

// capabilityName finds, in a skip's gates or the helpers that led to it, a
// name that says the setup lacks a feature: clusterSupportsStream(),
// !supported, integration.SkipIfNoGoFail. Such a skip marks a variant of the
// setup where the feature does not exist, not a failure of the test.
func capabilityName(s *Site) string {
	for _, v := range s.Via {
		name := v[strings.LastIndex(v, ".")+1:]
		if skipIfNoRE.MatchString(name) || capabilityRE.MatchString(name) {
			return v
		}
	}
	found := ""
	for _, g := range s.Gates {
		if g.Cond == nil {
			continue
		}
		ast.Inspect(g.Cond, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && found == "" && capabilityRE.MatchString(id.Name) {
				found = id.Name
			}
			return found == ""
		})
	}
	return found
}

// buildVariant recognises a skip gated on a boolean constant that build
// tags set (const ThroughProxy = true in a file built with cluster_proxy,
// false in one built without it): when the default build's value keeps the
// gate false, the skip fires only in the other build, whose tags it
// returns; otherwise "".
func buildVariant(s *Site) string {
	w := s.scope
	if w.snap == nil || w.sc == nil {
		return ""
	}
	for _, g := range s.Gates {
		if g.Cond == nil {
			continue
		}
		x, neg := ast.Unparen(g.Cond), g.negated
		for {
			u, ok := x.(*ast.UnaryExpr)
			if !ok || u.Op != token.NOT {
				break
			}
			x, neg = ast.Unparen(u.X), !neg
		}
		var dir, name string
		switch e := x.(type) {
		case *ast.Ident:
			dir, name = w.dir, e.Name
		case *ast.SelectorExpr:
			if id, ok := e.X.(*ast.Ident); ok {
				dir, name = w.snap.ModuleDir(w.sc.file, id.Name), e.Sel.Name
			}
		}
		if dir == "" || name == "" {
			continue
		}
		def, other, ok := constVariants(w.snap, dir, name)
		if ok && def == neg { // the gate is false in a default build
			return other
		}
	}
	return ""
}

// constVariants finds a boolean constant or variable declared in several
// files of a package under different build constraints: its value in a
// default build, and the constraint of another build. ok is false unless
// exactly one default-build declaration and at least one other exist.
func constVariants(snap *Snapshot, dir, name string) (def bool, other string, ok bool) {
	defaults := 0
	for _, r := range snap.text(dir).candidates(name) {
		decls, sf := r.decls()
		if sf == nil {
			continue
		}
		for _, d := range decls {
			gd, isGen := d.(*ast.GenDecl)
			if !isGen || (gd.Tok != token.CONST && gd.Tok != token.VAR) {
				continue
			}
			for _, sp := range gd.Specs {
				vs, isVal := sp.(*ast.ValueSpec)
				if !isVal || len(vs.Names) != 1 || vs.Names[0].Name != name || len(vs.Values) != 1 {
					continue
				}
				lit, isIdent := vs.Values[0].(*ast.Ident)
				if !isIdent || (lit.Name != "true" && lit.Name != "false") {
					return false, "", false
				}
				x, _ := BuildExpr(sf)
				switch {
				case x == nil:
					return false, "", false
				case x.Eval(DefaultTag):
					def, defaults = lit.Name == "true", defaults+1
				default:
					other = x.String()
				}
			}
		}
	}
	return def, other, defaults == 1 && other != ""
}

// pkgName is the name of the package an identifier imports in the site's
// files (osexec "os/exec" → exec), or the identifier itself when it is not
// an import.
func (f *gateFact) pkgName(recv string) string {
	for _, file := range f.files {
		if file == nil {
			continue
		}
		if p := file.importPath(recv); p != "" {
			return path.Base(p)
		}
	}
	return recv
}

func (f *gateFact) call(call *ast.CallExpr) {
	recv, name := CallName(call)
	recv = f.pkgName(recv)
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
	case recv == "net" && name == "Listen" && loopbackLiteral(call):
		// net.Listen("tcp6", "[::1]:0"): whether the host has that network
		// stack, a capability of the machine, not a service the test needs.
		f.probe = "net.Listen on " + StringArg(call, 1)
	case (recv == "net" && strings.HasPrefix(name, "Dial")) || (recv == "sql" && name == "Open") || name == "Ping" || name == "PingContext" ||
		(recv == "http" && (name == "Get" || name == "Head")) || (recv == "grpc" && strings.HasPrefix(name, "Dial")) || (recv == "net" && name == "Listen"):
		f.service = recv + "." + name
	case recv == "exec" && (name == "LookPath" || name == "Command" || name == "CommandContext"):
		f.probe, f.tool = recv+"."+name, true
	case recv == "testenv" ||
		(recv == "runtime" && (name == "Version" || name == "NumCPU" || name == "GOMAXPROCS")) || (recv == "testing" && name == "CoverMode") ||
		(recv == "os" && (name == "Getuid" || name == "Geteuid" || name == "Stat" || name == "Symlink" || name == "Link" || name == "Lchown" || name == "Chown")) ||
		(recv == "syscall" && (name == "Mkfifo" || name == "Setrlimit")):
		f.probe = recv + "." + name
	}
}

// loopbackLiteral reports whether a net.Listen call listens on a literal
// loopback address ("[::1]:0", "127.0.0.1:0", "localhost:0").
func loopbackLiteral(call *ast.CallExpr) bool {
	host, _, err := net.SplitHostPort(StringArg(call, 1))
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var versionRE = regexp.MustCompile(`(?i)version`)

// tooOldRE matches what a skip says when the tool it needs is too old.
var tooOldRE = regexp.MustCompile(`(?i)\btoo old\b|\b(?:version|release)\b.*\b(?:older|below|before|lacks|required|requires|needed|supported)\b|\brequires\b.*\b(?:version|v?\d+\.\d+)`)

// versionGuard recognises a skip gated on the version of something the
// test needs (a git too old for merge-tree): the condition, or what feeds
// it, calls a function that reads a version (gitVersion(t),
// semver.Compare(v, "v2.38")), or the skip itself says the tool is too
// old. A version field of the value under test (m.Version != "v2") is not
// that. It returns what says so, or "".
func versionGuard(s *Site) string {
	for _, g := range s.Gates {
		if g.Cond == nil {
			continue
		}
		found := ""
		for _, n := range append([]ast.Node{g.Cond}, g.ctx...) {
			ast.Inspect(n, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && found == "" {
					recv, name := CallName(call)
					if versionRE.MatchString(name) || recv == "semver" || recv == "version" {
						found = strings.TrimPrefix(recv+"."+name, ".")
					}
				}
				return found == ""
			})
		}
		if found != "" {
			return found
		}
	}
	if call, ok := s.call.(*ast.CallExpr); ok {
		for _, arg := range call.Args {
			if l, ok := arg.(*ast.BasicLit); ok && l.Kind == token.STRING {
				if msg, err := strconv.Unquote(l.Value); err == nil && tooOldRE.MatchString(msg) {
					return strconv.Quote(msg)
				}
			}
		}
	}
	return ""
}

// mockRunner finds, in a test's body, a stand-in for running commands: a
// mocked or faked command runner (mockContext.CommandRunner,
// fakeExec, testexec.NewMockRunner). A test that runs its tool through one
// does not need the tool installed, so a skip when it is missing may hide
// the test for nothing.
func mockRunner(body *ast.BlockStmt) string {
	found := ""
	ast.Inspect(body, func(n ast.Node) bool {
		var text string
		switch x := n.(type) {
		case *ast.SelectorExpr:
			text = types.ExprString(x)
		case *ast.Ident:
			text = x.Name
		default:
			return found == ""
		}
		if found == "" && standInRunner(text) {
			found = text
		}
		return found == ""
	})
	return found
}

// mockRunner is mockRunner(body), kept per test body: every site gated on
// a tool asks it of the whole body, and a test may have hundreds.
func (s *Snapshot) mockRunner(body *ast.BlockStmt) string {
	if found, ok := s.mocks[body]; ok {
		return found
	}
	found := mockRunner(body)
	if s.mocks == nil {
		s.mocks = map[*ast.BlockStmt]string{}
	}
	s.mocks[body] = found
	return found
}

// standInRunner reports whether a name says it is a stand-in (mock, fake,
// stub) for running commands (runner, command, cmd, exec), in any case.
// Names in ASCII, nearly all, skip the regular expressions.
func standInRunner(text string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			return standInRE.MatchString(text) && runnerRE.MatchString(text)
		}
	}
	lower := strings.ToLower(text)
	return containsAny(lower, "mock", "fake", "stub") && containsAny(lower, "runner", "command", "cmd", "exec")
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

var (
	standInRE = regexp.MustCompile(`(?i)mock|fake|stub`)
	runnerRE  = regexp.MustCompile(`(?i)runner|command|cmd|exec`)
)

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

// Narrows reports whether a head skip is reachable only where a base skip
// already was: the same kind of skip (the same external helper, if any),
// with every condition of the base one among its own. A skip moved under
// one more if (a helper that skips, now called only for some rows) hides
// nothing base did not hide already.
func Narrows(s, base *Site) bool {
	if s.Kind != SiteSkip || base.Kind != SiteSkip || s.helper != base.helper || len(base.Gates) > len(s.Gates) {
		return false
	}
	have := map[string]int{}
	for _, g := range s.Gates {
		have[g.String()]++
	}
	for _, g := range base.Gates {
		k := g.String()
		if have[k] == 0 {
			return false
		}
		have[k]--
	}
	return true
}

// Widened recognises a head skip whose condition is a base skip's with
// alternatives added: `if errors.Is(err, os.ErrPermission)` became
// `if errors.Is(err, os.ErrPermission) || os.IsPermission(err) || …`. It
// returns the skip as if gated on the added alternatives alone — what is
// newly skipped — the base condition and the added one, or nil when s does
// not widen base.
func Widened(s, base *Site) (w *Site, was, added string) {
	if s.Kind != SiteSkip || base.Kind != SiteSkip || s.helper != base.helper || len(s.Gates) != len(base.Gates) {
		return nil, "", ""
	}
	at := -1
	var extras []ast.Expr
	for i := range s.Gates {
		hg, bg := s.Gates[i], base.Gates[i]
		if hg.String() == bg.String() {
			continue
		}
		if at >= 0 || hg.Cond == nil || bg.Cond == nil || hg.negated || bg.negated {
			return nil, "", ""
		}
		hd, bd := disjuncts(hg.Cond), disjuncts(bg.Cond)
		left := map[string]int{}
		for _, d := range bd {
			left[types.ExprString(d)]++
		}
		var extra []ast.Expr
		for _, d := range hd {
			if k := types.ExprString(d); left[k] > 0 {
				left[k]--
				continue
			}
			extra = append(extra, d)
		}
		for _, n := range left {
			if n > 0 {
				return nil, "", ""
			}
		}
		if len(extra) == 0 {
			return nil, "", ""
		}
		at, extras = i, extra
	}
	if at < 0 {
		return nil, "", ""
	}
	var cond ast.Expr
	for _, d := range extras {
		if cond == nil {
			cond = d
		} else {
			cond = &ast.BinaryExpr{X: cond, Op: token.LOR, Y: d}
		}
	}
	c := *s
	c.Gates = append([]gate(nil), s.Gates...)
	c.Gates[at].Cond = cond
	return &c, base.Gates[at].String(), types.ExprString(cond)
}

// disjuncts splits a || b || c into its alternatives.
func disjuncts(e ast.Expr) []ast.Expr {
	if b, ok := ast.Unparen(e).(*ast.BinaryExpr); ok && b.Op == token.LOR {
		return append(disjuncts(b.X), disjuncts(b.Y)...)
	}
	return []ast.Expr{e}
}
