package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/goodhart-dev/goodhart/detect"
)

// hostile is a result whose messages, paths and code try everything that
// could break out of a format: workflow commands, escapes, markdown and
// HTML, and a fence of backticks.
func hostile() *detect.Result {
	r := full()
	r.Findings = []detect.Finding{{
		Rule: "deleted-test", Severity: detect.Error,
		File: "odd dir/a,b:c%d_test.go", Line: 3, OldFile: "odd dir/a,b:c%d_test.go", OldLine: 7,
		Symbol:  "TestX/case:1,2",
		Message: "100% gone:\r\n::error::forged\n\n- not a list | <img src=x> @octocat **bold** [link](http://x)\n1. not ordered",
		Commit:  head, Agent: "claude",
		Excerpt: []string{"- func TestX(t *testing.T) {", "- \t// ::add-mask::secret", "- \ts := \"```\"", "- }"},
	}}
	r.Summary = detect.Summary{Error: 1}
	r.Notes = []string{"a <b> note | with @mention"}
	return r
}

// many has more errors and warnings than GitHub shows as annotations.
func many() *detect.Result {
	r := full()
	r.Findings = nil
	add := func(n int, sev detect.Severity, rule string) {
		for i := range n {
			r.Findings = append(r.Findings, detect.Finding{
				Rule: rule, Severity: sev, File: "pkg/x_test.go", Line: 10 + i, OldFile: "pkg/x_test.go", OldLine: 10 + i,
				Symbol: fmt.Sprintf("Test%s%d", sev, i), Message: "m.", Commit: head, Agent: "claude",
			})
		}
	}
	add(3, detect.Info, "deleted-test") // first, to check the ordering
	add(15, detect.Warning, "skipped-test")
	add(12, detect.Error, "deleted-test")
	r.Summary = detect.Summary{Error: 12, Warning: 15, Info: 3}
	return r
}

func fixedToken() string { return "TOKEN" }

// testRules stand for detect's rules in the golden files, so that those
// change with the formats and not with every edit of a rule's doc.
var testRules = []*detect.Rule{
	{ID: "deleted-test", Severity: detect.Error, Doc: `A test that exists in base is gone from head.

Not flagged: a test moved or renamed.

Example:
    -func TestParse(t *testing.T) {
    -}`},
	{ID: "skipped-test", Severity: detect.Error, Doc: `A t.Skip is newly reachable in a test.

The severity follows what the skip is gated on:
  error    unconditional, or gated on CI
  warning  testing.Short()

Example:
     func TestFetch(t *testing.T) {
    +	t.Skip("flaky")`},
}

var results = map[string]func() *detect.Result{"full": full, "clean": clean, "empty": empty, "hostile": hostile}

func TestGoldenFormats(t *testing.T) {
	exts := map[string]string{"sarif": "sarif", "github": "github.txt", "markdown": "md"}
	for format, ext := range exts {
		for name, r := range results {
			t.Run(format+"/"+name, func(t *testing.T) {
				var buf bytes.Buffer
				opts := Options{Version: "1.2.3", Token: fixedToken, Rules: testRules}
				if err := Write(&buf, format, r(), opts); err != nil {
					t.Fatal(err)
				}
				golden(t, name+"."+ext+".golden", buf.String())
			})
		}
	}
}

func TestParseOutput(t *testing.T) {
	tests := []struct {
		spec string
		want Output
		err  bool
	}{
		{"text", Output{Format: "text"}, false},
		{"sarif=out/g.sarif", Output{Format: "sarif", Path: "out/g.sarif"}, false},
		{"json=a=b.json", Output{Format: "json", Path: "a=b.json"}, false},
		{"markdown=-", Output{Format: "markdown"}, false},
		{"xml", Output{}, true},
		{"=x", Output{}, true},
	}
	for _, tt := range tests {
		got, err := ParseOutput(tt.spec)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseOutput(%q) = %+v, %v; want %+v, error %v", tt.spec, got, err, tt.want, tt.err)
		}
	}
}

