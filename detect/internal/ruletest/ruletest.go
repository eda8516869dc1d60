// Package ruletest runs fixture scenarios through goodhart, the way
// analysistest runs an analyzer on its testdata: each rule's package tests
// its own folder of fixtures/, and the detect package runs them all.
package ruletest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/fixtures"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// Scenarios returns the scenarios of fixtures/<folder>, or every scenario
// when folder is "". A folder without scenarios fails the test.
func Scenarios(t *testing.T, folder string) []*fixtures.Scenario {
	t.Helper()
	all, err := fixtures.All()
	if err != nil {
		t.Fatal(err)
	}
	var out []*fixtures.Scenario
	for _, s := range all {
		if folder == "" || strings.HasPrefix(s.Name, folder+"/") {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no scenarios in fixtures/%s", folder)
	}
	return out
}

// Run checks every scenario of fixtures/<folder> ("" for all): on each git
// backend goodhart must report exactly the findings of its want section,
// and parsing every changed file whole (no prefilter) must change nothing.
func Run(t *testing.T, folder string) {
	for _, s := range Scenarios(t, folder) {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			Expect(t, s)
		})
	}
}

// Expect checks one scenario as Run does.
func Expect(t *testing.T, s *fixtures.Scenario) {
	t.Helper()
	var want []string
	for _, w := range s.Want {
		want = append(want, w.String())
	}
	var exhaustive []string
	var whole []string // each backend's whole result
	for _, backend := range []string{"git", "go-git"} {
		built, repo := Build(t, s, backend)
		res, err := detect.Check(repo, built.Base, built.Head, detect.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range res.Findings {
			got = append(got, WantLine(f, built))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: findings differ (-want +got):\n%s\nfull findings:\n%s", backend, diff, Dump(res))
		}
		CheckShape(t, res)
		whole = append(whole, FullResult(t, res, built))
		if backend == "git" {
			full, err := detect.Check(repo, built.Base, built.Head, detect.Options{Exhaustive: true})
			if err != nil {
				t.Fatal(err)
			}
			exhaustive = detailed(full)
			if diff := cmp.Diff(exhaustive, detailed(res)); diff != "" {
				t.Errorf("the prefilter changed the findings (-exhaustive +prefiltered):\n%s", diff)
			}
		}
		if testing.Verbose() {
			t.Logf("%s findings:\n%s", backend, Dump(res))
		}
	}
	if diff := cmp.Diff(whole[0], whole[1]); diff != "" {
		t.Errorf("the git backends' whole results differ (-git +go-git):\n%s", diff)
	}
	if dir := os.Getenv("GOODHART_FIXTURE_DUMP"); dir != "" {
		p := filepath.Join(dir, strings.ReplaceAll(s.Name, "/", "__")+".json")
		if err := os.WriteFile(p, []byte(whole[0]+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FullResult is a check's whole output — findings with their messages,
// lines and attributions, notes, summary — with commits named by their
// place in the scenario, as hashes differ between builds. With
// GOODHART_FIXTURE_DUMP=DIR, Expect writes each scenario's to DIR, so that
// a change meant to make goodhart faster can be shown to leave every
// result as it was (diff -r of two dumps).
func FullResult(t *testing.T, res *detect.Result, b *fixtures.Built) string {
	t.Helper()
	fs := make([]detect.Finding, len(res.Findings))
	for i, f := range res.Findings {
		f.Commit = strconv.Itoa(b.Index(f.Commit))
		fs[i] = f
	}
	out, err := json.MarshalIndent(struct {
		Findings []detect.Finding
		Notes    []string
		Summary  detect.Summary
	}{fs, res.Notes, res.Summary}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// detailed lists findings with their lines and messages, for comparisons
// stricter than a want section.
func detailed(res *detect.Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s %s %s:%d %s %s", f.Rule, f.Severity, f.File, f.Line, f.Symbol, f.Message))
	}
	return out
}

// Build builds a scenario into a repository in a temporary folder and opens
// it with the given backend ("" for gitutil.Open's choice).
func Build(t *testing.T, s *fixtures.Scenario, backend string) (*fixtures.Built, gitutil.Repo) {
	t.Helper()
	built, err := s.Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var repo gitutil.Repo
	if backend == "" {
		repo, err = gitutil.Open(built.Dir)
	} else {
		repo, err = gitutil.OpenBackend(built.Dir, backend)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	return built, repo
}

// WantLine writes a finding the way a scenario's want section does.
func WantLine(f detect.Finding, b *fixtures.Built) string {
	file := f.File
	if file == "" {
		file = f.OldFile
	}
	return fixtures.Want{Rule: f.Rule, Severity: f.Severity.String(), File: file, Symbol: f.Symbol, Commit: b.Index(f.Commit)}.String()
}

// CheckShape holds every finding to the promises of the output schema: a
// message, a place, a commit; and no note of an internal error.
func CheckShape(t *testing.T, res *detect.Result) {
	t.Helper()
	for _, n := range res.Notes {
		if strings.Contains(n, "internal error") {
			t.Errorf("note: %s", n)
		}
	}
	for _, f := range res.Findings {
		if f.Message == "" || f.Commit == "" {
			t.Errorf("finding without message or commit: %+v", f)
		}
		if f.File == "" && f.OldFile == "" {
			t.Errorf("finding without a file: %+v", f)
		}
		if (f.File == "") != (f.Line == 0) || (f.OldFile == "") != (f.OldLine == 0) {
			t.Errorf("file and line must be set together: %+v", f)
		}
	}
}

// Dump writes a result's findings and notes for a failure message.
func Dump(res *detect.Result) string {
	s := ""
	for _, f := range res.Findings {
		s += fmt.Sprintf("  %s %s %s:%d (was %s:%d) %s\n    %s\n", f.Rule, f.Severity, f.File, f.Line, f.OldFile, f.OldLine, f.Symbol, f.Message)
	}
	for _, n := range res.Notes {
		s += "  note: " + n + "\n"
	}
	return s
}
