package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect"
)

// MarkdownLimit keeps the markdown report under GitHub's limit of 1 MiB for
// a step summary, with room to spare for what else the step writes there.
const MarkdownLimit = 1000 * 1000

// openFindings is how many errors and warnings the markdown report shows
// before collapsing the rest (and every info finding) into <details>.
const openFindings = 20

// maxNotes caps the notes listed; the rest are counted.
const maxNotes = 50

// MarkdownOptions tune the markdown report.
type MarkdownOptions struct {
	// FullReport says where the complete report is, for when this one has
	// to be cut short.
	FullReport string
	// MaxBytes caps the report's size; 0 means MarkdownLimit.
	MaxBytes int
}

// Markdown writes the reviewer's report, for a step summary or a pull
// request comment: a verdict, counts by rule and agent, the commits, then
// each finding with its location, commit, agent, message and the code it
// is about, the most severe first. Everything that comes from the checked
// repository is escaped or fenced, so that it cannot format the page.
func Markdown(w io.Writer, r *detect.Result, opts MarkdownOptions) error {
	if r == nil {
		return errNoResult
	}
	limit := cmp.Or(opts.MaxBytes, MarkdownLimit)
	m := newMarkdownDoc(r, opts.FullReport)
	_, err := io.WriteString(w, m.fit(limit))
	return err
}

// markdownDoc holds the parts of the report, rendered once, so that the
// report can be assembled with more or fewer findings until it fits.
type markdownDoc struct {
	head     string   // verdict, counts and commits
	findings []string // one block per finding, most severe first
	open     int      // how many of them are shown outside <details>
	notes    string
	cutNote  func(shown int) string
	accepted string // the accepted findings, collapsed
}

func newMarkdownDoc(r *detect.Result, fullReport string) *markdownDoc {
	sorted := bySeverity(r.Findings)
	sorted, accepted := splitAccepted(sorted)
	m := &markdownDoc{head: mdHead(r), notes: mdNotes(r.Notes), accepted: mdAccepted(accepted)}
	for _, f := range sorted {
		m.findings = append(m.findings, mdFinding(f))
		if f.Severity > detect.Info && m.open < openFindings {
			m.open++
		}
	}
	where := cmp.Or(fullReport, "`goodhart check`")
	m.cutNote = func(shown int) string {
		return fmt.Sprintf("> [!WARNING]\n> This report was cut short to stay under GitHub's 1 MiB summary limit: "+
			"it shows %d of %d findings, the most severe first. The full report: %s.\n\n", shown, len(sorted), mdText(where))
	}
	return m
}

// fit assembles the report with as many findings as fit in limit bytes.
func (m *markdownDoc) fit(limit int) string {
	all := m.render(len(m.findings))
	if len(all) <= limit {
		return all
	}
	// Shown findings only add bytes, so the largest count that fits can be
	// searched for.
	n := sort.Search(len(m.findings), func(k int) bool { return len(m.render(k+1)) > limit })
	return m.render(n)
}

// render assembles the report with the first shown findings.
func (m *markdownDoc) render(shown int) string {
	var b strings.Builder
	b.WriteString(m.head)
	if shown < len(m.findings) {
		b.WriteString(m.cutNote(shown))
	}
	open := min(m.open, shown)
	for _, f := range m.findings[:open] {
		b.WriteString(f)
	}
	if rest := m.findings[open:shown]; len(rest) > 0 {
		fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n", moreFindings(len(rest), open > 0))
		for _, f := range rest {
			b.WriteString(f)
		}
		b.WriteString("</details>\n\n")
	}
	b.WriteString(m.accepted)
	b.WriteString(m.notes)
	return b.String()
}

// moreFindings is the summary of the collapsed findings: "3 findings", or
// "3 more findings" after open ones.
func moreFindings(n int, more bool) string {
	s := plural(n, "finding")
	if more {
		s = strings.Replace(s, " ", " more ", 1)
	}
	return s
}

// mdHead is the verdict line, the table of counts and the commits.
func mdHead(r *detect.Result) string {
	var b strings.Builder
	span := code(short(r.Range.Base) + ".." + short(r.Range.Head))
	if len(r.Commits) == 0 {
		fmt.Fprintf(&b, "### goodhart: nothing to check\n\n%s has no commits.\n\n", span)
		return b.String()
	}
	open, accepted := splitAccepted(r.Findings)
	v := verdict(open)
	if len(open) == 0 && len(accepted) > 0 {
		v = "✅ goodhart: every finding was accepted by the maintainers"
	}
	fmt.Fprintf(&b, "### %s\n\n", v)
	fmt.Fprintf(&b, "%s in %s (%s)%s%s.\n\n", findingCount(len(r.Findings)), plural(len(r.Commits), "commit"), span,
		severityCounts(open), mdAcceptedCount(len(accepted), len(open) == 0))
	if len(r.Findings) > 0 {
		b.WriteString(countTable(r.Findings))
	}
	b.WriteString(commitList(r.Commits))
	return b.String()
}

