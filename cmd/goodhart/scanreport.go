package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/report"
)

// scanWriter writes a scan's results as they come, in history order, and
// keeps the per-agent counts for the closing table. The text format prints
// each commit's findings at once; JSON streams the commits and holds only
// the findings (few) until the end.
type scanWriter struct {
	w       io.Writer
	cfg     scanConfig
	walked  int // commits of the history looked at
	checked int
	rows    map[string]*agentRow // by agent; "" for people
	rules   map[string]bool      // rules with findings
	summary detect.Summary
	notes   []string
	noted   map[string]bool

	bar *progressBar // on a terminal: cleared before anything is written

	findings []detect.Finding // json
	started  bool             // json: the opening is written
	pending  string           // json: the last commit, not yet written
	blocks   int              // text: commits printed
}

// agentRow is one line of the closing table.
type agentRow struct {
	Agent        string         `json:"agent"` // "" for people
	Commits      int            `json:"commits"`
	WithFindings int            `json:"commits_with_findings"`
	Findings     int            `json:"findings"`
	Rules        map[string]int `json:"rules"` // findings per rule
	Per100       float64        `json:"findings_per_100_commits"`
}

func newScanWriter(w io.Writer, cfg scanConfig) *scanWriter {
	return &scanWriter{w: w, cfg: cfg, rows: map[string]*agentRow{}, rules: map[string]bool{}, noted: map[string]bool{}}
}

// add takes the result of one commit.
func (s *scanWriter) add(j scanJob, res *detect.Result) error {
	s.checked++
	row := s.rows[j.agent]
	if row == nil {
		row = &agentRow{Agent: j.agent, Rules: map[string]int{}}
		s.rows[j.agent] = row
	}
	row.Commits++
	if len(res.Findings) > 0 {
		row.WithFindings++
	}
	for _, f := range res.Findings {
		row.Findings++
		row.Rules[f.Rule]++
		s.rules[f.Rule] = true
	}
	s.summary.Error += res.Summary.Error
	s.summary.Warning += res.Summary.Warning
	s.summary.Info += res.Summary.Info
	s.summary.Accepted += res.Summary.Accepted
	for _, n := range res.Notes {
		if !s.noted[n] {
			s.noted[n] = true
			s.notes = append(s.notes, n)
		}
	}
	if s.cfg.Format == "json" {
		s.findings = append(s.findings, res.Findings...)
		s.bar.clear()
		return s.jsonCommit(j, res)
	}
	if len(res.Findings) == 0 {
		return nil
	}
	s.bar.clear() // the bar's line has no end: text after it would keep it
	if s.blocks > 0 {
		fmt.Fprintln(s.w)
	}
	s.blocks++
	res.Notes = nil // listed once, at the end
	return report.Text(s.w, res, report.TextOptions{Color: s.cfg.Color})
}

// finish writes what comes after the commits: the table, or the rest of
// the JSON document.
func (s *scanWriter) finish() error {
	s.bar.finish()
	if s.cfg.Format == "json" {
		return s.jsonEnd()
	}
	var b strings.Builder
	if s.blocks > 0 {
		b.WriteString("\n")
	}
	for _, n := range s.notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	fmt.Fprintf(&b, "%s\n", s.scope())
	if s.checked > 0 {
		s.table(&b)
	}
	_, err := io.WriteString(s.w, b.String())
	return err
}

// scope says what was looked at: "12 commits checked of 40 (the agents'; --all-authors checks everyone's)".
func (s *scanWriter) scope() string {
	whose := "every author's"
	switch {
	case s.cfg.Agent != "":
		whose = s.cfg.Agent + "'s"
	case !s.cfg.AllAuthors:
		whose = "the agents'; --all-authors checks people's too"
	}
	return fmt.Sprintf("%s checked of %s walked (%s)", plural(s.checked, "commit"), plural(s.walked, "commit"), whose)
}

// sortedRows lists the agents by name, people last.
func (s *scanWriter) sortedRows() []*agentRow {
	var rows []*agentRow
	for _, r := range s.rows {
		r.Per100 = float64(r.Findings) * 100 / float64(r.Commits)
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b *agentRow) int {
		if (a.Agent == "") != (b.Agent == "") {
			return cmp.Compare(len(b.Agent), len(a.Agent)) // people last
		}
		return strings.Compare(a.Agent, b.Agent)
	})
	return rows
}

// ruleColumns are the rules that have findings, in the rules' own order.
func (s *scanWriter) ruleColumns() []string {
	var cols []string
	for _, r := range detect.Rules() {
		if s.rules[r.ID] {
			cols = append(cols, r.ID)
		}
	}
	return cols
}

