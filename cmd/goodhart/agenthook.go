package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// The agent hooks: goodhart in a coding agent's own loop. When the agent is
// about to end its turn, the agent runs `goodhart hook stop --agent X`,
// which checks the branch and the work not yet committed (check
// --worktree) and, when a shortcut is there, answers in that agent's
// protocol so that the agent goes back to work with a message that says
// what it did and what to do instead.

// agentHook is how one agent runs a command when its turn ends.
type agentHook struct {
	name      string // --agent value
	catalog   string // its name in the agent catalog (gitutil/agents.json)
	display   string
	file      string // the project's hook configuration, from the work tree's top
	localFile string // the same, not committed (--local); "" when the agent has none
	event     string // the event that fires when the agent ends its turn
	grouped   bool   // hooks[event] holds matcher groups of handlers, not handlers
	handler   func(command string) *jsonObject
	notes     []string // what else the agent needs, said at install
}

// stopCommand is the command every agent hook runs: goodhart from PATH,
// never an absolute path, since the file is committed and shared.
const stopCommand = "goodhart hook stop"

// maxReturns is how many times in a row the hook sends an agent back to
// work before it lets it stop (saying the shortcut is still there).
const maxReturns = 3

// hookTimeout is the time, in seconds, the agent gives the hook.
const hookTimeout = 120

func obj(kv ...any) *jsonObject {
	o := newObject()
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), kv[i+1])
	}
	return o
}

var agentHooks = []agentHook{
	{
		name: "claude-code", catalog: "claude-code", display: "Claude Code",
		file: ".claude/settings.json", localFile: ".claude/settings.local.json",
		event: "Stop", grouped: true,
		handler: func(cmd string) *jsonObject {
			return obj("type", "command", "command", cmd, "timeout", json.Number(strconv.Itoa(hookTimeout)))
		},
		notes: []string{
			"Claude Code reads its settings when a session starts: start a new session, or review the hook with /hooks.",
		},
	},
	{
		name: "codex", catalog: "codex", display: "Codex",
		file: ".codex/hooks.json", event: "Stop", grouped: true,
		handler: func(cmd string) *jsonObject {
			return obj("type", "command", "command", cmd, "timeout", json.Number(strconv.Itoa(hookTimeout)),
				"statusMessage", "goodhart: checking the change for test shortcuts")
		},
		notes: []string{
			"Codex loads a project's hooks only when it trusts the project, and runs a new or changed hook only after you review and trust it: open /hooks in Codex.",
			"Codex versions that predate hooks being on by default need them switched on in config.toml: [features] hooks = true (formerly codex_hooks = true).",
		},
	},
	{
		name: "gemini", catalog: "gemini", display: "Gemini CLI",
		file: ".gemini/settings.json", event: "AfterAgent", grouped: true,
		handler: func(cmd string) *jsonObject {
			return obj("type", "command", "command", cmd, "name", "goodhart",
				"timeout", json.Number(strconv.Itoa(hookTimeout*1000)), // milliseconds
				"description", "Sends the agent back to work when its change deletes, skips or weakens tests")
		},
		notes: []string{
			"Gemini CLI reads the project's .gemini/settings.json at start, in a folder it trusts; /hooks lists the hooks it loaded. Hooks run unless \"hooksConfig\": {\"enabled\": false} turns them off (versions where they are off by default need it set to true).",
		},
	},
	{
		name: "cursor", catalog: "cursor", display: "Cursor",
		file: ".cursor/hooks.json", event: "stop", grouped: false,
		handler: func(cmd string) *jsonObject {
			return obj("command", cmd, "loop_limit", json.Number(strconv.Itoa(maxReturns)))
		},
		notes: []string{
			"Cursor reads .cursor/hooks.json when it starts (restart it); the Hooks output channel shows each run.",
		},
	},
}

func findAgentHook(name string) (agentHook, error) {
	var names []string
	for _, h := range agentHooks {
		if h.name == name {
			return h, nil
		}
		names = append(names, h.name)
	}
	return agentHook{}, cli.Exit(fmt.Sprintf("unknown --agent %q (want %s)", name, joinOr(names)), exitError)
}

// installedCommand is the command line the hook runs.
func installedCommand(h agentHook, failOn string) string {
	cmd := stopCommand + " --agent " + h.name
	if failOn != "" && failOn != "error" {
		cmd += " --fail-on " + failOn
	}
	return cmd
}