// verdict is the report's first line: what a reviewer needs to know first.
func verdict(fs []detect.Finding) string {
	worst := detect.Info
	for _, f := range fs {
		worst = max(worst, f.Severity)
	}
	switch {
	case len(fs) == 0:
		return "✅ goodhart: no test-gaming shortcuts found"
	case worst == detect.Error:
		return "❌ goodhart: tests were removed or weakened — review before merging"
	case worst == detect.Warning:
		return "⚠️ goodhart: tests may have been weakened — worth a look"
	}
	return "ℹ️ goodhart: tests changed, nothing that looks like a shortcut"
}

func findingCount(n int) string {
	if n == 0 {
		return "No findings"
	}
	return plural(n, "finding")
}

// severityCounts is ": 2 error, 1 info", or "" when there are no findings.
func severityCounts(fs []detect.Finding) string {
	var counts [3]int
	for _, f := range fs {
		counts[min(max(int(f.Severity), 0), 2)]++
	}
	var parts []string
	if n := counts[detect.Error]; n > 0 {
		parts = append(parts, plural(n, "error"))
	}
	if n := counts[detect.Warning]; n > 0 {
		parts = append(parts, plural(n, "warning"))
	}
	if n := counts[detect.Info]; n > 0 {
		parts = append(parts, strconv.Itoa(n)+" info")
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ", ")
}

// countTable counts findings by rule (rows) and by agent (columns), people
// last.
func countTable(fs []detect.Finding) string {
	var rules, agents []string
	counts := map[[2]string]int{}
	for _, f := range fs {
		a := cmp.Or(f.Agent, "people")
		if !slices.Contains(rules, f.Rule) {
			rules = append(rules, f.Rule)
		}
		if !slices.Contains(agents, a) {
			agents = append(agents, a)
		}
		counts[[2]string{f.Rule, a}]++
	}
	slices.Sort(rules)
	slices.SortFunc(agents, func(a, b string) int {
		return cmp.Or(cmp.Compare(peopleLast(a), peopleLast(b)), strings.Compare(a, b))
	})
	var b strings.Builder
	b.WriteString("| rule |")
	for _, a := range agents {
		b.WriteString(" " + cell(a) + " |")
	}
	b.WriteString(" total |\n|---|" + strings.Repeat("---:|", len(agents)+1) + "\n")
	for _, rule := range rules {
		b.WriteString("| " + cell(code(rule)) + " |")
		total := 0
		for _, a := range agents {
			n := counts[[2]string{rule, a}]
			total += n
			b.WriteString(" " + strconv.Itoa(n) + " |")
		}
		fmt.Fprintf(&b, " %d |\n", total)
	}
	b.WriteString("\n")
	return b.String()
}

func peopleLast(a string) int {
	if a == "people" {
		return 1
	}
	return 0
}