func TestSARIFSchema(t *testing.T) {
	for name, r := range results {
		var buf bytes.Buffer
		if err := SARIF(&buf, r(), SARIFOptions{Version: "(devel)"}); err != nil {
			t.Fatal(err)
		}
		log, err := sarif.FromBytes(buf.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := log.Validate(); err != nil {
			t.Errorf("%s: not valid SARIF 2.1.0: %v", name, err)
		}
	}
}

// sarifLog decodes the parts of a SARIF log the tests look at.
type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Version         string
				SemanticVersion string
				Rules           []struct {
					ID, Name                          string
					ShortDescription, FullDescription struct{ Text string }
					Help                              struct{ Text, Markdown string }
					DefaultConfiguration              struct{ Level string }
				}
			}
		}
		Results []struct {
			RuleID              string
			RuleIndex           int
			Level               string
			Message             struct{ Text string }
			PartialFingerprints map[string]string
			Locations           []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }
					Region           struct{ StartLine int }
				}
			}
		}
	}
}

func decodeSARIF(t *testing.T, r *detect.Result) sarifLog {
	t.Helper()
	var buf bytes.Buffer
	if err := SARIF(&buf, r, SARIFOptions{Version: "v1.2.3"}); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log
}

func TestSARIFRulesAndResults(t *testing.T) {
	log := decodeSARIF(t, full())
	run := log.Runs[0]
	if run.Tool.Driver.Version != "1.2.3" || run.Tool.Driver.SemanticVersion != "1.2.3" {
		t.Errorf("driver version %q, semantic %q", run.Tool.Driver.Version, run.Tool.Driver.SemanticVersion)
	}
	// Every rule goodhart runs is described, then the ones only findings
	// name.
	rules := run.Tool.Driver.Rules
	for i, r := range detect.Rules() {
		d := rules[i]
		if d.ID != r.ID || d.Name == "" || d.ShortDescription.Text == "" || d.FullDescription.Text == "" ||
			d.Help.Text == "" || d.Help.Markdown == "" || d.DefaultConfiguration.Level != level(r.Severity) {
			t.Errorf("rule %d: %+v", i, d)
		}
		if r.ID == "deleted-test" && d.Name != "DeletedTest" {
			t.Errorf("name of deleted-test is %q", d.Name)
		}
		if strings.Contains(r.Doc, "Example:\n    -") && !strings.Contains(d.Help.Markdown, "```diff\n-") {
			t.Errorf("the example of %s is not a diff block:\n%s", r.ID, d.Help.Markdown)
		}
	}
	for i, res := range run.Results {
		f := full().Findings[i]
		if rules[res.RuleIndex].ID != res.RuleID || res.RuleID != f.Rule {
			t.Errorf("result %d: rule %s at index %d", i, res.RuleID, res.RuleIndex)
		}
		if res.Level != level(f.Severity) {
			t.Errorf("result %d: level %s for %s", i, res.Level, f.Severity)
		}
	}
	// The deleted file is located at its path in base, and says so.
	gone := run.Results[2]
	loc := gone.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "calc/old_test.go" || loc.Region.StartLine != 5 {
		t.Errorf("gone file located at %+v", loc)
	}
	if !strings.Contains(gone.Message.Text, "calc/old_test.go:5 in base; the file is gone") {
		t.Errorf("message does not say where it was: %q", gone.Message.Text)
	}
	moved := run.Results[1]
	if !strings.Contains(moved.Message.Text, "It was at calc/calc_test.go:34 in base.") {
		t.Errorf("message does not say where it was: %q", moved.Message.Text)
	}
}

func TestSARIFEscapesPaths(t *testing.T) {
	loc := decodeSARIF(t, hostile()).Runs[0].Results[0].Locations[0].PhysicalLocation
	if got, want := loc.ArtifactLocation.URI, "odd%20dir/a%2Cb:c%25d_test.go"; got != want {
		t.Errorf("uri %q, want %q", got, want)
	}
}