// isOurs reports whether a hook handler is goodhart's.
func isOurs(handler any) bool {
	o, ok := handler.(*jsonObject)
	if !ok {
		return false
	}
	cmd, _ := o.vals["command"].(string)
	return cmd == stopCommand || strings.HasPrefix(cmd, stopCommand+" ")
}

// workTreeTop is the top folder of the work tree that contains dir.
func workTreeTop(dir string) (string, error) { return gitRevParse(dir, "--show-toplevel") }

// configPath is the hook configuration file install and uninstall edit.
func configPath(c *cli.Context, h agentHook) (string, error) {
	top, err := workTreeTop(c.String("repo"))
	if err != nil {
		return "", err
	}
	file := h.file
	if c.Bool("local") {
		if h.localFile == "" {
			return "", cli.Exit(fmt.Sprintf("--local: %s has no local hook configuration, only %s", h.display, h.file), exitError)
		}
		file = h.localFile
	}
	return filepath.Join(top, filepath.FromSlash(file)), nil
}

// readConfig reads a JSON configuration file; a missing one is an empty
// object.
func readConfig(path string) (*jsonObject, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return newObject(), nil
	}
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return newObject(), nil
	}
	v, err := decodeJSON(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if err != nil {
		return nil, fmt.Errorf("%s is not JSON goodhart can edit (%v): add the hook by hand", path, err)
	}
	o, ok := v.(*jsonObject)
	if !ok {
		return nil, fmt.Errorf("%s does not hold a JSON object: add the hook by hand", path)
	}
	return o, nil
}

// hooksOf returns root.hooks and root.hooks[event], checking their types.
func hooksOf(path string, root *jsonObject, event string) (*jsonObject, []any, error) {
	hv, ok := root.get("hooks")
	if !ok {
		return nil, nil, nil
	}
	hooks, ok := hv.(*jsonObject)
	if !ok {
		return nil, nil, fmt.Errorf("%s: \"hooks\" is not an object: add the hook by hand", path)
	}
	ev, ok := hooks.get(event)
	if !ok {
		return hooks, nil, nil
	}
	list, ok := ev.([]any)
	if !ok {
		return nil, nil, fmt.Errorf("%s: \"hooks\".%q is not a list: add the hook by hand", path, event)
	}
	return hooks, list, nil
}

// withoutOurs removes goodhart's handlers from an event's list: from each
// matcher group (a group left with no handler goes), or from the list
// itself. It reports how many it removed.
func withoutOurs(list []any, grouped bool) ([]any, int) {
	removed := 0
	out := make([]any, 0, len(list))
	for _, item := range list {
		if !grouped {
			if isOurs(item) {
				removed++
				continue
			}
			out = append(out, item)
			continue
		}
		g, ok := item.(*jsonObject)
		if !ok {
			out = append(out, item)
			continue
		}
		hv, _ := g.get("hooks")
		handlers, ok := hv.([]any)
		if !ok {
			out = append(out, item)
			continue
		}
		kept := make([]any, 0, len(handlers))
		for _, hd := range handlers {
			if isOurs(hd) {
				removed++
				continue
			}
			kept = append(kept, hd)
		}
		if len(kept) == 0 && len(kept) != len(handlers) {
			continue // the group held only goodhart
		}
		g.set("hooks", kept)
		out = append(out, g)
	}
	return out, removed
}

