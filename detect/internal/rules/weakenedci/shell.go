package weakenedci

import (
	"bytes"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/goodhart-dev/goodhart/internal/lru"
)

// shellState is how a shell treats failures where a script starts: the
// flags it was started with.
type shellState struct {
	errexit  bool // set -e: a failing command ends the script
	pipefail bool // set -o pipefail: a pipeline fails when any part fails
}

// command is one simple command a script runs, with what becomes of its
// failure.
type command struct {
	line int      // line in the script, 1-based
	args []string // its words, variables known to the script expanded
	// masked says why the command's failure does not fail the script ("" when
	// it does); weak marks a reason goodhart is less sure of.
	masked string
	weak   bool
	// explicit marks a mask the script wrote (|| true, set +e, a pipe),
	// as opposed to one that comes from the shell's defaults.
	explicit bool
}

// ghExpr matches a GitHub expression, which is no shell.
var ghExpr = regexp.MustCompile(`\$\{\{[^}]*\}\}`)

// parseShell parses a script; GitHub expressions become plain words of
// the same line.
// parseScript returns the syntax of a script's text, nil when it does not
// parse. The trees are kept by text across the analyses of a process (the
// same steps and recipes come back on both sides of every commit that
// changes CI) and are only read, never changed.
func parseScript(src string) *syntax.File {
	if f, ok := parsedScripts.Get(src); ok {
		return f
	}
	f, err := parseShell(src)
	if err != nil {
		f = nil
	}
	parsedScripts.Put(src, f, scriptCost*len(src)+64)
	return f
}

var parsedScripts = lru.New[*syntax.File](16 << 20)

// scriptCost estimates the memory of a script's syntax tree from its text.
const scriptCost = 40

func parseShell(src string) (*syntax.File, error) {
	src = ghExpr.ReplaceAllStringFunc(src, func(s string) string {
		return "GHEXPR" + strings.Repeat("_", max(0, len(s)-6)-strings.Count(s, "\n"))
	})
	return syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
}

// walker walks a script in the order it runs, keeping the shell's flags and
// the variables it assigned.
type walker struct {
	state    shellState
	setPlusE bool // the script said set +e
	vars     map[string]string
	funcs    map[string]*syntax.Stmt
	out      []command
	depth    int
	// lastLine is the line of the script's last statement: what it runs
	// decides the script's status.
}

// scriptCommands lists the commands of a script and whether each one's
// failure fails it. vars are variables known beforehand (a Makefile's,
// expanded already, need none).
func scriptCommands(f *syntax.File, st shellState) []command {
	return scriptCommandsWith(f, st, nil)
}

// walked keeps what scriptCommandsWith made of a script's text under a
// shell state and environment, across the analyses of a process: every
// replay of a CI finding walks the same scripts again. What it keeps is
// only read.
var walked = lru.New[[]command](4 << 20)

// commandsOf is scriptCommandsWith of f, the syntax of src, kept by src,
// st and the variables of env the walk reads.
func commandsOf(src string, f *syntax.File, st shellState, env map[string]string) []command {
	var k strings.Builder
	fmt.Fprintf(&k, "%t %t %d\x00", st.errexit, st.pipefail, len(src))
	k.WriteString(src)
	for _, name := range slices.Sorted(maps.Keys(env)) {
		if v := env[name]; !strings.Contains(v, "${{") {
			k.WriteString("\x00" + name + "=" + v)
		}
	}
	key := k.String()
	if cmds, ok := walked.Get(key); ok {
		return cmds
	}
	cmds := scriptCommandsWith(f, st, env)
	size := len(key) + 64
	for _, c := range cmds {
		size += 96 + len(c.masked)
		for _, a := range c.args {
			size += 16 + len(a)
		}
	}
	walked.Put(key, cmds, size)
	return cmds
}

// scriptCommandsWith is scriptCommands with variables the environment sets.
func scriptCommandsWith(f *syntax.File, st shellState, env map[string]string) []command {
	w := &walker{state: st, vars: map[string]string{}, funcs: map[string]*syntax.Stmt{}}
	for k, v := range env {
		if !strings.Contains(v, "${{") {
			w.vars[k] = v
		}
	}
	w.list(f.Stmts, ctx{propagates: true})
	return w.out
}

// ctx is what the code around a statement list does with its status.
type ctx struct {
	propagates bool   // the list's last status becomes the script's (or is checked)
	masked     string // why everything inside is masked, when it is
	weak       bool
	explicit   bool
	checked    bool // the status is consumed by a condition (if, while, &&)
}

func (w *walker) list(stmts []*syntax.Stmt, c ctx) {
	for i, st := range stmts {
		sc := c
		last := i == len(stmts)-1
		if sc.masked == "" && !sc.checked {
			switch {
			case w.state.errexit:
			case last && c.propagates:
			case statusChecked(stmts[i+1:]):
			default:
				sc.masked, sc.explicit = w.noErrexitReason(stmts[i+1:])
			}
		}
		w.stmt(st, sc, last)
	}
}