// table writes the per-agent table, with a total line when there is more
// than one agent: names left-aligned, numbers right-aligned.
func (s *scanWriter) table(w io.Writer) {
	cols := s.ruleColumns()
	lines := [][]string{append(append([]string{"agent", "commits", "with findings"}, cols...), "findings", "per 100 commits")}
	rows := s.sortedRows()
	total := &agentRow{Agent: "total", Rules: map[string]int{}}
	for _, r := range rows {
		lines = append(lines, tableCells(cmp.Or(r.Agent, "human"), r, cols))
		total.Commits += r.Commits
		total.WithFindings += r.WithFindings
		total.Findings += r.Findings
		for k, v := range r.Rules {
			total.Rules[k] += v
		}
	}
	if len(rows) > 1 {
		lines = append(lines, tableCells("total", total, cols))
	}
	alignTable(w, lines)
}

func tableCells(name string, r *agentRow, cols []string) []string {
	cells := []string{name, strconv.Itoa(r.Commits), strconv.Itoa(r.WithFindings)}
	for _, c := range cols {
		cells = append(cells, strconv.Itoa(r.Rules[c]))
	}
	per100 := float64(r.Findings) * 100 / float64(r.Commits)
	return append(cells, strconv.Itoa(r.Findings), strconv.FormatFloat(per100, 'f', 1, 64))
}

// scanCommit is one checked commit in the JSON output.
type scanCommit struct {
	detect.CommitInfo
	Parent   string `json:"parent"` // what it was compared with: its first parent
	Findings int    `json:"findings"`
}

// jsonCommit streams one commit into the "commits" array. Each is held
// until the next, which decides whether a comma follows it: what is
// written always ends a line, so that a progress bar on the same terminal
// can be drawn and cleared below it.
func (s *scanWriter) jsonCommit(j scanJob, res *detect.Result) error {
	if err := s.jsonStart(); err != nil {
		return err
	}
	b, err := marshal(scanCommit{CommitInfo: res.Commits[0], Parent: res.Range.Base, Findings: len(res.Findings)}, "    ")
	if err != nil {
		return err
	}
	out := "\n"
	if s.pending != "" {
		out = s.pending + ",\n"
	}
	s.pending = "    " + b
	_, err = io.WriteString(s.w, out)
	return err
}

// jsonStart writes the opening of the document, up to the commits.
func (s *scanWriter) jsonStart() error {
	if s.started {
		return nil
	}
	s.started = true
	params := map[string]any{
		"revs":        s.cfg.Revs,
		"all":         s.cfg.All,
		"max_commits": s.cfg.Max,
		"all_authors": s.cfg.AllAuthors,
		"no_merges":   s.cfg.NoMerges,
		"agent":       s.cfg.Agent,
		"since":       "",
	}
	if s.cfg.All {
		params["revs"] = []string{}
	}
	if !s.cfg.Since.IsZero() {
		params["since"] = s.cfg.Since.Format(time.RFC3339)
	}
	b, err := marshal(params, "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(s.w, "{\n  \"schema\": 1,\n  \"scan\": %s,\n  \"commits\": [", b)
	return err
}

// jsonEnd closes the commits and writes the findings, the summary and the
// table.
func (s *scanWriter) jsonEnd() error {
	if err := s.jsonStart(); err != nil {
		return err
	}
	end := s.pending + "\n  ]"
	if s.pending == "" {
		end = "]"
	}
	rows := s.sortedRows()
	if rows == nil {
		rows = []*agentRow{}
	}
	rest := struct {
		Findings []detect.Finding `json:"findings"`
		Summary  detect.Summary   `json:"summary"`
		Agents   []*agentRow      `json:"agents"`
		Walked   int              `json:"walked"`
		Checked  int              `json:"checked"`
		Notes    []string         `json:"notes,omitempty"`
	}{s.findings, s.summary, rows, s.walked, s.checked, s.notes}
	if rest.Findings == nil {
		rest.Findings = []detect.Finding{}
	}
	b, err := marshal(rest, "")
	if err != nil {
		return err
	}
	// rest is an object: splice its fields after the commits.
	_, err = fmt.Fprintf(s.w, "%s,\n%s", end, strings.TrimPrefix(b, "{\n"))
	if err == nil {
		_, err = io.WriteString(s.w, "\n")
	}
	return err
}

// marshal is indented JSON, as check writes it, with prefix on every line
// but the first.
func marshal(v any, prefix string) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}
