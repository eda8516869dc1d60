package detect_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// skipFirst puts a t.Skip at the top of the body of the test named.
func skipFirst(src, name string) string {
	decl := "func Test" + name + "(t *testing.T) {\n"
	return strings.Replace(src, decl, decl+"\tt.Skip(\"flaky\")\n", 1)
}

func check(t *testing.T, repo gitutil.Repo, base, head string, opts detect.Options) *detect.Result {
	t.Helper()
	res, err := detect.Check(repo, base, head, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func byRule(res *detect.Result, rule string) *detect.Finding {
	for i := range res.Findings {
		if res.Findings[i].Rule == rule {
			return &res.Findings[i]
		}
	}
	return nil
}

// A finding keeps its fingerprint when unrelated lines above it come in
// the same change, and the fingerprint is the same in the JSON and SARIF
// reports (report's tests check the second).
func TestFingerprintSurvivesEditAbove(t *testing.T) {
	h := calcRepo(t, "One", "Two", "Three")
	main := h.git("rev-parse", "HEAD")
	tests := calcTests("One", "Two")

	h.git("checkout", "-q", "-b", "plain", main)
	h.write("calc/calc_test.go", skipFirst(tests, "Two"))
	plain := h.commit("Skip and drop" + agentTrailer)

	h.git("checkout", "-q", "-b", "edited", main)
	above := strings.Replace(calcTests("One", "Two", "Three"), "import \"testing\"\n",
		"import \"testing\"\n\n// helper is new, and unrelated.\nfunc helper() int {\n\treturn 1\n}\n", 1)
	h.write("calc/calc_test.go", above)
	h.commit("A helper")
	h.write("calc/calc_test.go", strings.Replace(skipFirst(tests, "Two"), "import \"testing\"\n",
		"import \"testing\"\n\n// helper is new, and unrelated.\nfunc helper() int {\n\treturn 1\n}\n", 1))
	edited := h.commit("Skip and drop" + agentTrailer)

	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		a, b := check(t, repo, main, plain, detect.Options{}), check(t, repo, main, edited, detect.Options{})
		for _, rule := range []string{"skipped-test", "deleted-test"} {
			fa, fb := byRule(a, rule), byRule(b, rule)
			if fa == nil || fb == nil {
				t.Fatalf("%s: no finding:\nplain:\n%s\nedited:\n%s", rule, dump(a), dump(b))
			}
			if fa.Line == fb.Line {
				t.Errorf("%s: the edit above did not move the finding (line %d): the test shows nothing", rule, fa.Line)
			}
			if fa.Fingerprint == "" || fa.Fingerprint != fb.Fingerprint {
				t.Errorf("%s: fingerprint %q after an edit above, %q without", rule, fb.Fingerprint, fa.Fingerprint)
			}
		}
	})
}

