package weakenedci

import (
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// goTest is one go test command, read with the flags go test accepts.
type goTest struct {
	pkgs  pkgSel
	run   string // -run pattern, "" for all
	skip  string // -skip pattern
	short bool
	tags  []string
	// noRun says why the command runs no test ("" when it does): -c, -list, -n, -run '^$'.
	noRun string
	text  string // the command as written, for messages
}

// pkgSel is a list of packages as go test is given it.
type pkgSel struct {
	patterns []string // repository-relative: "." the root package, "..." all, "a/b/..." a tree
	exclude  []string // grep -v patterns applied to a go list of them
	opaque   string   // text goodhart cannot read (a variable, a command): compared as is
}

// go test's own flags that take a value (build flags, and test flags go
// test reads before the test binary).
var goTestValueFlags = map[string]bool{
	"p": true, "asmflags": true, "buildmode": true, "compiler": true, "gccgoflags": true, "gcflags": true,
	"installsuffix": true, "ldflags": true, "mod": true, "modfile": true, "overlay": true, "pgo": true,
	"pkgdir": true, "tags": true, "toolexec": true, "C": true, "o": true, "exec": true, "vet": true,
	"covermode": true, "coverpkg": true, "bench": true, "benchtime": true, "count": true, "coverprofile": true,
	"cpu": true, "list": true, "parallel": true, "run": true, "shuffle": true, "skip": true, "timeout": true,
	"blockprofile": true, "blockprofilerate": true, "cpuprofile": true, "memprofile": true, "memprofilerate": true,
	"mutexprofile": true, "mutexprofilefraction": true, "outputdir": true, "trace": true, "fuzz": true,
	"fuzztime": true, "fuzzminimizetime": true, "failfast": false, "json": false, "v": false, "short": false,
}

// parseGoTest reads the arguments after `go test`, run in dir (repository-relative).
func parseGoTest(args []string, dir string) *goTest {
	t := &goTest{text: "go test " + strings.Join(args, " ")}
	var pkgs []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-args" || a == "--args" {
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pkgs = append(pkgs, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		name = strings.TrimPrefix(name, "test.")
		val, hasVal := "", false
		if k, v, ok := strings.Cut(name, "="); ok {
			name, val, hasVal = k, v, true
		}
		if takes, known := goTestValueFlags[name]; known && takes && !hasVal {
			if i+1 < len(args) {
				val = args[i+1]
				i++
			}
		}
		switch name {
		case "run":
			t.run = val
		case "skip":
			t.skip = val
		case "short":
			t.short = !hasVal || val == "true"
		case "tags":
			t.tags = strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == ' ' })
		case "C":
			dir = joinDir(dir, val)
		case "c":
			t.noRun = "-c only compiles the test binary"
		case "n":
			t.noRun = "-n only prints the commands"
		case "list":
			t.noRun = "-list only lists the tests"
		}
	}
	if t.run == "^$" || t.run == "^\\$" || t.run == "XXX" || t.run == "NONE" || t.run == "xxx" || t.run == "^#" {
		t.noRun = "-run " + t.run + " matches no test"
	}
	t.pkgs = selection(pkgs, dir)
	return t
}

// selection normalizes package arguments run in dir.
func selection(args []string, dir string) pkgSel {
	var s pkgSel
	if len(args) == 0 {
		args = []string{"."}
	}
	for _, a := range args {
		if strings.HasPrefix(a, "$(") || strings.HasPrefix(a, "`") {
			if pats, excl, ok := goListPipe(a, dir); ok {
				s.patterns = append(s.patterns, pats...)
				s.exclude = append(s.exclude, excl...)
				continue
			}
		}
		if a == "$@" || a == "$*" {
			continue // the script's own arguments: flags passed on, most often
		}
		if strings.Contains(a, "$") || strings.Contains(a, "GHEXPR") {
			s.opaque = strings.TrimSpace(s.opaque + " " + a)
			continue
		}
		s.patterns = append(s.patterns, normPattern(a, dir))
	}
	slices.Sort(s.patterns)
	s.patterns = slices.Compact(s.patterns)
	slices.Sort(s.exclude)
	return s
}

// goListPipe reads $(go list PATTERNS | grep -v X | grep -v Y).
func goListPipe(a, dir string) (pats, excl []string, ok bool) {
	inner := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(a, "$("), "`"), ")")
	inner = strings.TrimSuffix(inner, "`")
	f, err := parseShell(inner)
	if err != nil || len(f.Stmts) != 1 {
		return nil, nil, false
	}
	var parts []*syntax.Stmt
	var flatten func(st *syntax.Stmt)
	flatten = func(st *syntax.Stmt) {
		if b, ok := st.Cmd.(*syntax.BinaryCmd); ok && (b.Op == syntax.Pipe || b.Op == syntax.PipeAll) {
			flatten(b.X)
			flatten(b.Y)
			return
		}
		parts = append(parts, st)
	}
	flatten(f.Stmts[0])
	first := callArgs(parts[0])
	if len(first) < 2 || first[0] != "go" || first[1] != "list" {
		return nil, nil, false
	}
	var lp []string
	for i := 2; i < len(first); i++ {
		if strings.HasPrefix(first[i], "-") {
			if first[i] == "-f" || first[i] == "-tags" {
				i++
			}
			continue
		}
		lp = append(lp, first[i])
	}
	if len(lp) == 0 {
		lp = []string{"."}
	}
	for _, p := range lp {
		pats = append(pats, normPattern(p, dir))
	}
	for _, st := range parts[1:] {
		a := callArgs(st)
		if len(a) == 0 || (a[0] != "grep" && a[0] != "egrep") {
			return nil, nil, false
		}
		inverted := false
		var pat []string
		for i := 1; i < len(a); i++ {
			switch {
			case a[i] == "-e" && i+1 < len(a):
				pat = append(pat, a[i+1])
				i++
			case strings.HasPrefix(a[i], "-"):
				if strings.Contains(a[i], "v") {
					inverted = true
				}
			default:
				pat = append(pat, a[i])
			}
		}
		if !inverted {
			pat = []string{"only " + strings.Join(pat, " ")} // a grep that keeps: anything else is dropped
		}
		excl = append(excl, pat...)
	}
	return pats, excl, true
}