func writeConfig(path string, root *jsonObject) error {
	data, err := encodeJSON(root)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp := path + ".goodhart-tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// agentInstall adds goodhart's stop hook to an agent's project
// configuration, keeping everything else in it.
func agentInstall(c *cli.Context) error {
	h, err := findAgentHook(c.String("agent"))
	if err != nil {
		return err
	}
	if _, _, err := parseFailOn(c.String("fail-on")); err != nil {
		return err
	}
	path, err := configPath(c, h)
	if err != nil {
		return err
	}
	root, err := readConfig(path)
	if err != nil {
		return err
	}
	hooks, list, err := hooksOf(path, root, h.event)
	if err != nil {
		return err
	}
	if hooks == nil {
		hooks = newObject()
	}
	list, _ = withoutOurs(list, h.grouped) // installing again replaces goodhart's own
	var entry any = h.handler(installedCommand(h, c.String("fail-on")))
	if h.grouped {
		entry = obj("hooks", []any{entry})
	}
	hooks.set(h.event, append(list, entry))
	root.set("hooks", hooks)
	if h.name == "cursor" {
		if _, ok := root.get("version"); !ok {
			root.setFirst("version", json.Number("1"))
		}
	}
	if err := writeConfig(path, root); err != nil {
		return err
	}
	if hooksOff(root) {
		fmt.Fprintf(c.App.ErrWriter, "goodhart: warning: %s switches hooks off (hooksConfig.enabled is false): %s will not run this one until they are on\n", path, h.display)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "installed goodhart's %s hook in %s: when %s ends its turn with a shortcut at or above %s in the branch or its uncommitted work, it is sent back to fix it (at most %d times in a row)\n",
		h.event, path, h.display, c.String("fail-on"), maxReturns)
	for _, n := range h.notes {
		fmt.Fprintln(w, n)
	}
	warnNotOnPath(c.App.ErrWriter)
	return nil
}

// hooksOff reports whether a settings file turns every hook off (Gemini
// CLI's hooksConfig.enabled).
func hooksOff(root *jsonObject) bool {
	hc, ok := root.get("hooksConfig")
	if !ok {
		return false
	}
	o, ok := hc.(*jsonObject)
	if !ok {
		return false
	}
	enabled, ok := o.get("enabled")
	return ok && enabled == false
}

// warnNotOnPath says so when the goodhart the hooks run cannot be found.
func warnNotOnPath(w io.Writer) {
	if _, err := exec.LookPath("goodhart"); err != nil {
		fmt.Fprintln(w, "goodhart: warning: goodhart is not on PATH, so the hook cannot run it; install it (go install github.com/goodhart-dev/goodhart/cmd/goodhart@latest) or put it on the PATH the agent sees")
	}
}

// agentUninstall removes exactly the hook install added.
func agentUninstall(c *cli.Context) error {
	h, err := findAgentHook(c.String("agent"))
	if err != nil {
		return err
	}
	path, err := configPath(c, h)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(c.App.Writer, "no %s: nothing to remove\n", path)
		return nil
	}
	root, err := readConfig(path)
	if err != nil {
		return err
	}
	hooks, list, err := hooksOf(path, root, h.event)
	if err != nil {
		return err
	}
	list, removed := withoutOurs(list, h.grouped)
	if removed == 0 {
		fmt.Fprintf(c.App.Writer, "no goodhart hook in %s: nothing to remove\n", path)
		return nil
	}
	if len(list) == 0 {
		hooks.del(h.event)
	} else {
		hooks.set(h.event, list)
	}
	if len(hooks.keys) == 0 {
		root.del("hooks")
	}
	rest := slices.DeleteFunc(slices.Clone(root.keys), func(k string) bool { return h.name == "cursor" && k == "version" })
	if len(rest) == 0 {
		if err := os.Remove(path); err != nil {
			return err
		}
		fmt.Fprintf(c.App.Writer, "removed goodhart's hook, and %s with it (nothing else was in it)\n", path)
		return nil
	}
	if err := writeConfig(path, root); err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "removed goodhart's hook from %s\n", path)
	return nil
}

// stopPayload is what the agents write on the hook's standard input, the
// fields goodhart reads: Claude Code, Codex and Gemini CLI send cwd,
// session_id and stop_hook_active; Cursor sends workspace_roots,
// conversation_id, status and loop_count.
type stopPayload struct {
	SessionID      string   `json:"session_id"`
	ConversationID string   `json:"conversation_id"`
	Cwd            string   `json:"cwd"`
	WorkspaceRoots []string `json:"workspace_roots"`
	StopHookActive bool     `json:"stop_hook_active"`
	LoopCount      int      `json:"loop_count"`
	Status         string   `json:"status"`
}

// maxPayload bounds what the hook reads from the agent.
const maxPayload = 8 << 20

