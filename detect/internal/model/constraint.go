package model

import (
	"go/build/constraint"
	"runtime"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
)

// The platform goodhart assumes a default build runs on: where CI usually
// runs `go test ./...`.
const (
	defaultOS   = "linux"
	defaultArch = "amd64"
)

var knownOS = SetOf("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
	"linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos")

var knownArch = SetOf("386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips",
	"mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv",
	"riscv64", "s390", "s390x", "sparc", "sparc64", "wasm")

var unixOS = SetOf("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "linux",
	"netbsd", "openbsd", "solaris")

// testCategoryTags are build tags that conventionally select a slower class
// of tests, run in a separate CI job: moving a test behind one is a warning.
var testCategoryTags = SetOf("integration", "e2e", "endtoend", "acceptance", "functional", "system",
	"slow", "long", "manual", "smoke", "sanity", "regression", "performance", "perf", "stress", "soak",
	"load", "bench", "benchmark", "network", "docker", "database", "db", "external", "live", "cloud",
	"unit", "race", "fuzz", "component", "contract")

func SetOf(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// DefaultTag says whether a build tag is satisfied in a default build.
func DefaultTag(tag string) bool {
	switch {
	case tag == defaultOS || tag == defaultArch || tag == "unix" || tag == "gc" || tag == "cgo":
		return true
	case strings.HasPrefix(tag, "go1."):
		minor, err := strconv.Atoi(tag[len("go1."):])
		return err == nil && minor <= newestGoMinor
	}
	return false
}

// newestGoMinor is the newest Go 1.N release a default build may use: the
// toolchain goodhart was built with, or the one after it. A constraint
// naming a later one (//go:build go1.99) leaves its file out of every build.
var newestGoMinor = func() int {
	v := runtime.Version()
	if i := strings.Index(v, "go1."); i >= 0 {
		v = v[i+len("go1."):]
		if j := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' }); j >= 0 {
			v = v[:j]
		}
		if n, err := strconv.Atoi(v); err == nil && n >= 26 {
			return n + 1
		}
	}
	return 27
}()

// BuildExpr returns the file's build constraint, from a //go:build line or
// from legacy // +build lines, or nil.
func BuildExpr(f *SrcFile) (constraint.Expr, int) {
	if f.AST == nil {
		return nil, 0
	}
	var plus []constraint.Expr
	line := 0
	for _, cg := range f.AST.Comments {
		if cg.Pos() >= f.AST.Package {
			break
		}
		for _, c := range cg.List {
			if constraint.IsGoBuild(c.Text) {
				if x, err := constraint.Parse(c.Text); err == nil {
					return x, f.Line(c.Pos())
				}
			}
			if constraint.IsPlusBuild(c.Text) {
				if x, err := constraint.Parse(c.Text); err == nil {
					plus = append(plus, x)
					if line == 0 {
						line = f.Line(c.Pos())
					}
				}
			}
		}
	}
	if len(plus) == 0 {
		return nil, 0
	}
	x := plus[0]
	for _, y := range plus[1:] {
		x = &constraint.AndExpr{X: x, Y: y}
	}
	return x, line
}

// excludedByDefault says why a default linux/amd64 build leaves the file out,
// or "" when it builds it.
func excludedByDefault(f *SrcFile) string {
	if x, _ := BuildExpr(f); x != nil && !x.Eval(DefaultTag) {
		return "its file's build constraint //go:build " + x.String() + " leaves it out of a default build"
	}
	if goos, goarch := FileNamePlatform(f.Path); (goos != "" && goos != defaultOS) || (goarch != "" && goarch != defaultArch) {
		return "its file name limits it to " + strings.Trim(goos+"/"+goarch, "/") + ", which excludes " + defaultOS + "/" + defaultArch
	}
	return ""
}

// FileNamePlatform reads the _GOOS, _GOARCH or _GOOS_GOARCH suffix of a file
// name, as go/build does.
func FileNamePlatform(p string) (goos, goarch string) {
	name := strings.TrimSuffix(baseName(p), ".go")
	name = strings.TrimSuffix(name, "_test")
	parts := strings.Split(name, "_")
	if len(parts) < 2 {
		return "", ""
	}
	last := parts[len(parts)-1]
	if len(parts) >= 3 && knownOS[parts[len(parts)-2]] && knownArch[last] {
		return parts[len(parts)-2], last
	}
	if knownOS[last] {
		return last, ""
	}
	if knownArch[last] {
		return "", last
	}
	return "", ""
}

// ConstraintSeverity grades a constraint that newly leaves a file out of the
// default build: "ignore" or an impossible expression is an error; a tag
// that names a class of tests run elsewhere is a warning; a platform is a
// warning too (the tests still run somewhere, but not where CI usually does);
// any other new tag is an error.
func ConstraintSeverity(x constraint.Expr) (finding.Severity, string) {
	if x == nil {
		return finding.Warning, "platform"
	}
	tags := map[string]bool{}
	collectTags(x, tags)
	if tags["ignore"] && !x.Eval(func(t string) bool { return t != "ignore" }) {
		return finding.Error, "ignore"
	}
	custom := func(t string) bool {
		return t != "ignore" && !knownOS[t] && !knownArch[t] && !DefaultTag(t) && t != "unix"
	}
	// With every custom tag on, does the file build on the default platform?
	withCustom := x.Eval(func(t string) bool { return DefaultTag(t) || custom(t) })
	if !withCustom {
		if satisfiable(x, tags) {
			return finding.Warning, "platform"
		}
		return finding.Error, "impossible"
	}
	for t := range tags {
		if custom(t) && !testCategoryTags[strings.ToLower(t)] {
			// Only custom tags that the expression needs matter.
			if !x.Eval(func(u string) bool { return DefaultTag(u) || (custom(u) && u != t) }) {
				return finding.Error, t
			}
		}
	}
	return finding.Warning, "category"
}

func collectTags(x constraint.Expr, into map[string]bool) {
	switch e := x.(type) {
	case *constraint.TagExpr:
		into[e.Tag] = true
	case *constraint.NotExpr:
		collectTags(e.X, into)
	case *constraint.AndExpr:
		collectTags(e.X, into)
		collectTags(e.Y, into)
	case *constraint.OrExpr:
		collectTags(e.X, into)
		collectTags(e.Y, into)
	}
}

// satisfiable tries every assignment of the expression's tags (there are few).
func satisfiable(x constraint.Expr, tags map[string]bool) bool {
	var names []string
	for t := range tags {
		if t != "ignore" {
			names = append(names, t)
		}
	}
	if len(names) > 12 {
		return true
	}
	for mask := 0; mask < 1<<len(names); mask++ {
		on := map[string]bool{}
		for i, n := range names {
			on[n] = mask&(1<<i) != 0
		}
		if x.Eval(func(t string) bool { return on[t] }) {
			return true
		}
	}
	return false
}