// acceptRepo is calc on main and an agent's branch that deletes TestThree;
// it returns main, the branch, and the finding's fingerprint.
func acceptRepo(t *testing.T) (h *histRepo, main, agent, fp string) {
	h = calcRepo(t, "One", "Two", "Three")
	main = h.git("rev-parse", "HEAD")
	h.git("checkout", "-q", "-b", "agent", main)
	h.write("calc/calc_test.go", calcTests("One", "Two"))
	agent = h.commit("Drop TestThree" + agentTrailer)
	repo, err := gitutil.Open(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	res := check(t, repo, main, agent, detect.Options{})
	if len(res.Findings) != 1 || res.Findings[0].Rule != "deleted-test" || res.Findings[0].Fingerprint == "" {
		t.Fatalf("want one deleted-test finding:\n%s", dump(res))
	}
	return h, main, agent, res.Findings[0].Fingerprint
}

// configOnMain commits a .goodhart.yml on main, after the agent's branch
// left it: what the protected branch says now is what counts.
func configOnMain(h *histRepo, text string) string {
	h.git("checkout", "-q", "main")
	h.write(".goodhart.yml", text)
	return h.commit("Configure goodhart")
}

func day(s string) func() time.Time {
	return func() time.Time {
		t, _ := time.Parse(time.DateOnly, s)
		return t.Add(13 * time.Hour)
	}
}

func TestConfigAcceptsUntilItExpires(t *testing.T) {
	h, _, agent, fp := acceptRepo(t)
	tip := configOnMain(h, fmt.Sprintf("accept:\n  - fingerprint: %q\n    reason: \"TestThree moved to the suite of #12\"\n    expires: 2027-03-01\n", fp))
	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		res := check(t, repo, tip, agent, detect.Options{Now: day("2027-03-01")})
		f := res.Findings[0]
		if f.Accepted == nil || f.Accepted.By != "config" || f.Accepted.Reason != "TestThree moved to the suite of #12" || f.Accepted.Where != ".goodhart.yml:2" {
			t.Fatalf("not accepted by the base revision's configuration: %+v", f.Accepted)
		}
		if res.Count(detect.Info) != 0 || res.Summary != (detect.Summary{Accepted: 1}) {
			t.Errorf("an accepted finding counts: %+v", res.Summary)
		}
		res = check(t, repo, tip, agent, detect.Options{Now: day("2027-03-02")})
		if res.Findings[0].Accepted != nil || res.Count(detect.Warning) != 1 {
			t.Errorf("an expired entry still accepts: %+v", res.Findings[0])
		}
		if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, "expired on 2027-03-01") }) {
			t.Errorf("no note of the expired entry: %q", res.Notes)
		}
	})
}

func TestConfigRulesAndExclude(t *testing.T) {
	h, _, agent, _ := acceptRepo(t)
	for _, tt := range []struct {
		config string
		want   string // the finding's severity, "" for none
	}{
		{"rules:\n  deleted-test: {severity: info}\n", "info"},
		{"rules:\n  deleted-test: {disabled: true}\n", ""},
		{"exclude: [\"calc/**\"]\n", ""},
		{"exclude: [\"other\"]\n", "warning"}, // the rule's own level: nothing shows TestThree's subject untested
	} {
		tip := configOnMain(h, tt.config)
		h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
			res := check(t, repo, tip, agent, detect.Options{})
			got := ""
			if len(res.Findings) > 0 {
				got = res.Findings[0].Severity.String()
			}
			if got != tt.want {
				t.Errorf("%s: got %q, want %q:\n%s", tt.config, got, tt.want, dump(res))
			}
		})
	}
}

func TestBadBaseConfig(t *testing.T) {
	h, _, agent, _ := acceptRepo(t)
	tip := configOnMain(h, "rules:\n  deleted-test: {severity: warning}\nexlude: [x]\n")
	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		_, err := detect.Check(repo, tip, agent, detect.Options{})
		if err == nil || !strings.Contains(err.Error(), `.goodhart.yml:3: unknown key "exlude"`) {
			t.Errorf("err = %v", err)
		}
	})
}

