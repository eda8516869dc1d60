package model

import (
	"go/ast"
	"strings"
	"unicode"
)

// This file recognises code that only writes output: logging, printing,
// colours and formats, which test-aware code may change without harm.

// OutputOnly reports whether statements only log, print or change how
// output looks: branches that leave the program's behaviour alone.
func OutputOnly(list []ast.Stmt) bool {
	if len(list) == 0 {
		return false
	}
	for _, st := range list {
		if !isOutputStmt(st) {
			return false
		}
	}
	return true
}

// outputWords are the words of names that only concern how output looks:
// colors, verbosity, progress display, logging.
var outputWords = SetOf("color", "colors", "colour", "colours", "nocolor", "ansi", "format", "formatter", "pretty",
	"style", "verbose", "verbosity", "quiet", "silent", "progress", "spinner", "interactive", "tty", "width", "emoji",
	"output", "log", "logs", "logger", "logging", "loglevel", "print", "printer", "banner", "prompt", "pager", "debug", "trace")

func isOutputStmt(st ast.Stmt) bool {
	switch st := st.(type) {
	case *ast.ExprStmt:
		call, ok := st.X.(*ast.CallExpr)
		return ok && IsOutputCall(call)
	case *ast.AssignStmt:
		for _, l := range st.Lhs {
			name := ""
			switch l := l.(type) {
			case *ast.Ident:
				name = l.Name
			case *ast.SelectorExpr:
				name = l.Sel.Name
			}
			if !hasOutputWord(name) {
				return false
			}
		}
		return true
	case *ast.EmptyStmt:
		return true
	case *ast.ReturnStmt:
		// return report.Write(w, …): the rest of the function is the other
		// branch. A bare return or return nil is no output: it skips the rest.
		writes := false
		for _, r := range st.Results {
			if call, ok := r.(*ast.CallExpr); ok && IsOutputCall(call) {
				writes = true
			} else if id, ok := r.(*ast.Ident); !ok || (id.Name != "nil" && id.Name != "err") {
				return false
			}
		}
		return writes
	}
	return false
}

// hasOutputWord reports whether one of the words of a camelCase or
// snake_case name is an output word: noColor, logLevel — not catalog.
func hasOutputWord(name string) bool {
	for _, w := range nameWords(name) {
		if outputWords[w] {
			return true
		}
	}
	return false
}

// nameWords splits a name into lower-case words at underscores and case changes.
func nameWords(name string) []string {
	var words []string
	start := 0
	rs := []rune(name)
	for i := 1; i <= len(rs); i++ {
		boundary := i == len(rs) || rs[i] == '_' || rs[i] == '-' ||
			(unicode.IsUpper(rs[i]) && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]))))
		if !boundary {
			continue
		}
		if w := strings.Trim(string(rs[start:i]), "_-"); w != "" {
			words = append(words, strings.ToLower(w))
		}
		start = i
	}
	return words
}

var logReceivers = SetOf("log", "slog", "logger", "l", "lg", "logrus", "klog", "glog", "zap", "zerolog", "fmt", "color", "Logger", "Log")

// IsOutputCall recognises logging and printing: log.Printf, slog.Info,
// s.logger.Debug, fmt.Fprintln, logger.SetLevel, color.NoColor().
func IsOutputCall(call *ast.CallExpr) bool {
	recv, name := CallName(call)
	if recv == "" {
		return hasOutputWord(name) // printBanner(), disableColor()
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && recv == "?" {
		if inner, ok := sel.X.(*ast.SelectorExpr); ok {
			recv = inner.Sel.Name // s.logger.Info
		}
	}
	for _, p := range []string{"Print", "Fprint", "Debug", "Info", "Warn", "Trace", "Log", "Set", "Disable", "Enable", "NoColor"} {
		if strings.HasPrefix(name, p) && (logReceivers[recv] || hasOutputWord(recv)) {
			return true
		}
	}
	if (name == "Error" || name == "Errorf") && (logReceivers[recv] || hasOutputWord(recv)) && recv != "fmt" {
		return true
	}
	return writesToOutput(call, name)
}

// writesToOutput recognises a write, render or encode into an output
// stream: report.Write(w, …), tmpl.Execute(os.Stdout, …), json.NewEncoder(out).Encode(v).
func writesToOutput(call *ast.CallExpr, name string) bool {
	writes := false
	for _, p := range []string{"Write", "Render", "Encode", "Execute", "Fprint", "Print"} {
		writes = writes || strings.HasPrefix(name, p)
	}
	if !writes {
		return false
	}
	args := call.Args
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if inner, ok := sel.X.(*ast.CallExpr); ok {
			args = append(args, inner.Args...) // json.NewEncoder(out).Encode(v)
		}
	}
	for _, a := range args {
		switch a := ast.Unparen(a).(type) {
		case *ast.Ident:
			if a.Name == "w" || a.Name == "out" || a.Name == "stdout" || a.Name == "stderr" || a.Name == "writer" {
				return true
			}
		case *ast.SelectorExpr:
			if a.Sel.Name == "Stdout" || a.Sel.Name == "Stderr" {
				return true
			}
		}
	}
	return false
}