// Fingerprints must not move when lines do, and must tell findings apart.
func TestFingerprintsIgnoreLines(t *testing.T) {
	fingerprintsOf := func(r *detect.Result) []string {
		var out []string
		for _, res := range decodeSARIF(t, r).Runs[0].Results {
			out = append(out, res.PartialFingerprints[fingerprintKey])
		}
		return out
	}
	before := fingerprintsOf(full())
	shifted := full()
	for i := range shifted.Findings {
		shifted.Findings[i].Line += 7
		shifted.Findings[i].OldLine += 3
		shifted.Findings[i].Message = strings.ReplaceAll(shifted.Findings[i].Message, "34", "41")
	}
	if diff := cmp.Diff(before, fingerprintsOf(shifted)); diff != "" {
		t.Errorf("fingerprints moved with the lines (-before +after):\n%s", diff)
	}
	seen := map[string]bool{}
	for _, fp := range before {
		if seen[fp] || !regexp.MustCompile(`^[0-9a-f]{32}:1$`).MatchString(fp) {
			t.Errorf("fingerprint %q repeated or malformed", fp)
		}
		seen[fp] = true
	}
	changed := full()
	changed.Findings[1].Excerpt = []string{"- func TestParseSub(t *testing.T) { // other"}
	if after := fingerprintsOf(changed); after[1] == before[1] {
		t.Error("a different excerpt kept the fingerprint")
	}
	// Two findings alike but for their lines are numbered by line.
	twins := full()
	twins.Findings = []detect.Finding{twins.Findings[3], twins.Findings[3]}
	twins.Findings[0].Line = 50
	got := fingerprintsOf(twins)
	if !strings.HasSuffix(got[0], ":2") || !strings.HasSuffix(got[1], ":1") || got[0][:32] != got[1][:32] {
		t.Errorf("twins fingerprinted %q", got)
	}
}

