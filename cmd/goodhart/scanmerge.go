package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/goodhart-dev/goodhart/detect"
)

// scanMergeCommand merges the JSON of several scans — one per repository
// of an organisation, say, each from its own job — into one report.
func scanMergeCommand() *cli.Command {
	return &cli.Command{
		Name:  "merge",
		Usage: "merge the JSON of several scans (one per repository) into one per-agent table and report",
		UsageText: "goodhart scan merge [--format text|markdown|json] [NAME=]FILE...\n\n" +
			"Each FILE is the output of goodhart scan --format json. NAME names its repository in the\n" +
			"report; without it, the file's name without .json (or its folder's name, when every file\n" +
			"has the same name, as downloaded artifacts do).",
		Description: "Adds up the scans' per-agent tables (commits checked, commits with findings, findings per\n" +
			"rule, findings per 100 commits), lists each repository's counts, and, in markdown, its errors\n" +
			"and warnings.\n\nExit status: 0 when the files were merged, 2 when one cannot be read or is not a scan's JSON.",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "`FORMAT` of standard output: text, markdown or json"},
		},
		Action: scanMerge,
	}
}

// scanDoc is what merge reads of a scan's JSON.
type scanDoc struct {
	Schema   int              `json:"schema"`
	Scan     *json.RawMessage `json:"scan"`
	Findings []detect.Finding `json:"findings"`
	Summary  detect.Summary   `json:"summary"`
	Agents   []*agentRow      `json:"agents"`
	Walked   int              `json:"walked"`
	Checked  int              `json:"checked"`
	Notes    []string         `json:"notes"`
}

// mergedRepo is one scan in the merged report.
type mergedRepo struct {
	Name     string           `json:"name"`
	Walked   int              `json:"walked"`
	Checked  int              `json:"checked"`
	Summary  detect.Summary   `json:"summary"`
	Agents   []*agentRow      `json:"agents"`
	Findings []detect.Finding `json:"findings"`
}

// mergedScan is the merged report.
type mergedScan struct {
	Schema       int            `json:"schema"`
	Repositories []*mergedRepo  `json:"repositories"`
	Agents       []*agentRow    `json:"agents"` // added up over the repositories
	Summary      detect.Summary `json:"summary"`
	rules        []string       // rules with findings, in the rules' order
}

func scanMerge(c *cli.Context) error {
	format := c.String("format")
	if format != "text" && format != "markdown" && format != "json" {
		return cli.Exit(fmt.Sprintf("unknown --format %q (want text, markdown or json)", format), exitError)
	}
	if !c.Args().Present() {
		return cli.Exit("no files to merge (see goodhart scan merge --help)", exitError)
	}
	m, err := mergeScans(c.Args().Slice())
	if err != nil {
		return cli.Exit(err.Error(), exitError)
	}
	var b strings.Builder
	switch format {
	case "json":
		s, err := marshal(m, "")
		if err != nil {
			return err
		}
		b.WriteString(s + "\n")
	case "markdown":
		m.markdown(&b)
	default:
		m.text(&b)
	}
	_, err = io.WriteString(c.App.Writer, b.String())
	return err
}

