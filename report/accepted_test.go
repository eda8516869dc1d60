package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/goodhart-dev/goodhart/detect"
)

// accepted is full with fingerprints, one finding accepted by the base
// revision's configuration and one by an inline waiver; the golden files
// of every format are written from it too (accepted.*.golden), and CI runs
// the SARIF Multitool on accepted.sarif.golden.
func accepted() *detect.Result {
	r := full()
	detect.Fingerprints(r.Findings)
	r.Findings[0].Accepted = &detect.Acceptance{By: "inline", Reason: "flaky on CI, tracked in #41", Where: "calc/calc_test.go:21"}
	r.Findings[1].Accepted = &detect.Acceptance{By: "config", Reason: "TestParseSub moved to the parser suite, reviewed in #40", Where: ".goodhart.yml:3"}
	r.Summary = detect.Summarize(r.Findings)
	return r
}

func init() { results["accepted"] = accepted }

func TestAcceptedText(t *testing.T) {
	var buf bytes.Buffer
	if err := Text(&buf, accepted(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "accepted.txt.golden", buf.String())
}

func TestAcceptedJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, accepted()); err != nil {
		t.Fatal(err)
	}
	golden(t, "accepted.json.golden", buf.String())
	var got struct {
		Findings []map[string]any `json:"findings"`
		Summary  detect.Summary   `json:"summary"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if want := (detect.Summary{Info: 2, Accepted: 2}); got.Summary != want {
		t.Errorf("summary = %+v, want %+v", got.Summary, want)
	}
	for i, f := range got.Findings {
		if _, ok := f["fingerprint"].(string); !ok {
			t.Errorf("finding %d has no fingerprint", i)
		}
		if _, ok := f["accepted"]; ok != (i < 2) {
			t.Errorf("finding %d: accepted present = %v", i, ok)
		}
	}
}

// TestAcceptedSARIF: accepted findings carry a suppression, in source for
// a waiver and external for an accept entry, with the fingerprint of the
// JSON report as the partial fingerprint.
func TestAcceptedSARIF(t *testing.T) {
	r := accepted()
	var buf bytes.Buffer
	if err := SARIF(&buf, r, SARIFOptions{Rules: testRules}); err != nil {
		t.Fatal(err)
	}
	var log sarif.Report
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	kinds := []string{}
	for i, x := range res {
		if got := x.PartialFingerprints[fingerprintKey]; got != r.Findings[i].Fingerprint {
			t.Errorf("result %d: fingerprint %q, the JSON's %q", i, got, r.Findings[i].Fingerprint)
		}
		k := "-"
		if len(x.Suppressions) == 1 {
			k = *x.Suppressions[0].Kind + " " + *x.Suppressions[0].Status + " " + *x.Suppressions[0].Justification
		}
		kinds = append(kinds, k)
	}
	want := []string{"inSource accepted flaky on CI, tracked in #41", "external accepted TestParseSub moved to the parser suite, reviewed in #40", "-", "-"}
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Errorf("suppressions = %q, want %q", kinds, want)
	}
}

// TestAcceptedMarkdown: accepted findings go to their own collapsed
// section; each other finding shows the accept entry that would accept it.
func TestAcceptedMarkdown(t *testing.T) {
	r := accepted()
	var buf bytes.Buffer
	if err := Markdown(&buf, r, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	section := strings.Index(md, "<details><summary>2 findings accepted by the maintainers")
	if section < 0 {
		t.Fatalf("no section of accepted findings:\n%s", md)
	}
	if i := strings.Index(md, "TestParseSub"); i < section {
		t.Errorf("the accepted TestParseSub is listed before the accepted section")
	}
	for _, f := range r.Findings[2:] {
		if !strings.Contains(md, `- fingerprint: "`+f.Fingerprint+`"`) {
			t.Errorf("no accept entry for %s", f.Fingerprint)
		}
	}
	if strings.Contains(md, `- fingerprint: "`+r.Findings[1].Fingerprint+`"`) {
		t.Errorf("an accept entry offered for a finding already accepted")
	}
	if !strings.HasPrefix(md, "### ℹ️") {
		t.Errorf("the verdict counts accepted findings: %s", strings.SplitN(md, "\n", 2)[0])
	}
}

// TestAcceptedGitHub: an accepted finding is no annotation.
func TestAcceptedGitHub(t *testing.T) {
	var buf bytes.Buffer
	if err := GitHub(&buf, accepted(), GitHubOptions{Token: fixedToken}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "::error ") || strings.Contains(out, "::warning ") {
		t.Errorf("accepted findings annotated:\n%s", out)
	}
	if !strings.Contains(out, "2 findings accepted by the maintainers") {
		t.Errorf("no notice of the accepted findings:\n%s", out)
	}
}