// commitList lists the range's commits, collapsed.
func commitList(cs []detect.CommitInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n| commit | by | subject |\n|---|---|---|\n", plural(len(cs), "commit"))
	for _, c := range cs {
		by := "person"
		if c.Agent != "" {
			by = "agent " + c.Agent
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", code(short(c.SHA)), cell(by), cell(mdText(c.Subject)))
	}
	b.WriteString("\n</details>\n\n")
	return b.String()
}

var severityIcon = map[detect.Severity]string{detect.Error: "❌", detect.Warning: "⚠️", detect.Info: "ℹ️"}

// mdFinding is one finding: a heading, where and who, the message, and the
// excerpt as a diff.
func mdFinding(f detect.Finding) string {
	var b strings.Builder
	title := []string{severityIcon[f.Severity] + " " + f.Severity.String(), code(f.Rule)}
	if f.Symbol != "" {
		title = append(title, code(f.Symbol))
	}
	fmt.Fprintf(&b, "#### %s\n\n", strings.Join(title, " · "))
	fmt.Fprintf(&b, "%s · commit %s · %s\n\n", mdLocation(f), code(short(f.Commit)), mdWho(f))
	for _, para := range strings.Split(strings.TrimSpace(f.Message), "\n\n") {
		b.WriteString(mdText(para) + "\n\n")
	}
	if len(f.Excerpt) > 0 {
		lines := diffLines(f.Excerpt)
		for i, l := range lines {
			lines[i] = plain(l, false)
		}
		body := strings.Join(lines, "\n")
		fence := fenceFor(body)
		fmt.Fprintf(&b, "%sdiff\n%s\n%s\n\n", fence, body, fence)
	}
	b.WriteString(mdAcceptance(f))
	return b.String()
}

func mdWho(f detect.Finding) string {
	if f.Agent == "" {
		return "by a person"
	}
	return "agent " + code(f.Agent)
}

// mdLocation is where the finding is in head, and where it was in base.
func mdLocation(f detect.Finding) string {
	switch {
	case f.File == "":
		return "was " + code(pos(f.OldFile, f.OldLine)) + " (the file is gone)"
	case f.OldFile == "" || f.OldFile == f.File && f.OldLine == f.Line:
		return code(pos(f.File, f.Line))
	case f.OldFile == f.File && f.OldLine > 0:
		return code(pos(f.File, f.Line)) + " (was line " + strconv.Itoa(f.OldLine) + ")"
	}
	return code(pos(f.File, f.Line)) + " (was " + code(pos(f.OldFile, f.OldLine)) + ")"
}

func mdNotes(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n", plural(len(notes), "note"))
	for i, n := range notes {
		if i == maxNotes {
			fmt.Fprintf(&b, "- and %d more\n", len(notes)-maxNotes)
			break
		}
		b.WriteString("- " + mdText(n) + "\n")
	}
	b.WriteString("\n</details>\n\n")
	return b.String()
}

// mdText escapes text from the checked repository so that markdown reads it
// as plain text: no emphasis, links, HTML, mentions, tables or headings.
func mdText(s string) string {
	var b strings.Builder
	s = plain(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s), true)
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		trimmed := strings.TrimLeft(line, " \t")
		b.WriteString(line[:len(line)-len(trimmed)])
		// A line that starts like a list item or a setext underline would
		// be one (quotes and headings start with characters escaped below).
		listMark := -1
		if trimmed != "" && strings.ContainsRune("-+=", rune(trimmed[0])) {
			listMark = 0
		} else if i := orderedItem(trimmed); i > 0 {
			listMark = i
		}
		for j, r := range trimmed {
			if j == listMark || strings.ContainsRune("\\`*_[]<>&|~@#!", r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// orderedItem returns where the delimiter of a line that starts like an
// ordered list item ("1. ", "1) ") is, or 0.
func orderedItem(line string) int {
	i := 0
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i > 0 && i < len(line) && (line[i] == '.' || line[i] == ')') {
		return i
	}
	return 0
}

// code writes s as an inline code span, with a fence of backticks longer
// than any run of backticks in s.
func code(s string) string {
	// A code span may not hold a line break (a blank line would end it,
	// and what follows would render as markdown), nor anything plain
	// escapes.
	s = plain(s, false)
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// fenceFor is a code fence that the block's own lines cannot close.
func fenceFor(body string) string {
	return strings.Repeat("`", max(3, longestRun(body, '`')+1))
}

func longestRun(s string, c byte) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

// cell makes text safe in a table cell, where even a code span ends at |.
func cell(s string) string {
	s = plain(s, false) // a line break would end the row
	return strings.ReplaceAll(strings.ReplaceAll(s, `\|`, `|`), "|", `\|`)
}

// docMarkdown renders a rule's doc: prose paragraphs reflowed and escaped,
// indented lines as code blocks (a diff when they read as one).
func docMarkdown(doc string) string {
	var out []string
	for _, para := range strings.Split(strings.TrimSpace(doc), "\n\n") {
		var prose, block []string
		flush := func() {
			if len(prose) > 0 {
				out = append(out, mdText(strings.Join(prose, " ")))
				prose = nil
			}
			if len(block) > 0 {
				out = append(out, codeBlock(dedent(block)))
				block = nil
			}
		}
		for _, line := range strings.Split(para, "\n") {
			indented := strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")
			if indented != (len(block) > 0) && (len(prose) > 0 || len(block) > 0) {
				flush()
			}
			if indented {
				block = append(block, line)
			} else {
				prose = append(prose, strings.TrimSpace(line))
			}
		}
		flush()
	}
	return strings.Join(out, "\n\n")
}

func codeBlock(lines []string) string {
	lang := "text"
	if isDiff(lines) {
		lang = "diff"
	}
	body := strings.Join(lines, "\n")
	fence := fenceFor(body)
	return fence + lang + "\n" + body + "\n" + fence
}

// isDiff reports whether every line starts with a diff mark and some add or
// remove.
func isDiff(lines []string) bool {
	changed := false
	for _, l := range lines {
		if l == "" || !strings.ContainsRune("+- ", rune(l[0])) {
			return false
		}
		changed = changed || l[0] != ' '
	}
	return changed
}

// dedent removes the indentation all lines share.
func dedent(lines []string) []string {
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if common < 0 || n < common {
			common = n
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) >= common && common > 0 {
			l = l[common:]
		}
		out[i] = l
	}
	return out
}