// mergeScans reads the scans named by args ([NAME=]FILE) and adds them up.
func mergeScans(args []string) (*mergedScan, error) {
	names := scanNames(args)
	m := &mergedScan{Schema: 1, Repositories: []*mergedRepo{}}
	byAgent := map[string]*agentRow{}
	rules := map[string]bool{}
	seen := map[string]string{}
	for i, arg := range args {
		path := arg
		if k := strings.Index(arg, "="); k > 0 {
			path = arg[k+1:]
		}
		doc, err := readScan(path)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[names[i]]; dup {
			return nil, fmt.Errorf("%s and %s are both named %q: name them (NAME=FILE)", first, path, names[i])
		}
		seen[names[i]] = path
		r := &mergedRepo{Name: names[i], Walked: doc.Walked, Checked: doc.Checked, Summary: doc.Summary,
			Agents: doc.Agents, Findings: doc.Findings}
		if r.Agents == nil {
			r.Agents = []*agentRow{}
		}
		if r.Findings == nil {
			r.Findings = []detect.Finding{}
		}
		m.Repositories = append(m.Repositories, r)
		m.Summary.Error += doc.Summary.Error
		m.Summary.Warning += doc.Summary.Warning
		m.Summary.Info += doc.Summary.Info
		for _, a := range doc.Agents {
			row := byAgent[a.Agent]
			if row == nil {
				row = &agentRow{Agent: a.Agent, Rules: map[string]int{}}
				byAgent[a.Agent] = row
			}
			row.Commits += a.Commits
			row.WithFindings += a.WithFindings
			row.Findings += a.Findings
			for k, v := range a.Rules {
				row.Rules[k] += v
				rules[k] = true
			}
		}
	}
	slices.SortStableFunc(m.Repositories, func(a, b *mergedRepo) int { return strings.Compare(a.Name, b.Name) })
	sw := &scanWriter{rows: byAgent}
	m.Agents = sw.sortedRows() // fills in the rates
	if m.Agents == nil {
		m.Agents = []*agentRow{}
	}
	for _, r := range detect.Rules() {
		if rules[r.ID] {
			m.rules = append(m.rules, r.ID)
			delete(rules, r.ID)
		}
	}
	for id := range rules { // rules of another goodhart's version: after the known ones
		m.rules = append(m.rules, id)
	}
	slices.Sort(m.rules[len(m.rules)-len(rules):])
	return m, nil
}

// scanNames names each scan: NAME= when given, else the file's name
// without .json, or its folder's name when every file has the same name.
func scanNames(args []string) []string {
	names := make([]string, len(args))
	bases := map[string]bool{}
	for _, a := range args {
		bases[strings.TrimSuffix(filepath.Base(a), ".json")] = true
	}
	for i, a := range args {
		if k := strings.Index(a, "="); k > 0 {
			names[i] = a[:k]
			continue
		}
		names[i] = strings.TrimSuffix(filepath.Base(a), ".json")
		if len(bases) == 1 && len(args) > 1 {
			names[i] = filepath.Base(filepath.Dir(a))
		}
	}
	return names
}

// readScan reads one scan's JSON, refusing anything else (a check's JSON
// has no "scan" parameters and no table).
func readScan(path string) (*scanDoc, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc scanDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: not a scan's JSON: %v", path, err)
	}
	switch {
	case doc.Schema != 1:
		return nil, fmt.Errorf("%s: schema %d, want 1 (the output of goodhart scan --format json)", path, doc.Schema)
	case doc.Scan == nil:
		return nil, fmt.Errorf("%s: not a scan's JSON (no \"scan\" parameters; a check's JSON cannot be merged)", path)
	}
	for _, a := range doc.Agents {
		if a == nil || a.Commits < 0 || a.Findings < 0 || a.WithFindings < 0 {
			return nil, fmt.Errorf("%s: a row of its \"agents\" table is empty or negative", path)
		}
	}
	return &doc, nil
}

// total adds up the agents' rows.
func (m *mergedScan) total() *agentRow {
	t := &agentRow{Agent: "total", Rules: map[string]int{}}
	for _, r := range m.Agents {
		t.Commits += r.Commits
		t.WithFindings += r.WithFindings
		t.Findings += r.Findings
		for k, v := range r.Rules {
			t.Rules[k] += v
		}
	}
	return t
}

// agentLines are the table's lines: a header, one per agent, the total.
func (m *mergedScan) agentLines() [][]string {
	lines := [][]string{append(append([]string{"agent", "commits", "with findings"}, m.rules...), "findings", "per 100 commits")}
	for _, r := range m.Agents {
		lines = append(lines, mergedCells(cmp.Or(r.Agent, "human"), r, m.rules))
	}
	if len(m.Agents) > 1 {
		lines = append(lines, mergedCells("total", m.total(), m.rules))
	}
	return lines
}

func mergedCells(name string, r *agentRow, cols []string) []string {
	cells := []string{name, strconv.Itoa(r.Commits), strconv.Itoa(r.WithFindings)}
	for _, c := range cols {
		cells = append(cells, strconv.Itoa(r.Rules[c]))
	}
	per100 := 0.0
	if r.Commits > 0 {
		per100 = float64(r.Findings) * 100 / float64(r.Commits)
	}
	return append(cells, strconv.Itoa(r.Findings), strconv.FormatFloat(per100, 'f', 1, 64))
}