// The agent writes the entry that would accept its own finding: it has no
// effect, and it is a finding of its own.
func TestConfigInHeadHasNoEffect(t *testing.T) {
	h, main, _, fp := acceptRepo(t)
	h.write(".goodhart.yml", fmt.Sprintf("rules:\n  skipped-test: {severity: info}\naccept:\n  - fingerprint: %q\n    reason: reviewed\nexclude: [calc]\n", fp))
	head := h.commit("Accept it" + agentTrailer)
	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		res := check(t, repo, main, head, detect.Options{})
		var got []string
		for _, f := range res.Findings {
			got = append(got, fmt.Sprintf("%s %s %s %v", f.Rule, f.Severity, f.Symbol, f.Accepted != nil))
		}
		want := []string{
			"added-suppression error rules.skipped-test false",
			"added-suppression error accept:" + fp + " false",
			"added-suppression error exclude:calc false",
			"deleted-test warning TestThree false",
		}
		if !slices.Equal(got, want) {
			t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// A waiver naming a deleted test may stand in any Go file of its package;
// a person's counts, an agent's does not, and one without a reason never.
func TestWaiverForADeletedTest(t *testing.T) {
	h, main, agent, _ := acceptRepo(t)
	waived := calcSrc + "\n//goodhart:allow deleted-test TestThree -- its cases moved to the table of TestTwo\n"
	h.git("checkout", "-q", "-b", "person", agent)
	h.write("calc/calc.go", waived)
	person := h.commit("Waive after review")
	h.git("checkout", "-q", "-b", "robot", agent)
	h.write("calc/calc.go", waived)
	robot := h.commit("Waive" + agentTrailer)
	h.git("checkout", "-q", "-b", "bare", agent)
	h.write("calc/calc.go", calcSrc+"\n//goodhart:allow deleted-test TestThree\n")
	bare := h.commit("Waive without a reason")
	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		res := check(t, repo, main, person, detect.Options{})
		if len(res.Findings) != 1 || res.Findings[0].Accepted == nil || res.Findings[0].Accepted.By != "inline" ||
			res.Findings[0].Accepted.Where != "calc/calc.go:5" {
			t.Errorf("a person's waiver:\n%s", dump(res))
		}
		if res = check(t, repo, main, person, detect.Options{Strict: true}); res.Count(detect.Warning) != 1 {
			t.Errorf("--strict honoured a waiver:\n%s", dump(res))
		}
		res = check(t, repo, main, robot, detect.Options{})
		sup := byRule(res, "added-suppression")
		if res.Count(detect.Warning) != 2 || sup == nil || sup.Commit != robot || sup.File != "calc/calc.go" {
			t.Errorf("an agent's waiver:\n%s", dump(res))
		}
		res = check(t, repo, main, bare, detect.Options{})
		if res.Count(detect.Warning) != 1 || !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, "gives no reason") }) {
			t.Errorf("a waiver without a reason:\n%s", dump(res))
		}
	})
}

// scan judges each commit with its parent's .goodhart.yml.
func TestScanReadsTheParentsConfig(t *testing.T) {
	h, _, _, fp := acceptRepo(t)
	h.git("checkout", "-q", "main")
	h.write(".goodhart.yml", fmt.Sprintf("accept:\n  - fingerprint: %q\n    reason: reviewed in #12\n", fp))
	h.commit("Configure goodhart")
	h.write("calc/calc_test.go", calcTests("One", "Two"))
	drop := h.commit("Drop TestThree" + agentTrailer)
	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		c, err := repo.Commit(drop)
		if err != nil {
			t.Fatal(err)
		}
		res, err := detect.CheckCommit(repo, c, "claude-code", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 1 || res.Findings[0].Accepted == nil || res.Findings[0].Fingerprint != fp || res.Summary.Accepted != 1 {
			t.Errorf("scan ignored the parent's configuration:\n%s", dump(res))
		}
	})
}

// A waiver base had, moved by the agent onto its own shortcut, is a new
// waiver: it stood on other code, which a person reviewed.
func TestWaiverMovedByTheAgent(t *testing.T) {
	h := newHistRepo(t)
	h.write("go.mod", "module example.com/calc\n")
	h.write("calc/calc.go", calcSrc)
	waiver := "\t//goodhart:allow skipped-test -- needs the integration database\n"
	tests := calcTests("One", "Two")
	h.write("calc/calc_test.go", strings.Replace(tests, "func TestTwo(t *testing.T) {\n", "func TestTwo(t *testing.T) {\n"+waiver+"\tt.Skip(\"integration\")\n", 1))
	main := h.commit("start")
	h.write("calc/calc_test.go", strings.Replace(tests, "func TestOne(t *testing.T) {\n", "func TestOne(t *testing.T) {\n"+waiver+"\tt.Skip(\"flaky\")\n", 1))
	head := h.commit("Skip the flaky one" + agentTrailer)
	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		res := check(t, repo, main, head, detect.Options{})
		skip, sup := byRule(res, "skipped-test"), byRule(res, "added-suppression")
		if skip == nil || skip.Accepted != nil || sup == nil || sup.Severity != detect.Error || sup.Commit != head {
			t.Errorf("the moved waiver was honoured or not reported:\n%s", dump(res))
		}
	})
}