func normPattern(p, dir string) string {
	p = strings.TrimSuffix(p, "/")
	if strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || p == "." || p == ".." || p == "./..." {
		return cleanRel(path.Join(dir, p))
	}
	if strings.HasPrefix(p, "...") || !strings.Contains(p, ".") && !strings.Contains(p, "/") && p != "all" {
		return p // std or an odd pattern: compared as written
	}
	return p // an import path: compared as written
}

func cleanRel(p string) string {
	p = path.Clean(p)
	if p == "" {
		return "."
	}
	return p
}

func joinDir(dir, sub string) string {
	if path.IsAbs(sub) || strings.Contains(sub, "$") {
		return dir
	}
	return cleanRel(path.Join(dir, sub))
}

// covers reports whether pattern q selects every package p does.
func covers(q, p string) bool {
	if q == p {
		return true
	}
	qt, ok := strings.CutSuffix(q, "/...")
	if q == "..." {
		qt, ok = "", true
	}
	if !ok {
		return false
	}
	pt := strings.TrimSuffix(p, "/...")
	if p == "..." {
		pt = "."
	}
	return qt == "" || qt == "." || pt == qt || strings.HasPrefix(pt, qt+"/")
}

// lostPatterns lists the patterns of base that no pattern of head covers.
func lostPatterns(base, head pkgSel) []string {
	var lost []string
	for _, p := range base.patterns {
		ok := false
		for _, q := range head.patterns {
			if covers(q, p) {
				ok = true
				break
			}
		}
		if !ok {
			lost = append(lost, p)
		}
	}
	return lost
}

// newExclusions lists the exclusions head has and base has not.
func newExclusions(base, head pkgSel) []string {
	var out []string
	for _, e := range head.exclude {
		if !slices.Contains(base.exclude, e) {
			out = append(out, e)
		}
	}
	return out
}

// goCommand returns the go subcommand and its arguments when args run go
// (directly, or through env, time, a timeout, a container…).
func goCommand(args []string) (sub string, rest []string, ok bool) {
	if len(args) < 2 {
		return "", nil, false
	}
	if isGo(args[0]) {
		return args[1], args[2:], true
	}
	if !wrapper(path.Base(args[0])) {
		return "", nil, false
	}
	for i := 1; i+1 < len(args); i++ {
		if isGo(args[i]) {
			switch args[i+1] {
			case "test", "build", "vet", "install", "run":
				return args[i+1], args[i+2:], true
			}
		}
	}
	return "", nil, false
}

func isGo(a string) bool {
	b := path.Base(a)
	if v, ok := strings.CutPrefix(a, "$"); ok {
		b = strings.ToLower(strings.TrimPrefix(v, "MAKEVAR_"))
	}
	return b == "go" || b == "richgo" || b == "gotip" || strings.HasPrefix(b, "go1.")
}

func wrapper(b string) bool {
	switch b {
	case "env", "time", "timeout", "nice", "sudo", "xvfb-run", "docker", "podman", "nix", "nix-shell",
		"exec", "command", "retry", "stdbuf", "unbuffer", "ionice", "taskset", "setsid":
		return true
	}
	return false
}

func isDuration(s string) bool {
	if s == "" {
		return false
	}
	return strings.Trim(s, "0123456789smhd.") == ""
}

// gotestsum reads gotestsum's arguments: its --packages and what follows --.
func gotestsum(args []string, dir string) *goTest {
	var pk []string
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = args[i+1:]
			break
		}
		if v, ok := strings.CutPrefix(a, "--packages="); ok {
			pk = append(pk, strings.Fields(v)...)
		} else if a == "--packages" && i+1 < len(args) {
			pk = append(pk, strings.Fields(args[i+1])...)
			i++
		}
	}
	if len(pk) == 0 && !hasPkgArg(rest) {
		pk = []string{"./..."}
	}
	return parseGoTest(append(rest, pk...), dir)
}

func hasPkgArg(args []string) bool {
	for i := 0; i < len(args); i++ {
		if strings.HasPrefix(args[i], "-") {
			name := strings.TrimLeft(args[i], "-")
			if takes := goTestValueFlags[name]; takes && !strings.Contains(name, "=") {
				i++
			}
			continue
		}
		return true
	}
	return false
}