// repoLines are the per-repository lines: a header and one per scan.
func (m *mergedScan) repoLines() [][]string {
	lines := [][]string{{"repository", "walked", "checked", "error", "warning", "info"}}
	for _, r := range m.Repositories {
		lines = append(lines, []string{r.Name, strconv.Itoa(r.Walked), strconv.Itoa(r.Checked),
			strconv.Itoa(r.Summary.Error), strconv.Itoa(r.Summary.Warning), strconv.Itoa(r.Summary.Info)})
	}
	return lines
}

// text writes the two tables, aligned as scan's own.
func (m *mergedScan) text(b *strings.Builder) {
	fmt.Fprintf(b, "%s merged\n\n", plural(len(m.Repositories), "scan"))
	alignTable(b, m.repoLines())
	b.WriteString("\n")
	alignTable(b, m.agentLines())
}

// alignTable prints lines as a table: the first column left-aligned, the
// others (counts) right-aligned, two spaces apart.
func alignTable(w io.Writer, lines [][]string) {
	widths := make([]int, len(lines[0]))
	for _, l := range lines {
		for i, cell := range l {
			widths[i] = max(widths[i], len(cell))
		}
	}
	for _, l := range lines {
		cells := make([]string, len(l))
		for i, cell := range l {
			if i == 0 {
				cells[i] = fmt.Sprintf("%-*s", widths[i], cell)
			} else {
				cells[i] = fmt.Sprintf("%*s", widths[i], cell)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(strings.Join(cells, "  "), " "))
	}
}

// maxMergedFindings caps the errors and warnings the markdown report lists.
const maxMergedFindings = 500

// markdown writes the report: the per-agent table, the repositories, and
// each repository's errors and warnings, one line each. Everything read
// from the scans is escaped: it comes from the scanned repositories.
func (m *mergedScan) markdown(b *strings.Builder) {
	fmt.Fprintf(b, "# goodhart: %s\n\n", plural(len(m.Repositories), "repository scan"))
	fmt.Fprintf(b, "%s, %s, %s.\n\n", plural(m.Summary.Error, "error"), plural(m.Summary.Warning, "warning"), plural(m.Summary.Info, "info finding"))
	b.WriteString("## By agent\n\n")
	mdTable(b, m.agentLines())
	b.WriteString("\n## By repository\n\n")
	mdTable(b, m.repoLines())
	listed := 0
	for _, r := range m.Repositories {
		var fs []detect.Finding
		for _, f := range r.Findings {
			if f.Severity == detect.Error || f.Severity == detect.Warning {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n## %s\n\n", mdEscape(r.Name))
		for _, f := range fs {
			if listed == maxMergedFindings {
				fmt.Fprintf(b, "\n… and more errors and warnings than fit here: see each repository's scan.\n")
				return
			}
			listed++
			loc := cmp.Or(f.File, f.OldFile)
			line := f.Line
			if f.File == "" {
				line = f.OldLine
			}
			who := cmp.Or(f.Agent, "human")
			fmt.Fprintf(b, "- **%s** `%s` %s in %s, commit %s (%s): %s\n", f.Severity, f.Rule,
				mdCode(fmt.Sprintf("%s:%d", loc, line)), mdCode(f.Symbol), mdCode(shortSHA(f.Commit)),
				mdEscape(who), mdEscape(firstSentence(f.Message)))
		}
	}
}

func mdTable(b *strings.Builder, lines [][]string) {
	for i, l := range lines {
		cells := make([]string, len(l))
		for k, c := range l {
			cells[k] = mdEscape(c)
		}
		fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
		if i == 0 {
			seps := make([]string, len(l))
			for k := range seps {
				seps[k] = "---:"
			}
			seps[0] = "---"
			fmt.Fprintf(b, "|%s|\n", strings.Join(seps, "|"))
		}
	}
}

// mdEscape makes text from a scan inert in markdown: one line, with the
// characters that format, link, mention or make HTML escaped. It is never
// at the start of a line, where list and heading markers would count.
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>#!|~&:@", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCode is s as an inline code span, fenced with more backticks than it holds.
func mdCode(s string) string {
	if s == "" {
		return "—"
	}
	s = strings.Join(strings.Fields(s), " ")
	run, longest := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	return fence + " " + s + " " + fence
}

func shortSHA(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// firstSentence is a message's first sentence, for a one-line list.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}
