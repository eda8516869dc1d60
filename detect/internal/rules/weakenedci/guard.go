package weakenedci

import (
	"encoding/json"
	"path"
	"slices"
	"strings"
)

// guard is a place goodhart itself runs: its Action, a goodhart command in
// CI, or a hook of a coding agent.
type guard struct {
	kind   string // "action", "command", "hook"
	failOn string // error, warning, info, never
	assume string // the Action's auto/true/false; a command's "true" or ""
	cmd    string // the command, for a message
}

// failRank orders fail-on from the strictest.
func failRank(s string) int {
	switch strings.ToLower(strings.Trim(s, `"' `)) {
	case "info":
		return 0
	case "warning":
		return 1
	case "", "error":
		return 2
	case "never":
		return 3
	}
	return 2
}

// assumeRank orders assume-agent from the strictest.
func assumeRank(s string) int {
	switch strings.ToLower(strings.Trim(s, `"' `)) {
	case "true":
		return 2
	case "auto", "":
		return 1
	}
	return 0
}

// readArgs applies goodhart's own flags among args.
func (g *guard) readArgs(args []string) {
	for i := 0; i < len(args); i++ {
		a := strings.TrimLeft(args[i], "-")
		if !strings.HasPrefix(args[i], "-") {
			continue
		}
		k, v, hasV := strings.Cut(a, "=")
		switch k {
		case "fail-on":
			if !hasV && i+1 < len(args) {
				v = args[i+1]
				i++
			}
			g.failOn = v
		case "assume-agent":
			if !hasV || v == "true" {
				g.assume = "true"
			} else {
				g.assume = "false"
			}
		}
	}
}

// goRunGoodhart reports whether args are go run of goodhart's command.
func goRunGoodhart(args []string) bool {
	sub, rest, ok := goCommand(args)
	if !ok || sub != "run" {
		return false
	}
	for _, a := range rest {
		if strings.Contains(a, "goodhart") && !strings.HasPrefix(a, "-") {
			return true
		}
	}
	return false
}

// goodhartCommand reads a goodhart command line that checks commits:
// check, hook pre-push, or hook stop (the command of the agent hooks that
// `goodhart hook install --agent` writes). Other subcommands (version,
// rules, scan) guard nothing.
func goodhartCommand(args []string) *guard {
	i := 1
	if path.Base(args[0]) != "goodhart" {
		for i = 0; i < len(args) && !strings.Contains(args[i], "goodhart"); i++ {
		}
		i++
	}
	rest := args[min(i, len(args)):]
	sub := ""
	for j, a := range rest {
		if !strings.HasPrefix(a, "-") {
			sub = a
			if a == "hook" && j+1 < len(rest) {
				sub = "hook " + rest[j+1]
			}
			break
		}
	}
	if sub != "check" && sub != "hook pre-push" && sub != "hook stop" {
		return nil
	}
	g := &guard{kind: "command", failOn: "error", cmd: strings.Join(args, " ")}
	g.readArgs(rest)
	if g.assume == "" {
		g.assume = "false"
	}
	return g
}

// agentHookFiles are the hook configurations of coding agents.
var agentHookFiles = []string{".claude/settings.json", ".claude/settings.local.json", ".codex/hooks.json", ".gemini/settings.json", ".cursor/hooks.json"}

// hookGuards reads the goodhart hooks of an agent's hook configuration:
// every command string under "hooks" that runs goodhart, with the event it
// is hooked to. disabled is true when the file turns every hook off.
func hookGuards(src []byte) (out []hookEntry, disabled bool, ok bool) {
	var doc any
	if err := json.Unmarshal(src, &doc); err != nil {
		return nil, false, false
	}
	root, _ := doc.(map[string]any)
	if v, _ := root["disableAllHooks"].(bool); v {
		disabled = true
	}
	hooks, has := root["hooks"]
	if !has {
		return nil, disabled, true
	}
	var walk func(v any, event string)
	walk = func(v any, event string) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if k == "command" || k == "bash" || k == "powershell" {
					if s, ok := x[k].(string); ok {
						if g, c := commandGuard(s); g != nil {
							out = append(out, hookEntry{event: event, g: g, text: s, masked: c.masked, weak: c.weak})
						}
					}
					continue
				}
				ev := event
				if ev == "" {
					ev = k
				}
				walk(x[k], ev)
			}
		case []any:
			for _, e := range x {
				walk(e, event)
			}
		}
	}
	walk(hooks, "")
	return out, disabled, true
}

type hookEntry struct {
	event  string
	g      *guard
	text   string
	masked string // why the hook's goodhart cannot fail it
	weak   bool
}

// commandGuard reads a hook's shell command for a goodhart run, and
// what becomes of its failure.
func commandGuard(s string) (*guard, command) {
	f, err := parseShell(s)
	if err != nil {
		return nil, command{}
	}
	for _, c := range scriptCommands(f, shellState{}) {
		if len(c.args) == 0 {
			continue
		}
		if path.Base(c.args[0]) == "goodhart" || goRunGoodhart(c.args) {
			if g := goodhartCommand(c.args); g != nil {
				g.kind = "hook"
				return g, c
			}
		}
	}
	return nil, command{}
}

// weaker says how guard h is weaker than b, "" when it is not.
func weaker(b, h *guard) string {
	var why []string
	if failRank(h.failOn) > failRank(b.failOn) {
		why = append(why, "fail-on went from "+b.failOn+" to "+h.failOn)
	}
	if assumeRank(h.assume) < assumeRank(b.assume) {
		why = append(why, "assume-agent went from "+b.assume+" to "+h.assume)
	}
	return strings.Join(why, " and ")
}
