package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goodhart-dev/goodhart/detect/finding"
)

func withRules(t *testing.T) {
	t.Helper()
	old := RuleDefaults
	RuleDefaults = map[string]finding.Severity{"deleted-test": finding.Error, "removed-test-case": finding.Warning}
	t.Cleanup(func() { RuleDefaults = old })
}

func TestParse(t *testing.T) {
	withRules(t)
	src := `rules:
  removed-test-case: {severity: info}
  deleted-test:
    disabled: true
exclude: ["internal/legacy/**", "gen/"]
accept:
  - fingerprint: "abc:1"
    reason: "table reshaped in #123, reviewed"
    expires: 2027-03-01
  - fingerprint: def:2
    reason: moved to the integration suite
`
	c, err := Parse(File, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if sev, ok := c.Severity("removed-test-case"); !ok || sev != finding.Info {
		t.Errorf("severity of removed-test-case = %v, %v", sev, ok)
	}
	if _, ok := c.Severity("deleted-test"); ok || !c.Disabled("deleted-test") || c.Disabled("removed-test-case") {
		t.Errorf("deleted-test: want disabled without a severity")
	}
	want := []Accept{
		{Fingerprint: "abc:1", Reason: "table reshaped in #123, reviewed", Expires: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), Name: File, Line: 7},
		{Fingerprint: "def:2", Reason: "moved to the integration suite", Name: File, Line: 10},
	}
	if diff := cmp.Diff(want, c.Accept); diff != "" {
		t.Errorf("accept (-want +got):\n%s", diff)
	}
	for p, ex := range map[string]bool{
		"internal/legacy/a.go": true, "internal/legacy/x/y_test.go": true, "internal/legacyx/a.go": false,
		"gen/a.go": true, "src/gen/a.go": false, "internal/a.go": false,
	} {
		if got := c.Excluded(p); got != ex {
			t.Errorf("Excluded(%q) = %v, want %v", p, got, ex)
		}
	}
}

// TestParseErrors: whatever would silently configure nothing is an error
// that names its line.
func TestParseErrors(t *testing.T) {
	withRules(t)
	for src, want := range map[string]string{
		"exlude: [a]\n": `.goodhart.yml:1: unknown key "exlude" (want rules, exclude or accept)`,
		"rules:\n  deleted-tests: {disabled: true}\n":               `.goodhart.yml:2: rules: unknown rule "deleted-tests"`,
		"rules:\n  deleted-test: {severity: high}\n":                `.goodhart.yml:2: rules: deleted-test: severity "high"`,
		"rules:\n  deleted-test: {disable: true}\n":                 `.goodhart.yml:2: rules: deleted-test: unknown key "disable"`,
		"accept:\n  - fingerprint: a:1\n":                           `.goodhart.yml:2: accept: the entry for a:1 gives no reason`,
		"accept:\n  - reason: why\n":                                `.goodhart.yml:2: accept: an entry without a fingerprint`,
		"accept:\n  - {fingerprint: a, reason: b, x: 1}\n":          `.goodhart.yml:2: accept: unknown key "x"`,
		"accept:\n  - {fingerprint: a, reason: b, expires: soon}\n": `.goodhart.yml:2: accept: expires "soon"`,
		"exclude: [\"a[\"]\n":                                       `.goodhart.yml:1: exclude: bad pattern "a["`,
		"- a\n":                                                     `.goodhart.yml:1: want a mapping`,
		"rules: [\n":                                                `.goodhart.yml: `,
	} {
		_, err := Parse(File, []byte(src))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error starting %q", src, err, want)
		}
	}
	if c, err := Parse(File, []byte("\n# nothing yet\n")); err != nil || len(c.Accept) != 0 {
		t.Errorf("an empty file: %v, %v", c, err)
	}
	// Lenient parsing keeps what it can read, for comparing versions.
	c := ParseLenient(File, []byte("exlude: [a]\nexclude: [b]\naccept:\n  - fingerprint: a:1\n  - {fingerprint: b:1, reason: ok then}\n"))
	if len(c.Exclude) != 1 || len(c.Accept) != 1 || c.Accept[0].Fingerprint != "b:1" {
		t.Errorf("lenient: %+v", c)
	}
}