// hookStop is `goodhart hook stop`: the command the agent hooks run.
func hookStop(c *cli.Context) error {
	h, err := findAgentHook(c.String("agent"))
	if err != nil {
		return err
	}
	failOn, never, err := parseFailOn(c.String("fail-on"))
	if err != nil {
		return err
	}
	out := &stopAnswer{agent: h, stdout: c.App.Writer, stderr: c.App.ErrWriter}

	var data []byte
	if !isTerminal(c.App.Reader) { // run by hand there is no payload to wait for
		data, err = io.ReadAll(io.LimitReader(c.App.Reader, maxPayload))
	}
	var p stopPayload
	if err == nil {
		data = bytes.TrimPrefix(bytes.TrimSpace(data), []byte("\xef\xbb\xbf"))
		if len(data) > 0 {
			err = json.Unmarshal(data, &p)
		}
	}
	if err != nil {
		err = fmt.Errorf("reading the hook's input from %s: %v", h.display, err)
	}
	dir := c.String("repo")
	switch {
	case dir != "":
	case p.Cwd != "":
		dir = p.Cwd
	case len(p.WorkspaceRoots) > 0:
		dir = p.WorkspaceRoots[0]
	default:
		dir = "."
	}
	if h.name == "cursor" && (p.Status == "aborted" || p.Status == "error") {
		return out.allow("") // the user stopped it, or it failed: not a claim of done
	}

	// The loop guard: how many times in a row the agent was sent back.
	loop := loopState{agent: h.name, session: p.SessionID + p.ConversationID, dir: dir}
	returned := 0
	switch {
	case err != nil:
		// Unreadable input says nothing of the loop: count on, never reset,
		// so that a payload goodhart cannot read cannot trap the agent.
		returned = loop.read()
	case h.name == "cursor":
		returned = p.LoopCount
	case p.StopHookActive:
		returned = loop.read()
	default:
		loop.write(0)
	}
	last := returned >= maxReturns

	var res *detect.Result
	if err == nil {
		res, err = runCheck(io.Discard, checkConfig{
			Repo: dir, Source: sourceWorktree, PseudoAgent: h.catalog, Warn: io.Discard,
		})
	}
	var notRepo *gitutil.NotRepoError
	if errors.As(err, &notRepo) || errors.Is(err, gitutil.ErrNoWorkTree) {
		return out.allow(fmt.Sprintf("goodhart: %v; nothing checked", err))
	}
	if err != nil {
		// Fail closed, in the open: the agent and the user see why.
		msg := fmt.Sprintf("goodhart could not check your changes for test shortcuts: %v.\n\n"+
			"Do not end your turn on this: find out why the check fails (run `goodhart check --worktree` in the repository) and fix it, "+
			"or tell the user that the goodhart hook cannot run and why.", err)
		if last {
			loop.write(0)
			return out.allow(fmt.Sprintf("goodhart: the check failed again after the agent was sent back %d times (%v); it was let stop without the check", returned, err))
		}
		if lerr := loop.write(returned + 1); lerr != nil {
			return out.allow(fmt.Sprintf("goodhart: the check failed (%v) and the hook cannot keep its loop count (%v): the agent was let stop", err, lerr))
		}
		return out.block(msg)
	}
	var blocking []detect.Finding
	if !never {
		for _, f := range res.Findings {
			if f.Severity >= failOn {
				blocking = append(blocking, f)
			}
		}
	}
	if len(blocking) == 0 {
		loop.write(0)
		return out.allow("")
	}
	if last {
		loop.write(0)
		return out.allow(fmt.Sprintf("goodhart: %s ended its turn with %s still in place after being sent back %d times:\n%s\nReview them before this change goes further: goodhart check --worktree",
			h.display, plural(len(blocking), "shortcut"), returned, listFindings(blocking)))
	}
	if err := loop.count(h, returned+1); err != nil {
		return out.allow(fmt.Sprintf("goodhart: the hook cannot keep its loop count (%v), so it let %s stop with %s still in place:\n%s",
			err, h.display, plural(len(blocking), "shortcut"), listFindings(blocking)))
	}
	return out.block(agentMessage(blocking))
}

