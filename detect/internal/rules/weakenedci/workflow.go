package weakenedci

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/goodhart-dev/goodhart/internal/lru"
)

// workflow is what goodhart reads of a GitHub Actions workflow.
type workflow struct {
	path  string
	on    map[string]*trigger // event → its filters
	jobs  []*job
	shell string // defaults.run.shell
	wd    string // defaults.run.working-directory
	env   map[string]string
}

// trigger is one event a workflow runs on, with its path filters.
type trigger struct {
	paths, ignore []string
	line          int
}

type job struct {
	id, name  string
	line      int
	cond      string // if:
	condLine  int
	coe       string // continue-on-error:
	coeLine   int
	matrix    *matrix
	steps     []*step
	uses      string // a reusable workflow
	shell, wd string
	env       map[string]string
}

type step struct {
	line             int
	name, id         string
	cond             string
	condLine         int
	coe              string
	coeLine          int
	run              string
	runLine          int // line of the script's first line
	uses             string
	shell, wd        string
	with             map[string]string
	withLine         map[string]int
	env              map[string]string
	runNode, useNode *yaml.Node
}

// matrix is a job's strategy.matrix.
type matrix struct {
	line    int
	dims    map[string][]string // key → values, as written
	include []string            // each entry as canonical text
	exclude []string
	opaque  string // an expression
}

// parseWorkflow reads a workflow; nil when it is not YAML or not a workflow.
func parseWorkflow(p string, src []byte) *workflow {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil
	}
	w := &workflow{path: p, on: map[string]*trigger{}, env: envOf(get(root, "env"))}
	if on := get(root, "on"); on != nil {
		w.on = triggers(on)
	} else if on := get(root, "true"); on != nil { // YAML 1.1 readers take on for true
		w.on = triggers(on)
	}
	if d := get(get(root, "defaults"), "run"); d != nil {
		w.shell, w.wd = scalar(get(d, "shell")), scalar(get(d, "working-directory"))
	}
	jobs := get(root, "jobs")
	if jobs == nil || jobs.Kind != yaml.MappingNode {
		return w
	}
	for i := 0; i+1 < len(jobs.Content); i += 2 {
		k, v := jobs.Content[i], jobs.Content[i+1]
		if v.Kind != yaml.MappingNode {
			continue
		}
		j := &job{id: k.Value, line: k.Line, name: scalar(get(v, "name")), uses: scalar(get(v, "uses")), env: envOf(get(v, "env"))}
		if n := get(v, "if"); n != nil {
			j.cond, j.condLine = n.Value, n.Line
		}
		if n := get(v, "continue-on-error"); n != nil {
			j.coe, j.coeLine = n.Value, n.Line
		}
		if d := get(get(v, "defaults"), "run"); d != nil {
			j.shell, j.wd = scalar(get(d, "shell")), scalar(get(d, "working-directory"))
		}
		if m := get(get(v, "strategy"), "matrix"); m != nil {
			j.matrix = readMatrix(m)
		}
		if steps := get(v, "steps"); steps != nil && steps.Kind == yaml.SequenceNode {
			for _, s := range steps.Content {
				if s.Kind != yaml.MappingNode {
					continue
				}
				st := &step{line: s.Line, name: scalar(get(s, "name")), id: scalar(get(s, "id")), uses: scalar(get(s, "uses")),
					shell: scalar(get(s, "shell")), wd: scalar(get(s, "working-directory")), with: map[string]string{}, withLine: map[string]int{}, env: envOf(get(s, "env"))}
				if n := get(s, "if"); n != nil {
					st.cond, st.condLine = n.Value, n.Line
				}
				if n := get(s, "continue-on-error"); n != nil {
					st.coe, st.coeLine = n.Value, n.Line
				}
				if n := get(s, "run"); n != nil && n.Kind == yaml.ScalarNode {
					st.run, st.runLine, st.runNode = n.Value, n.Line, n
					if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
						st.runLine = n.Line + 1
					}
				}
				if n := get(s, "with"); n != nil && n.Kind == yaml.MappingNode {
					for i := 0; i+1 < len(n.Content); i += 2 {
						st.with[n.Content[i].Value] = scalarText(n.Content[i+1])
						st.withLine[n.Content[i].Value] = n.Content[i].Line
					}
				}
				j.steps = append(j.steps, st)
			}
		}
		w.jobs = append(w.jobs, j)
	}
	return w
}

func triggers(on *yaml.Node) map[string]*trigger {
	out := map[string]*trigger{}
	switch on.Kind {
	case yaml.ScalarNode:
		out[on.Value] = &trigger{line: on.Line}
	case yaml.SequenceNode:
		for _, e := range on.Content {
			out[e.Value] = &trigger{line: e.Line}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(on.Content); i += 2 {
			t := &trigger{line: on.Content[i].Line}
			v := on.Content[i+1]
			t.paths = list(get(v, "paths"))
			t.ignore = list(get(v, "paths-ignore"))
			out[on.Content[i].Value] = t
		}
	}
	return out
}

func readMatrix(m *yaml.Node) *matrix {
	mx := &matrix{line: m.Line, dims: map[string][]string{}}
	if m.Kind != yaml.MappingNode {
		mx.opaque = m.Value
		return mx
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i].Value, m.Content[i+1]
		switch k {
		case "include", "exclude":
			var entries []string
			for _, e := range v.Content {
				entries = append(entries, scalarText(e))
			}
			if k == "include" {
				mx.include = entries
			} else {
				mx.exclude = entries
			}
		default:
			if v.Kind == yaml.SequenceNode {
				for _, e := range v.Content {
					if e.Kind == yaml.SequenceNode { // legs grouped: [[a, b], [c]] runs a, b and c
						for _, inner := range e.Content {
							mx.dims[k] = append(mx.dims[k], scalarText(inner))
						}
						continue
					}
					mx.dims[k] = append(mx.dims[k], scalarText(e))
				}
			} else {
				mx.dims[k] = []string{scalarText(v)}
			}
		}
	}
	return mx
}

