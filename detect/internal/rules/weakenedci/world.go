package weakenedci

import (
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/internal/lru"
)

// place is a line of a file of one side.
type place struct {
	file string
	line int
}

// run is one command of the CI that runs tests (or goodhart), as reached
// from where CI or a developer starts it, with what stops it from running
// or from failing the build.
type run struct {
	at    place    // where the command is written
	entry place    // where CI reaches it: a workflow's step, a Makefile target, a script
	group string   // the job, make target or script: what a finding names
	where string   // the job and step, target or script, for a message
	files []string // every file on the way, for knowing whether the range touched it
	ci    bool     // reached from a workflow (else from a Makefile or script the range changed)
	wd    string

	test   *goTest // a go test
	opaque string  // another test runner, compared by its text
	build  string  // a go build or go vet (not a test), for "replaced by"
	guard  *guard  // goodhart itself

	masked   string // why its failure does not fail the build
	weak     bool   // masked for a reason goodhart is less sure of
	maskAt   place
	maskCmd  string   // the script's command the mask is on, when it is one
	conds    []string // if: conditions on its job and step, normalized
	condAt   map[string]place
	off      string // why it never runs (if: false), when it does not
	offAt    place
	admitted []string // the sample paths whose change runs its workflow
}

// effective reports whether the run runs and fails the build.
func (r *run) effective() bool { return r.masked == "" && r.off == "" && len(r.admitted) > 0 }

// side is the CI of one revision, as far as goodhart reads it.
type side struct {
	snap      *model.Snapshot
	samples   []string
	changed   map[string]bool // files the range changed (both sides' paths)
	runs      []*run
	makefiles map[string]*makefile
	workflows map[string]*workflow
	reached   map[string]bool   // Makefiles and scripts CI reaches
	goodhart  bool              // the repository is goodhart itself (uses: ./ is goodhart)
	knownDirs map[string]bool   // package directories goodhart knows of: those the range changed
	renames   map[string]string // base path → head path, for files the range renamed
	movedDirs map[string]string // movedDir's answers
	parsed    map[string]*syntax.File
	budget    int // scripts left to follow
}

// entryCtx is what a workflow step or other entry point gives the
// commands it runs.
type entryCtx struct {
	entry    place
	group    string
	where    string
	files    []string
	ci       bool
	masked   string
	weak     bool
	maskAt   place
	maskCmd  string // the command of the script whose failure is ignored
	conds    []string
	condAt   map[string]place
	off      string
	offAt    place
	admitted []string
	depth    int
	env      map[string]string // variables the workflow's env: sets
	seen     map[string]bool   // the make targets and scripts this entry reached, each followed once
}

