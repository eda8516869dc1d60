package weakenedci

import (
	"path"
	"regexp"
	"strings"
)

// makefile is what goodhart reads of a Makefile: its variables, its rules
// and how it runs recipes.
type makefile struct {
	path     string
	vars     map[string]string
	targets  map[string]*target
	first    string // the default goal
	errexit  bool   // .SHELLFLAGS has -e
	pipefail bool   // .SHELLFLAGS or SHELL sets pipefail
	oneshell bool
	ignore   bool // .IGNORE: every failure is ignored
}

type target struct {
	name    string
	line    int
	prereqs []string
	recipe  []recipeLine
}

type recipeLine struct {
	line   int
	text   string
	ignore bool // the line starts with -
}

var (
	makeAssign = regexp.MustCompile(`^(?:override\s+|export\s+)?([^\s:#=]+)\s*(::?=|:::=|\?=|\+=|!=|=)(.*)$`)
	makeRule   = regexp.MustCompile(`^([^:=#]+?)\s*::?(?:\s+|$|[^=])(.*)$`)
)

// parseMakefile reads a Makefile. It takes both branches of conditionals
// and ignores includes: what it cannot see it does not judge.
func parseMakefile(p string, src []byte, read func(string) ([]byte, bool)) *makefile {
	mf := &makefile{path: p, vars: map[string]string{"GO": "go", "MAKE": "make", "CURDIR": ".", "GOCMD": "go"}, targets: map[string]*target{}}
	mf.read(src, read, 0)
	flags := mf.expand(mf.vars[".SHELLFLAGS"], "", 0) + " " + mf.expand(mf.vars["SHELL"], "", 0)
	for _, f := range strings.Fields(flags) {
		if strings.HasPrefix(f, "-") && !strings.HasPrefix(f, "--") && strings.Contains(f, "e") {
			mf.errexit = true
		}
	}
	mf.pipefail = strings.Contains(flags, "pipefail")
	return mf
}

// read reads a Makefile's text into mf; an include of a file of the
// repository named literally is read too, for its variables and rules.
func (mf *makefile) read(src []byte, read func(string) ([]byte, bool), depth int) {
	lines := strings.Split(string(src), "\n")
	var cur []*target
	inDefine := false
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := strings.TrimRight(lines[i], "\r")
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, "\\") + " " + strings.TrimLeft(strings.TrimRight(lines[i], "\r"), " \t")
		}
		if inDefine {
			if strings.HasPrefix(strings.TrimSpace(line), "endef") {
				inDefine = false
			}
			continue
		}
		if strings.HasPrefix(line, "\t") {
			if len(cur) > 0 {
				text := strings.TrimPrefix(line, "\t")
				rl := recipeLine{line: start}
				for len(text) > 0 && strings.ContainsRune("@-+ \t", rune(text[0])) {
					if text[0] == '-' {
						rl.ignore = true
					}
					text = text[1:]
				}
				if strings.HasPrefix(strings.TrimSpace(text), "#") {
					continue
				}
				rl.text = text
				for _, t := range cur {
					t.recipe = append(t.recipe, rl)
				}
			}
			continue
		}
		trim := strings.TrimSpace(line)
		if trim == "" || strings.HasPrefix(trim, "#") {
			continue
		}
		first := strings.Fields(trim)[0]
		switch first {
		case "define":
			inDefine = true
			continue
		case "include", "-include", "sinclude":
			if read != nil && depth < 3 {
				for _, inc := range strings.Fields(trim)[1:] {
					inc = mf.expand(inc, "", 0)
					if strings.ContainsAny(inc, "$*?") {
						continue
					}
					if b, ok := read(joinDir(path.Dir(mf.path), inc)); ok {
						mf.read(b, read, depth+1)
					}
				}
			}
			cur = nil
			continue
		case "ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "vpath", "unexport":
			continue
		}
		if m := makeAssign.FindStringSubmatch(trim); m != nil {
			cur = nil
			name, op, val := m[1], m[2], strings.TrimSpace(m[3])
			switch op {
			case "+=":
				mf.vars[name] = strings.TrimSpace(mf.vars[name] + " " + val)
			case "?=":
				if _, ok := mf.vars[name]; !ok || name == "GO" || name == "GOCMD" {
					mf.vars[name] = val
				}
			case "!=":
				mf.vars[name] = "$(shell " + val + ")"
			default:
				mf.vars[name] = val
			}
			continue
		}
		if m := makeRule.FindStringSubmatch(trim); m != nil {
			rest := m[2]
			colon := strings.Index(trim, ":")
			rest = strings.TrimLeft(trim[colon+1:], ":")
			var inline string
			if j := strings.Index(rest, ";"); j >= 0 {
				rest, inline = rest[:j], rest[j+1:]
			}
			if strings.Contains(rest, "=") {
				cur = nil // a target-specific variable
				continue
			}
			cur = nil
			for _, name := range strings.Fields(m[1]) {
				switch name {
				case ".ONESHELL":
					mf.oneshell = true
					continue
				case ".IGNORE":
					mf.ignore = strings.TrimSpace(rest) == ""
					continue
				}
				if strings.HasPrefix(name, ".") || strings.Contains(name, "%") {
					continue
				}
				t := mf.targets[name]
				if t == nil {
					t = &target{name: name, line: start}
					mf.targets[name] = t
					if mf.first == "" {
						mf.first = name
					}
				}
				t.prereqs = append(t.prereqs, strings.Fields(rest)...)
				if strings.TrimSpace(inline) != "" {
					t.recipe = append(t.recipe, recipeLine{line: start, text: strings.TrimSpace(inline)})
				}
				cur = append(cur, t)
			}
		}
	}
}

// makeRef matches a variable reference or function call of make.
var makeRef = regexp.MustCompile(`\$(\$|[@<^*?]|\(([^()]*)\)|\{([^{}]*)\})`)

// expand expands make's variables in a recipe line of target t. What
// cannot be known becomes a word the shell reads as one argument.
func (mf *makefile) expand(s, t string, depth int) string {
	if depth > 6 {
		return s
	}
	return makeRef.ReplaceAllStringFunc(s, func(ref string) string {
		m := makeRef.FindStringSubmatch(ref)
		switch m[1] {
		case "$":
			return "$"
		case "@":
			return t
		case "<", "^", "*", "?":
			if tg := mf.targets[t]; tg != nil && len(tg.prereqs) > 0 {
				return strings.Join(tg.prereqs, " ")
			}
			return ""
		}
		name := m[2] + m[3]
		if cmd, ok := strings.CutPrefix(name, "shell "); ok {
			return "$(" + mf.expand(cmd, t, depth+1) + ")"
		}
		if strings.ContainsAny(name, " ,") {
			return "MAKEEXPR"
		}
		if v, ok := mf.vars[name]; ok {
			return mf.expand(v, t, depth+1)
		}
		if strings.Trim(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == "" {
			return "${MAKEVAR_" + name + "}" // set elsewhere: the environment, a file not read
		}
		return ""
	})
}