// get returns the value of key in a mapping, nil when absent.
func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// scalarText renders any node as compact canonical text, for comparing.
func scalarText(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value
	case yaml.SequenceNode:
		var parts []string
		for _, e := range n.Content {
			parts = append(parts, scalarText(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case yaml.MappingNode:
		var parts []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			parts = append(parts, n.Content[i].Value+": "+scalarText(n.Content[i+1]))
		}
		slices.Sort(parts)
		return "{" + strings.Join(parts, ", ") + "}"
	case yaml.AliasNode:
		if n.Alias != nil {
			return scalarText(n.Alias)
		}
	}
	return ""
}

func list(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, e := range n.Content {
		out = append(out, e.Value)
	}
	return out
}

// ciEvents are the events on which a workflow guards what is merged.
var ciEvents = []string{"pull_request", "pull_request_target", "push", "merge_group"}

// admitted lists, as "event:path", the events among pull requests and
// pushes on which a change to each sample path runs the workflow.
func (w *workflow) admitted(samples []string) []string {
	var out []string
	for _, e := range ciEvents {
		t, ok := w.on[e]
		if !ok {
			continue
		}
		for _, p := range samples {
			if ok, _ := t.admits(p); ok {
				out = append(out, e+":"+p)
			}
		}
	}
	return out
}

// whyNot says why the workflow no longer runs on an "event:path" it ran on.
func (w *workflow) whyNot(ep string) (string, int) {
	e, p, _ := strings.Cut(ep, ":")
	t, ok := w.on[e]
	if !ok {
		return "the workflow no longer runs on " + e, w.filterLine()
	}
	_, why := t.admits(p)
	return "on " + e + ", " + why, t.line
}

// ci reports whether the workflow runs on pull requests or pushes at all.
func (w *workflow) ci() bool {
	for _, e := range ciEvents {
		if _, ok := w.on[e]; ok {
			return true
		}
	}
	return false
}

// admits applies paths and paths-ignore as GitHub does.
func (t *trigger) admits(p string) (bool, string) {
	if len(t.paths) > 0 {
		in := false
		for _, g := range t.paths {
			neg := strings.HasPrefix(g, "!")
			if globMatch(strings.TrimPrefix(g, "!"), p) {
				in = !neg
			}
		}
		if !in {
			return false, "its paths filter (" + strings.Join(t.paths, ", ") + ") leaves out " + p
		}
	}
	for _, g := range t.ignore {
		if globMatch(g, p) {
			return false, "its paths-ignore filter (" + g + ") leaves out " + p
		}
	}
	return true, ""
}

// globMatch matches GitHub's filter patterns: * within a path segment, **
// across them.
func globMatch(g, p string) bool {
	if r := globRE(g); r != nil && r.MatchString(p) {
		return true
	}
	// A folder pattern without ** matches nothing beneath it in GitHub, but
	// people write "pkg/" meaning the folder: take it for a prefix.
	return strings.HasSuffix(g, "/") && strings.HasPrefix(p, g)
}

// globs keeps the expressions of the patterns met so far: a check asks
// each workflow's filters about every changed file, at every replay.
var globs = lru.New[*regexp.Regexp](1 << 20)

// globRE returns the expression a filter pattern stands for, or nil when it
// makes none.
func globRE(g string) *regexp.Regexp {
	if r, ok := globs.Get(g); ok {
		return r
	}
	var re strings.Builder
	re.WriteString("^")
	for i := 0; i < len(g); i++ {
		c := g[i]
		switch {
		case c == '*' && i+1 < len(g) && g[i+1] == '*':
			if i+2 < len(g) && g[i+2] == '/' {
				re.WriteString("(?:.*/)?")
				i += 2
			} else {
				re.WriteString(".*")
				i++
			}
		case c == '*':
			re.WriteString("[^/]*")
		case c == '?':
			re.WriteString("[^/]")
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString("$")
	r, err := regexp.Compile(re.String())
	if err != nil {
		r = nil
	}
	globs.Put(g, r, 64*len(g)+512) // a rough measure of a compiled expression
	return r
}

// stepKey names a step for matching base and head: its id or name, else
// what it runs.
func (s *step) key() string {
	switch {
	case s.id != "":
		return "id:" + s.id
	case s.name != "":
		return "name:" + s.name
	case s.uses != "":
		return "uses:" + strings.SplitN(s.uses, "@", 2)[0]
	}
	return "run:" + strings.Join(strings.Fields(s.run), " ")
}

// label says which step it is, for a message.
func (s *step) label() string {
	switch {
	case s.name != "":
		return "step \"" + s.name + "\""
	case s.id != "":
		return "step " + s.id
	case s.uses != "":
		return "step uses " + s.uses
	}
	first, _, _ := strings.Cut(strings.TrimSpace(s.run), "\n")
	return "step `" + first + "`"
}

func isWorkflow(p string) bool {
	return strings.HasPrefix(p, ".github/workflows/") && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) && path.Dir(p) == ".github/workflows"
}

// envOf reads an env: mapping.
func envOf(n *yaml.Node) map[string]string {
	out := map[string]string{}
	if n == nil || n.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = scalarText(n.Content[i+1])
	}
	return out
}