// noErrexitReason says why a command that is not the last of its list,
// in a shell that goes on after failures, does not decide the status.
func (w *walker) noErrexitReason(rest []*syntax.Stmt) (string, bool) {
	if len(rest) > 0 {
		if a := callArgs(rest[0]); len(a) > 0 {
			switch {
			case a[0] == "true" || a[0] == ":":
				return "`; " + a[0] + "` follows it", true
			case a[0] == "exit" && (len(a) == 1 || a[1] == "0"):
				return "`exit 0` follows it", true
			}
		}
	}
	if w.setPlusE {
		return "`set +e` is in effect and later commands decide the exit status", true
	}
	return "the shell does not stop on errors here (no set -e) and later commands decide the exit status", false
}

// statusChecked reports whether statements read the status of the one
// before them ($?, PIPESTATUS).
func statusChecked(rest []*syntax.Stmt) bool {
	found := false
	for _, st := range rest {
		syntax.Walk(st, func(n syntax.Node) bool {
			if pe, ok := n.(*syntax.ParamExp); ok && pe.Param != nil && (pe.Param.Value == "?" || pe.Param.Value == "PIPESTATUS") {
				found = true
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

func (w *walker) stmt(st *syntax.Stmt, c ctx, last bool) {
	if st.Negated && c.masked == "" && !c.checked {
		c.masked, c.explicit = "`!` inverts its status", true
	}
	switch x := st.Cmd.(type) {
	case *syntax.CallExpr:
		w.call(x, c)
	case *syntax.BinaryCmd:
		w.binary(x, c)
	case *syntax.Subshell:
		w.list(x.Stmts, ctx{propagates: c.propagates || w.state.errexit, masked: c.masked, weak: c.weak, explicit: c.explicit, checked: c.checked})
	case *syntax.Block:
		w.list(x.Stmts, ctx{propagates: c.propagates || w.state.errexit, masked: c.masked, weak: c.weak, explicit: c.explicit, checked: c.checked})
	case *syntax.IfClause:
		for ic := x; ic != nil; ic = ic.Else {
			w.list(ic.Cond, ctx{propagates: true, masked: c.masked, weak: c.weak, explicit: c.explicit, checked: true})
			w.list(ic.Then, c)
		}
	case *syntax.WhileClause:
		w.list(x.Cond, ctx{propagates: true, masked: c.masked, weak: c.weak, explicit: c.explicit, checked: true})
		w.list(x.Do, c)
	case *syntax.ForClause:
		w.list(x.Do, c)
	case *syntax.CaseClause:
		for _, it := range x.Items {
			w.list(it.Stmts, c)
		}
	case *syntax.FuncDecl:
		if x.Name != nil {
			w.funcs[x.Name.Value] = x.Body
		}
	case *syntax.TimeClause:
		if x.Stmt != nil {
			w.stmt(x.Stmt, c, last)
		}
	case *syntax.DeclClause:
		for _, a := range x.Args {
			w.assign(a)
		}
	}
}

func (w *walker) binary(x *syntax.BinaryCmd, c ctx) {
	switch x.Op {
	case syntax.OrStmt:
		xc := c
		if c.masked == "" && !c.checked {
			if ok, text := alwaysSucceeds(x.Y); ok {
				xc.masked, xc.explicit = "`|| "+text+"` ignores its failure", true
			} else {
				xc.checked = true // the right side handles the failure
			}
		}
		w.stmt(x.X, xc, false)
		w.stmt(x.Y, c, true)
	case syntax.AndStmt:
		// set -e does not stop at the left of &&; its failure is the
		// status of the whole list.
		xc := c
		if c.masked == "" && !c.checked && w.state.errexit && !c.propagates {
			xc.masked, xc.weak = "it is on the left of `&&` in a statement that does not decide the exit status", true
		}
		w.stmt(x.X, xc, false)
		w.stmt(x.Y, c, true)
	case syntax.Pipe, syntax.PipeAll:
		xc := c
		if c.masked == "" && !w.state.pipefail {
			into := "another command"
			if a := callArgs(x.Y); len(a) > 0 {
				into = "`" + path.Base(a[0]) + "`"
			}
			xc.masked, xc.explicit = "its output is piped into "+into+" without pipefail, so the pipe's status is "+into+"'s", true
			xc.weak = !strongSink(x.Y)
		}
		w.stmt(x.X, xc, false)
		w.stmt(x.Y, c, true)
	}
}

// strongSink reports whether the end of a pipe surely succeeds whatever
// the tests did: tee, cat, a grep for output, a report converter.
func strongSink(st *syntax.Stmt) bool {
	a := callArgs(st)
	if len(a) == 0 {
		if b, ok := st.Cmd.(*syntax.BinaryCmd); ok && (b.Op == syntax.Pipe || b.Op == syntax.PipeAll) {
			return strongSink(b.Y)
		}
		return false
	}
	switch path.Base(a[0]) {
	case "tee", "cat", "grep", "egrep", "sed", "awk", "go-junit-report", "gotestfmt", "column", "less", "head", "tail", "sort":
		return true
	}
	return false
}

// alwaysSucceeds reports whether the right side of || surely succeeds:
// true, :, exit 0, or only messages.
func alwaysSucceeds(st *syntax.Stmt) (bool, string) {
	fails := false
	var first string
	syntax.Walk(st, func(n syntax.Node) bool {
		ce, ok := n.(*syntax.CallExpr)
		if !ok || len(ce.Args) == 0 {
			return true
		}
		a := words(ce.Args, nil)
		if first == "" {
			first = strings.Join(a, " ")
		}
		switch a[0] {
		case "true", ":", "echo", "printf", "cat":
		case "exit", "return":
			if len(a) > 1 && a[1] != "0" {
				fails = true
			}
			if len(a) == 1 {
				fails = true // exit with the status of the failed command
			}
		default:
			fails = true // a command that may fail, or a retry
		}
		return !fails
	})
	if fails || first == "" {
		return false, ""
	}
	return true, first
}

func (w *walker) call(x *syntax.CallExpr, c ctx) {
	for _, a := range x.Assigns {
		w.assign(a)
	}
	if len(x.Args) == 0 {
		return
	}
	args := words(x.Args, w.vars)
	if len(args) == 0 {
		return
	}
	switch args[0] {
	case "set":
		w.set(args[1:])
		return
	case "export", "local", "declare", "readonly":
		return
	}
	if body, ok := w.funcs[args[0]]; ok && w.depth < 4 {
		w.depth++
		w.stmt(body, c, true)
		w.depth--
		return
	}
	w.out = append(w.out, command{line: int(x.Pos().Line()), args: args, masked: c.masked, weak: c.weak, explicit: c.explicit})
}

func (w *walker) assign(a *syntax.Assign) {
	if a.Name == nil || a.Value == nil {
		return
	}
	w.vars[a.Name.Value] = strings.Join(words([]*syntax.Word{a.Value}, w.vars), " ")
}

// set applies set's options.
func (w *walker) set(args []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-o" || a == "+o" {
			if i+1 < len(args) {
				on := a == "-o"
				switch args[i+1] {
				case "errexit":
					w.state.errexit = on
					w.setPlusE = w.setPlusE || !on
				case "pipefail":
					w.state.pipefail = on
				}
				i++
			}
			continue
		}
		if len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			continue
		}
		on := a[0] == '-'
		for _, r := range a[1:] {
			switch r {
			case 'e':
				w.state.errexit = on
				if !on {
					w.setPlusE = true
				}
			case 'o':
				if i+1 < len(args) && args[i+1] == "pipefail" {
					w.state.pipefail = on
					i++
				}
			}
		}
	}
}

// callArgs returns the words of a simple command, nil for anything else.
func callArgs(st *syntax.Stmt) []string {
	if st == nil {
		return nil
	}
	ce, ok := st.Cmd.(*syntax.CallExpr)
	if !ok {
		return nil
	}
	return words(ce.Args, nil)
}

// words renders a command's words, expanding variables the script set to
// known text; an unquoted variable splits into fields.
func words(ws []*syntax.Word, vars map[string]string) []string {
	var out []string
	for _, w := range ws {
		if len(w.Parts) == 1 {
			if pe, ok := w.Parts[0].(*syntax.ParamExp); ok && pe.Param != nil && pe.Exp == nil && pe.Repl == nil && pe.Index == nil {
				if v, ok := vars[pe.Param.Value]; ok {
					if strings.HasPrefix(v, "$(") {
						out = append(out, v)
					} else {
						out = append(out, strings.Fields(v)...)
					}
					continue
				}
			}
		}
		out = append(out, wordText(w.Parts, vars))
	}
	return out
}

func wordText(parts []syntax.WordPart, vars map[string]string) string {
	var b strings.Builder
	for _, p := range parts {
		switch x := p.(type) {
		case *syntax.Lit:
			b.WriteString(x.Value)
		case *syntax.SglQuoted:
			b.WriteString(x.Value)
		case *syntax.DblQuoted:
			b.WriteString(wordText(x.Parts, vars))
		case *syntax.ParamExp:
			if x.Param != nil {
				if v, ok := vars[x.Param.Value]; ok && x.Exp == nil && x.Repl == nil {
					b.WriteString(v)
				} else {
					b.WriteString("$" + x.Param.Value)
				}
			}
		case *syntax.CmdSubst:
			b.WriteString("$(")
			b.WriteString(printStmts(x.Stmts))
			b.WriteString(")")
		default:
			b.WriteString("?")
		}
	}
	return b.String()
}

func printStmts(stmts []*syntax.Stmt) string {
	var buf bytes.Buffer
	pr := syntax.NewPrinter(syntax.SingleLine(true))
	for i, st := range stmts {
		if i > 0 {
			buf.WriteString("; ")
		}
		pr.Print(&buf, st)
	}
	return strings.TrimSpace(buf.String())
}