func mergeEnv(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func newSide(snap *model.Snapshot, samples []string, changed map[string]bool) *side {
	s := &side{snap: snap, samples: samples, changed: changed, makefiles: map[string]*makefile{}, workflows: map[string]*workflow{}, reached: map[string]bool{}, knownDirs: map[string]bool{}, parsed: map[string]*syntax.File{}, budget: 5000}
	if src, ok := snap.ReadFile("action.yml"); ok {
		s.goodhart = strings.Contains(string(src), "name: goodhart")
	}
	return s
}

// collect reads the side's workflows and follows what they run, then the
// changed Makefiles and scripts no workflow reaches.
func (s *side) collect(changedPaths []string) {
	var wfs []string
	for p := range s.workflows {
		wfs = append(wfs, p)
	}
	slices.Sort(wfs)
	for _, p := range wfs {
		w := s.workflows[p]
		if w == nil || !w.ci() {
			continue
		}
		admitted := w.admitted(s.samples)
		s.workflowRuns(w, entryCtx{ci: true, admitted: admitted, files: []string{p}}, 0)
	}
	for _, p := range changedPaths {
		if s.reached[p] || !Wants(p) {
			continue
		}
		switch {
		case isMakefile(p):
			mf := s.makefile(p)
			if mf == nil {
				continue
			}
			var names []string
			for name := range mf.targets {
				names = append(names, name)
			}
			slices.Sort(names)
			for _, name := range names {
				t := mf.targets[name]
				c := entryCtx{entry: place{p, t.line}, group: name, where: "make " + name, admitted: s.samples, seen: map[string]bool{}}
				s.makeTarget(mf, name, "", c)
			}
		case isScript(p):
			c := entryCtx{entry: place{p, 1}, group: path.Base(p), where: p, admitted: s.samples, seen: map[string]bool{}}
			s.script(p, "", nil, c)
		}
	}
}

// loadWorkflows reads the side's workflows.
func (s *side) loadWorkflows() {
	for _, f := range s.snap.ListFiles(".github/workflows") {
		if !isWorkflow(f.Path) {
			continue
		}
		key := f.Blob + "\x00" + f.Path
		w, ok := parsedWorkflows.Get(key)
		if !ok {
			src, read := s.snap.ReadFile(f.Path)
			if !read {
				continue // not cached either: a later reading may succeed
			}
			w = parseWorkflow(f.Path, src)
			parsedWorkflows.Put(key, w, workflowCost*len(src)+len(key))
		}
		if w != nil {
			s.workflows[f.Path] = w
		}
	}
}

// parsedWorkflows keeps the workflows read, by blob and path, across the
// analyses of a process: a scan meets the same workflow files in most of
// the commits that change CI, on both sides of each. A workflow is never
// changed once read, so one value serves every analysis at once.
var parsedWorkflows = lru.New[*workflow](8 << 20)

// workflowCost estimates the memory of a read workflow, which holds the
// YAML nodes of its steps, from the size of its text.
const workflowCost = 24

// filterSamples makes a Go file's path out of each path filter of the
// workflows, so that a workflow limited to cli/** is seen to run for Go
// code under cli/ even when the range changed no Go file.
func (s *side) filterSamples() []string {
	var out []string
	for _, w := range s.workflows {
		for _, e := range ciEvents {
			if t := w.on[e]; t != nil {
				for _, g := range t.paths {
					if p := sampleOf(g); p != "" {
						out = append(out, p)
					}
				}
			}
		}
	}
	return out
}

// sampleOf turns a path filter into a Go file's path it matches, "" when
// it names no Go code (docs/**.md, go.mod, a workflow).
func sampleOf(g string) string {
	if strings.HasPrefix(g, "!") {
		return ""
	}
	p := strings.ReplaceAll(g, "**/", "")
	p = strings.ReplaceAll(p, "**", "x.go")
	p = strings.ReplaceAll(p, "*", "x")
	p = strings.ReplaceAll(p, "?", "x")
	p = strings.TrimSuffix(p, "/")
	switch {
	case strings.HasSuffix(p, ".go"):
	case path.Ext(p) == "" && p != "":
		p += "/x.go"
	default:
		return ""
	}
	if !globMatch(g, p) && !strings.HasSuffix(g, "/") {
		return ""
	}
	return p
}

// workflowRuns follows the jobs of a workflow.
func (s *side) workflowRuns(w *workflow, base entryCtx, depth int) {
	if depth > 2 {
		return
	}
	for _, j := range w.jobs {
		c := base
		c.files = append(slices.Clip(base.files), w.path)
		c.group = j.id
		c.condAt = map[string]place{}
		for k, v := range base.condAt {
			c.condAt[k] = v
		}
		c.conds = slices.Clone(base.conds)
		s.applyCond(&c, j.cond, place{w.path, j.condLine}, "job "+j.id)
		s.applyCOE(&c, j.coe, place{w.path, j.coeLine}, "job "+j.id, j.matrix)
		if j.uses != "" {
			if p, ok := strings.CutPrefix(j.uses, "./"); ok {
				if called := s.workflows[strings.SplitN(p, "@", 2)[0]]; called != nil {
					s.workflowRuns(called, c, depth+1)
				}
			}
			continue
		}
		for _, st := range j.steps {
			sc := c
			sc.conds = slices.Clone(c.conds)
			sc.condAt = map[string]place{}
			for k, v := range c.condAt {
				sc.condAt[k] = v
			}
			sc.entry = place{w.path, st.line}
			sc.seen = map[string]bool{}
			sc.where = "job " + j.id + ", " + st.label()
			s.applyCond(&sc, st.cond, place{w.path, st.condLine}, st.label())
			s.applyCOE(&sc, st.coe, place{w.path, st.coeLine}, st.label(), j.matrix)
			if st.uses != "" {
				s.usesStep(w, j, st, sc)
				continue
			}
			if st.run == "" {
				continue
			}
			shell := firstOf(st.shell, j.shell, w.shell)
			state, ok := shellFor(shell)
			if !ok {
				continue
			}
			wd := normWD(firstOf(st.wd, j.wd, w.wd))
			sc.env = mergeEnv(w.env, j.env, st.env)
			s.shellText(st.run, w.path, st.runLine, wd, state, sc)
		}
	}
}

func firstOf(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// shellFor is how GitHub starts a run step's shell.
func shellFor(shell string) (shellState, bool) {
	switch shell {
	case "":
		return shellState{errexit: true}, true // bash -e {0}
	case "bash":
		return shellState{errexit: true, pipefail: true}, true // bash --noprofile --norc -eo pipefail {0}
	case "sh":
		return shellState{errexit: true}, true
	}
	if strings.Contains(shell, "{0}") && (strings.HasPrefix(shell, "bash") || strings.HasPrefix(shell, "sh")) {
		flags := strings.Fields(shell)
		st := shellState{}
		for _, f := range flags {
			if strings.HasPrefix(f, "-") && !strings.HasPrefix(f, "--") && strings.Contains(f, "e") {
				st.errexit = true
			}
		}
		st.pipefail = strings.Contains(shell, "pipefail")
		return st, true
	}
	return shellState{}, false // pwsh, python, cmd: not read
}

func normWD(wd string) string {
	wd = strings.TrimPrefix(wd, "${{ github.workspace }}")
	wd = strings.TrimPrefix(wd, "$GITHUB_WORKSPACE")
	wd = strings.Trim(wd, "/")
	if wd == "" || strings.Contains(wd, "${{") {
		return "."
	}
	return cleanRel(wd)
}

// trivialCond are conditions that do not stop a step from running on a
// normal build.
func trivialCond(c string) bool {
	c = normCond(c)
	switch c {
	case "", "true", "always()", "success()", "!cancelled()", "!failure()", "success() || failure()", "!cancelled() && !failure()":
		return true
	}
	return false
}

func normCond(c string) string {
	c = strings.TrimSpace(c)
	if inner, ok := strings.CutPrefix(c, "${{"); ok {
		c = strings.TrimSpace(strings.TrimSuffix(inner, "}}"))
	}
	return strings.Join(strings.Fields(c), " ")
}

func falseCond(c string) bool {
	switch strings.Trim(normCond(c), "'\"") {
	case "false", "0", "False", "FALSE":
		return true
	}
	return false
}

func (s *side) applyCond(c *entryCtx, cond string, at place, what string) {
	if cond == "" || trivialCond(cond) {
		return
	}
	if falseCond(cond) {
		if c.off == "" {
			c.off, c.offAt = what+" has `if: "+strings.TrimSpace(cond)+"`", at
		}
		return
	}
	n := normCond(cond)
	c.conds = append(c.conds, n)
	c.condAt[n] = at
}

func (s *side) applyCOE(c *entryCtx, coe string, at place, what string, mx *matrix) {
	v := normCond(coe)
	if v == "" || v == "false" || c.masked != "" {
		return
	}
	if v == "true" {
		c.masked, c.weak, c.maskAt = what+" has `continue-on-error: true`", false, at
		return
	}
	if strings.Contains(v, "matrix.") && mx != nil && mx.hasExperimental() {
		return // continue-on-error on experimental toolchains of the matrix
	}
	c.masked, c.weak, c.maskAt = what+" has `continue-on-error: "+strings.TrimSpace(coe)+"`", true, at
}

func (m *matrix) hasExperimental() bool {
	var all []string
	for _, vs := range m.dims {
		all = append(all, vs...)
	}
	all = append(all, m.include...)
	return slices.ContainsFunc(all, experimental)
}

// usesStep reads a step that uses an action: goodhart's, or a test action.
func (s *side) usesStep(w *workflow, j *job, st *step, c entryCtx) {
	u := st.uses
	name := strings.SplitN(u, "@", 2)[0]
	isGH := strings.Contains(strings.ToLower(name), "goodhart") || (s.goodhart && (name == "./" || name == "."))
	if isGH {
		g := &guard{kind: "action", failOn: "error", assume: "auto"}
		if v, ok := st.with["fail-on"]; ok {
			g.failOn = v
		}
		if v, ok := st.with["assume-agent"]; ok {
			g.assume = v
		}
		g.readArgs(strings.Fields(st.with["args"]))
		s.add(&run{guard: g, at: place{w.path, st.line}}, c, "")
		return
	}
}

// add records a run with what its entry gives it.
func (s *side) add(r *run, c entryCtx, wd string) {
	r.entry, r.group, r.where, r.ci, r.wd = c.entry, c.group, c.where, c.ci, wd
	r.files = slices.Clone(c.files)
	if r.at.file != "" && !slices.Contains(r.files, r.at.file) {
		r.files = append(r.files, r.at.file)
	}
	if r.masked == "" {
		r.masked, r.weak, r.maskAt, r.maskCmd = c.masked, c.weak, c.maskAt, c.maskCmd
	}
	r.conds, r.condAt = c.conds, c.condAt
	r.off, r.offAt = c.off, c.offAt
	r.admitted = c.admitted
	if r.test != nil {
		s.resolveImports(&r.test.pkgs, wd)
	}
	s.runs = append(s.runs, r)
}

// resolveImports turns the import paths of a package selection that name
// packages of the repository's own modules into folders (the module of the
// nearest go.mod at or above the working directory): so that a run naming
// example.com/m/go/test/e2e and one naming ./test/e2e from go/ compare as
// the same packages, and a module moved with its tests keeps them.
func (s *side) resolveImports(sel *pkgSel, wd string) {
	for i, p := range sel.patterns {
		if strings.HasPrefix(p, ".") || !strings.Contains(strings.SplitN(p, "/", 2)[0], ".") {
			continue // a folder already, or the standard library
		}
		if d := s.importDir(p, wd); d != "" {
			sel.patterns[i] = d
		}
	}
}

// importDir is the folder of the repository an import path (or a pattern
// ending in /...) names, going by the nearest go.mod at or above wd; "" when
// that module is not the path's.
func (s *side) importDir(p, wd string) string {
	wd = cleanRel(wd)
	if strings.HasPrefix(wd, "..") || path.IsAbs(wd) || strings.Contains(wd, "$") {
		return ""
	}
	dir, mod := s.snap.Module(wd)
	if mod == "" {
		return ""
	}
	rest, ok := strings.CutPrefix(p, mod)
	if !ok || rest != "" && !strings.HasPrefix(rest, "/") {
		return ""
	}
	return cleanRel(path.Join(dir, strings.TrimPrefix(rest, "/")))
}

// shellText follows the commands of a script written in file from line
// first on.
func (s *side) shellText(src, file string, first int, wd string, st shellState, c entryCtx) {
	if s.budget--; s.budget < 0 {
		return // a CI too tangled to follow whole: what was read is judged
	}
	f, ok := s.parsed[src]
	if !ok {
		f = parseScript(src)
		s.parsed[src] = f
	}
	if f == nil {
		return
	}
	for _, cmd := range commandsOf(src, f, st, c.env) {
		cc := c
		if cmd.masked != "" && cc.masked == "" {
			cc.masked, cc.weak, cc.maskAt = cmd.masked, cmd.weak, place{file, first + cmd.line - 1}
			cc.maskCmd = strings.Join(cmd.args, " ")
		}
		if len(cmd.args) >= 2 && cmd.args[0] == "cd" {
			wd = joinDir(wd, cmd.args[1])
			continue
		}
		s.command(cmd.args, place{file, first + cmd.line - 1}, wd, cc)
	}
}

// command follows one command: a go test, a make target, a script,
// goodhart, another test runner.
func (s *side) command(args []string, at place, wd string, c entryCtx) {
	if len(args) == 0 || c.depth > 5 {
		return
	}
	b := path.Base(args[0])
	if v, ok := strings.CutPrefix(args[0], "$"); ok && !strings.ContainsAny(v, "/$") {
		// a tool named by a variable goodhart cannot read: $(GOTESTSUM), ${GO}
		b = strings.ToLower(strings.TrimPrefix(v, "MAKEVAR_"))
	}
	if strings.HasPrefix(b, "gotestsum") {
		s.add(&run{test: gotestsum(args[1:], wd), at: at}, c, wd)
		return
	}
	if b == "goodhart" || goRunGoodhart(args) {
		if g := goodhartCommand(args); g != nil {
			s.add(&run{guard: g, at: at}, c, wd)
		}
		return
	}
	if sub, rest, ok := goCommand(args); ok {
		switch sub {
		case "test":
			s.add(&run{test: parseGoTest(rest, wd), at: at}, c, wd)
		case "build", "vet", "install":
			s.add(&run{build: "go " + sub + " " + strings.Join(rest, " "), at: at}, c, wd)
		case "run", "tool":
			// go run gotest.tools/gotestsum@v1 -- …, go tool gotestsum -- …
			for i, a := range rest {
				if strings.HasPrefix(a, "-") {
					continue
				}
				if strings.Contains(a, "gotestsum") {
					s.add(&run{test: gotestsum(rest[i+1:], wd), at: at}, c, wd)
				}
				break
			}
		}
		return
	}
	switch args[0] {
	case "make", "gmake", "/usr/bin/make", "$MAKEVAR_MAKE":
		s.makeCall(args[1:], at, wd, c)
		return
	case "bash", "sh", "zsh", "dash":
		st := shellState{}
		for i, a := range args[1:] {
			if strings.HasPrefix(a, "-") {
				if a == "-c" {
					if i+2 < len(args) {
						s.shellText(args[i+2], at.file, at.line, wd, st, c)
					}
					return
				}
				st.errexit = st.errexit || strings.Contains(a, "e") && !strings.HasPrefix(a, "--")
				continue
			}
			s.script(joinDir(wd, a), wd, &st, c)
			return
		}
		return
	}
	if strings.Contains(args[0], "/") || strings.HasSuffix(args[0], ".sh") {
		p := joinDir(wd, args[0])
		if _, ok := s.snap.ReadFile(p); ok {
			s.script(p, wd, nil, c)
			return
		}
	}
	switch b {
	case "task", "just", "mage", "ginkgo", "earthly", "dagger":
		for _, a := range args[1:] {
			if strings.Contains(strings.ToLower(a), "test") || b == "ginkgo" {
				// compared by runner and target: their other arguments
				// (variables, flags) say nothing goodhart can read
				key := b
				if b != "ginkgo" {
					key += " " + a
				}
				s.add(&run{opaque: key, at: at}, c, wd)
				return
			}
		}
	}
	if strings.HasSuffix(b, ".test") && !strings.Contains(args[0], "$") {
		s.add(&run{opaque: strings.Join(args, " "), at: at}, c, wd) // a compiled test binary
	}
}

// makeCall follows make's arguments: -C, -f, -i, the goals.
func (s *side) makeCall(args []string, at place, wd string, c entryCtx) {
	dir, file := wd, ""
	var goals []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-C" && i+1 < len(args):
			dir = joinDir(dir, args[i+1])
			i++
		case strings.HasPrefix(a, "--directory="):
			dir = joinDir(dir, strings.TrimPrefix(a, "--directory="))
		case a == "-f" && i+1 < len(args):
			file = args[i+1]
			i++
		case a == "-i" || a == "--ignore-errors":
			if c.masked == "" {
				c.masked, c.maskAt = "`make "+strings.Join(args, " ")+"` has -i, which makes make ignore failing commands", at
			}
		case a == "-j" || a == "-l" || a == "-o" || a == "-W":
			i++
		case strings.HasPrefix(a, "-"), strings.Contains(a, "="):
		default:
			goals = append(goals, a)
		}
	}
	var mfPath string
	if file != "" {
		mfPath = joinDir(dir, file)
	} else {
		for _, n := range []string{"GNUmakefile", "makefile", "Makefile"} {
			if _, ok := s.snap.ReadFile(joinDir(dir, n)); ok {
				mfPath = joinDir(dir, n)
				break
			}
		}
	}
	mf := s.makefile(mfPath)
	if mf == nil {
		for _, g := range goals {
			if strings.Contains(g, "test") {
				s.add(&run{opaque: "make " + g, at: at}, c, wd)
			}
		}
		return
	}
	if len(goals) == 0 {
		goals = []string{mf.first}
	}
	c.depth++
	for _, g := range goals {
		s.makeTarget(mf, g, dir, c)
	}
}