func TestToolVersion(t *testing.T) {
	for v, want := range map[string]string{
		"v1.2.3": "1.2.3", "1.2.3-rc.1": "1.2.3-rc.1", "(devel)": "0.0.0-devel", "": "0.0.0-devel",
		"main": "0.0.0-main", "feature/x": "0.0.0-feature-x",
	} {
		if got := toolVersion(v); got != want {
			t.Errorf("toolVersion(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestEscaping(t *testing.T) {
	if got, want := escapeData("100%\r\n::x"), "100%25%0D%0A::x"; got != want {
		t.Errorf("escapeData = %q, want %q", got, want)
	}
	if got, want := escapeProperty("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce"; got != want {
		t.Errorf("escapeProperty = %q, want %q", got, want)
	}
	if got, want := mdText("- a *b* <c> @d | e\n1. f\n# g"), `\- a \*b\* \<c\> \@d \| e`+"\n"+`1\. f`+"\n"+`\# g`; got != want {
		t.Errorf("mdText = %q, want %q", got, want)
	}
	if got, want := code("a`b"), "``a`b``"; got != want {
		t.Errorf("code = %q, want %q", got, want)
	}
}

// commandLines are the lines of github output that GitHub would run as
// workflow commands: those outside the stop-commands fence.
func commandLines(t *testing.T, out string) []string {
	t.Helper()
	var cmds []string
	stopped := ""
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		switch {
		case stopped != "":
			if line == "::"+stopped+"::" {
				stopped = ""
			}
		case strings.HasPrefix(line, "::stop-commands::"):
			stopped = strings.TrimPrefix(line, "::stop-commands::")
		case strings.HasPrefix(line, "::"):
			cmds = append(cmds, line)
		default:
			t.Errorf("a line outside the fence is not a command: %q", line)
		}
	}
	if stopped != "" {
		t.Error("the stop-commands fence is never closed")
	}
	return cmds
}

func TestGitHubHostileStaysFenced(t *testing.T) {
	var buf bytes.Buffer
	if err := GitHub(&buf, hostile(), GitHubOptions{}); err != nil {
		t.Fatal(err)
	}
	cmds := commandLines(t, buf.String())
	want := []string{"error", "group", "endgroup"}
	if len(cmds) != len(want) {
		t.Fatalf("commands:\n%s", strings.Join(cmds, "\n"))
	}
	for i, c := range cmds {
		if !strings.HasPrefix(c, "::"+want[i]) {
			t.Errorf("command %d is %q, want %s", i, c, want[i])
		}
	}
	if !strings.HasPrefix(cmds[0], "::error file=odd dir/a%2Cb%3Ac%25d_test.go,line=3,title=goodhart deleted-test%3A TestX/case%3A1%2C2::100%25 gone:%0A::error::forged%0A") {
		t.Errorf("annotation not escaped: %s", cmds[0])
	}
	// The random token is fresh each time.
	var again bytes.Buffer
	GitHub(&again, hostile(), GitHubOptions{})
	if tokenOf(buf.String()) == tokenOf(again.String()) || len(tokenOf(buf.String())) < 20 {
		t.Errorf("tokens %q and %q", tokenOf(buf.String()), tokenOf(again.String()))
	}
}

func tokenOf(out string) string {
	return regexp.MustCompile(`(?m)^::stop-commands::(.*)$`).FindStringSubmatch(out)[1]
}

func TestGitHubCapsAnnotations(t *testing.T) {
	var buf bytes.Buffer
	if err := GitHub(&buf, many(), GitHubOptions{FullReport: "the job summary"}); err != nil {
		t.Fatal(err)
	}
	cmds := commandLines(t, buf.String())
	var kinds []string
	for _, c := range cmds {
		kinds = append(kinds, c[2:strings.IndexAny(c[2:], " :")+2])
	}
	want := append(append(append(repeat("error", 10), repeat("warning", 10)...), "notice", "group"), "endgroup")
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	notice := cmds[20]
	// Info findings are never annotations: the notice counts only the
	// errors and warnings past GitHub's caps, and says where the infos are.
	if !strings.Contains(notice, "7 more errors and warnings not shown") || !strings.Contains(notice, "with 3 info findings") || !strings.Contains(notice, "the job summary") {
		t.Errorf("notice: %s", notice)
	}
	// The most severe come first: errors, in line order.
	if !strings.Contains(cmds[0], "line=10,") || !strings.Contains(cmds[9], "line=19,") {
		t.Errorf("first errors: %s / %s", cmds[0], cmds[9])
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestMarkdownCut(t *testing.T) {
	var whole bytes.Buffer
	if err := Markdown(&whole, many(), MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(whole.String(), "cut short") {
		t.Fatal("a small report was cut")
	}
	limit := whole.Len() / 2
	var cut bytes.Buffer
	if err := Markdown(&cut, many(), MarkdownOptions{MaxBytes: limit, FullReport: "goodhart.json"}); err != nil {
		t.Fatal(err)
	}
	out := cut.String()
	if len(out) > limit {
		t.Errorf("%d bytes, over the limit of %d", len(out), limit)
	}
	m := regexp.MustCompile(`it shows (\d+) of 30 findings.*The full report: goodhart\.json\.`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no cut note:\n%s", out)
	}
	if shown := strings.Count(out, "\n#### "); fmt.Sprint(shown) != m[1] {
		t.Errorf("note says %s shown, the report has %d", m[1], shown)
	}
	if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
		t.Error("unbalanced <details>")
	}
	// Errors come before warnings; the cut drops the least severe.
	if strings.Contains(out, "ℹ️ info") || !strings.Contains(out, "❌ error") {
		t.Error("the cut kept the wrong findings")
	}
}

func TestMarkdownCollapses(t *testing.T) {
	var buf bytes.Buffer
	if err := Markdown(&buf, many(), MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	open, rest, ok := strings.Cut(out, "<details><summary>10 more findings</summary>")
	if !ok {
		t.Fatalf("no collapsed section:\n%s", out)
	}
	if n := strings.Count(open, "\n#### "); n != openFindings {
		t.Errorf("%d findings open, want %d", n, openFindings)
	}
	if n := strings.Count(rest, "\n#### "); n != 10 {
		t.Errorf("%d findings collapsed, want 10", n)
	}
}