// listFindings is one line per finding: rule, what, where.
func listFindings(fs []detect.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "- %s (%s): %s\n", f.Rule, f.Severity, where(f))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// where says what a finding is about and where it is, for the agent.
func where(f detect.Finding) string {
	var s string
	if f.Symbol != "" {
		s = f.Symbol + " in "
	}
	switch {
	case f.File != "" && f.Line > 0 && f.OldLine > 0 && (f.OldFile != f.File || f.OldLine != f.Line):
		s += fmt.Sprintf("%s:%d (line %d of %s before the change)", f.File, f.Line, f.OldLine, f.OldFile)
	case f.File != "" && f.Line > 0:
		s += fmt.Sprintf("%s:%d", f.File, f.Line)
	case f.File != "":
		s += f.File
	case f.OldFile != "":
		s += fmt.Sprintf("%s (line %d before your change; the file is gone)", f.OldFile, f.OldLine)
	}
	switch {
	case gitutil.IsPseudo(f.Commit):
		s += ", in the changes not yet committed"
	case f.Commit != "":
		s += ", in commit " + shortHash(f.Commit)
	}
	return s
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// agentMessage is what the agent reads when it is sent back: what it did,
// where, why that is not allowed, and what to do instead.
func agentMessage(fs []detect.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "goodhart: your change takes %s to make the tests pass instead of making the code right. The task is not finished.\n\n",
		map[bool]string{true: "a shortcut", false: "shortcuts"}[len(fs) == 1])
	for i, f := range fs {
		fmt.Fprintf(&b, "%d. %s (%s): %s\n   %s\n", i+1, f.Rule, f.Severity, where(f), f.Message)
	}
	b.WriteString("\nWhy this is not allowed: a test states what the code must do. Deleting, skipping or weakening a test, " +
		"hardcoding the result it expects, or silencing the check makes the build green while the code stays wrong, " +
		"and hides that from the people who rely on the tests.\n\n" +
		"What to do instead: fix the code so that the tests pass as they were written. If you cannot, restore what you " +
		"removed or weakened exactly as it was, and explain to the user what blocks you. If the behaviour itself was meant " +
		"to change, say so to the user and why, with the test updated to the new behaviour rather than removed.")
	return b.String()
}

// stopAnswer writes the hook's answer in the agent's protocol.
type stopAnswer struct {
	agent          agentHook
	stdout, stderr io.Writer
}

// block sends the agent back to work with msg.
func (a *stopAnswer) block(msg string) error {
	switch a.agent.name {
	case "claude-code":
		// Exit 2: Claude Code keeps the turn going and gives the model
		// standard error as the reason.
		fmt.Fprintln(a.stderr, msg)
		return cli.Exit("", exitError)
	case "codex":
		return writeAnswer(a.stdout, obj("decision", "block", "reason", msg))
	case "gemini":
		return writeAnswer(a.stdout, obj("decision", "deny", "reason", msg))
	case "cursor":
		return writeAnswer(a.stdout, obj("followup_message", msg))
	}
	return fmt.Errorf("no protocol for %s", a.agent.name)
}

// allow lets the agent stop; note, when there is one, is for the user.
func (a *stopAnswer) allow(note string) error {
	if a.agent.name == "cursor" {
		if note != "" {
			fmt.Fprintln(a.stderr, note) // Cursor shows it in the Hooks output channel
		}
		return writeAnswer(a.stdout, newObject())
	}
	if note == "" {
		if a.agent.name == "claude-code" {
			return nil // no output: the turn ends
		}
		return writeAnswer(a.stdout, newObject())
	}
	return writeAnswer(a.stdout, obj("systemMessage", note))
}

func writeAnswer(w io.Writer, o *jsonObject) error {
	var b bytes.Buffer
	if err := encodeValue(&b, o, 0); err != nil {
		return err
	}
	// One line: the agents read standard output as one JSON document.
	var compact bytes.Buffer
	if err := json.Compact(&compact, b.Bytes()); err != nil {
		return err
	}
	compact.WriteByte('\n')
	_, err := w.Write(compact.Bytes())
	return err
}

// loopState counts, per agent, session and folder, how many times in a row
// the hook sent the agent back, for the agents whose payload says only
// that a stop hook is already active. It lives in the user's cache; when
// it cannot be read the count is the limit, so that the hook never traps
// an agent.
type loopState struct {
	agent, session, dir string
}

func (l loopState) path() string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	abs, _ := filepath.Abs(l.dir)
	sum := sha256.Sum256([]byte(l.agent + "\x00" + l.session + "\x00" + abs))
	return filepath.Join(base, "goodhart", "stop-hook", hex.EncodeToString(sum[:12]))
}

func (l loopState) read() int {
	data, err := os.ReadFile(l.path())
	if errors.Is(err, os.ErrNotExist) {
		return 0 // another stop hook sent the agent back, not goodhart
	}
	if err != nil {
		return maxReturns
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return maxReturns
	}
	return n
}

// count records that the agent is sent back for the n-th time in a row.
// Cursor counts itself (loop_count); the others rely on the record, and
// without one the hook must not send the agent back.
func (l loopState) count(h agentHook, n int) error {
	if h.name == "cursor" {
		return nil
	}
	return l.write(n)
}

// write records n; an error means the count cannot be kept.
func (l loopState) write(n int) error {
	p := l.path()
	if n == 0 {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(strconv.Itoa(n)+"\n"), 0o600)
}