func (s *side) makefile(p string) *makefile {
	if p == "" {
		return nil
	}
	if mf, ok := s.makefiles[p]; ok {
		return mf
	}
	var mf *makefile
	if src, ok := s.snap.ReadFile(p); ok {
		mf = parseMakefile(p, src, s.snap.ReadFile)
	}
	s.makefiles[p] = mf
	return mf
}

// makeTarget follows a target: its prerequisites, then its recipe.
func (s *side) makeTarget(mf *makefile, name, dir string, c entryCtx) {
	t := mf.targets[name]
	key := "make\x00" + mf.path + "\x00" + name
	if t == nil || c.seen == nil || c.seen[key] || len(c.seen) > 200 || s.budget <= 0 {
		return
	}
	c.seen[key] = true
	if c.ci {
		s.reached[mf.path] = true
	}
	if !slices.Contains(c.files, mf.path) {
		c.files = append(slices.Clip(c.files), mf.path)
	}
	if dir == "" {
		dir = cleanRel(path.Dir(mf.path))
	}
	for _, p := range t.prereqs {
		s.makeTarget(mf, mf.expand(p, name, 0), dir, c)
	}
	st := shellState{errexit: mf.errexit, pipefail: mf.pipefail}
	if mf.oneshell && len(t.recipe) > 0 {
		var b strings.Builder
		for _, rl := range t.recipe {
			b.WriteString(mf.expand(rl.text, name, 0) + "\n")
		}
		s.shellText(b.String(), mf.path, t.recipe[0].line, dir, st, c)
		return
	}
	for _, rl := range t.recipe {
		lc := c
		if (rl.ignore || mf.ignore) && lc.masked == "" {
			lc.masked, lc.maskAt = "the recipe line of "+name+" starts with `-`, which tells make to ignore its failure", place{mf.path, rl.line}
			if mf.ignore {
				lc.masked = mf.path + " has .IGNORE:, which tells make to ignore failures"
			}
		}
		s.shellText(mf.expand(rl.text, name, 0), mf.path, rl.line, dir, st, lc)
	}
}