func TestParseAccept(t *testing.T) {
	for _, src := range []string{
		"accept:\n  - fingerprint: a:1\n    reason: reviewed by the team\n",
		"- fingerprint: a:1\n  reason: reviewed by the team\n",
	} {
		got, err := ParseAccept("ok.yml", []byte(src))
		if err != nil || len(got) != 1 || got[0].Fingerprint != "a:1" || got[0].Where() != "ok.yml:"+map[bool]string{true: "2", false: "1"}[strings.HasPrefix(src, "accept")] {
			t.Errorf("ParseAccept(%q) = %+v, %v", src, got, err)
		}
	}
	if _, err := ParseAccept("bad.yml", []byte("rules: {}\n")); err == nil || !strings.Contains(err.Error(), `unknown key "rules" (want accept)`) {
		t.Errorf("rules in an accept file: %v", err)
	}
}

func TestExpired(t *testing.T) {
	a := Accept{Expires: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}
	for now, want := range map[string]bool{"2027-02-28T23:00:00Z": false, "2027-03-01T23:59:00Z": false, "2027-03-02T00:00:01Z": true} {
		tm, _ := time.Parse(time.RFC3339, now)
		if got := a.Expired(tm); got != want {
			t.Errorf("expired on %s = %v, want %v", now, got, want)
		}
	}
	if (Accept{}).Expired(time.Now()) {
		t.Error("an entry without expires expired")
	}
}

func TestWaivers(t *testing.T) {
	goSrc := `package calc

//goodhart:allow deleted-test TestSub -- moved to the integration suite
var s = "//goodhart:allow deleted-test -- in a string, not a comment"

func f() {
	x := 1 // goodhart:allow hardcoded-return,special-cased-input -- a fixed answer by design
	// goodhart:allow skipped-test
	//goodhart:allowed deleted-test -- not the marker
	_ = x
}
`
	got := Waivers("calc/calc.go", []byte(goSrc))
	want := []Waiver{
		{Rules: []string{"deleted-test"}, Symbol: "TestSub", Reason: "moved to the integration suite", Line: 3,
			Text: "//goodhart:allow deleted-test TestSub -- moved to the integration suite",
			Key:  "//goodhart:allow deleted-test TestSub -- moved to the integration suite\nvar s = \"//goodhart:allow deleted-test -- in a string, not a comment\""},
		{Rules: []string{"hardcoded-return", "special-cased-input"}, Reason: "a fixed answer by design", Line: 7,
			Text: "// goodhart:allow hardcoded-return,special-cased-input -- a fixed answer by design",
			Key:  "x := 1 // goodhart:allow hardcoded-return,special-cased-input -- a fixed answer by design\n_ = x"},
		{Rules: []string{"skipped-test"}, Line: 8, Text: "// goodhart:allow skipped-test",
			Key: "// goodhart:allow skipped-test\n_ = x"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Go waivers (-want +got):\n%s", diff)
	}
	yml := "jobs:\n  test:\n    # goodhart:allow weakened-ci -- the race job moved to nightly.yml\n    continue-on-error: true\n    run: echo '#goodhart:allow x -- y' # goodhart:allow weakened-ci -- ok\n"
	got = Waivers(".github/workflows/ci.yml", []byte(yml))
	if len(got) != 2 || got[0].Line != 3 || got[0].Reason != "the race job moved to nightly.yml" || got[1].Line != 5 || got[1].Reason != "" {
		t.Errorf("YAML waivers: %+v", got)
	}
	if !want[0].Names("Deleted-Test") || want[0].Names("skipped-test") || !want[0].Covers("TestSub/case") || want[0].Covers("TestSubtract") {
		t.Error("Names/Covers")
	}
}