// script follows a shell script of the repository.
func (s *side) script(p, wd string, st *shellState, c entryCtx) {
	src, ok := s.snap.ReadFile(p)
	if !ok || slices.Contains(c.files, p) || c.depth > 4 || c.seen == nil || c.seen["script\x00"+p] || s.budget <= 0 {
		return
	}
	c.seen["script\x00"+p] = true
	if c.ci {
		s.reached[p] = true
	}
	c.files = append(slices.Clip(c.files), p)
	c.depth++
	state := shellState{}
	if st != nil {
		state = *st
	}
	first, _, _ := strings.Cut(string(src), "\n")
	if strings.HasPrefix(first, "#!") {
		for _, f := range strings.Fields(first)[1:] {
			if strings.HasPrefix(f, "-") && strings.Contains(f, "e") {
				state.errexit = true
			}
		}
	}
	if wd == "" {
		wd = "."
	}
	s.shellText(string(src), p, 1, wd, state, c)
}

func isMakefile(p string) bool {
	b := path.Base(p)
	return b == "Makefile" || b == "makefile" || b == "GNUmakefile" || strings.HasSuffix(b, ".mk")
}

func isScript(p string) bool {
	b := path.Base(p)
	return strings.HasSuffix(b, ".sh") || strings.HasSuffix(b, ".bash")
}
