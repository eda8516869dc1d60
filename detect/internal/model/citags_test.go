package model

import (
	"maps"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/fixtures"
)

func TestCITags(t *testing.T) {
	files := map[string]string{
		"Makefile": "test-unit:\n\tgo test -v -tags unit ./...\nlint:\n\tgo vet -tags lintonly ./...\n" +
			"e2e:\n\tgo test -tags=e2e,slow ./e2e/...\nvar:\n\tgo test -tags $(TAGS) ./...\n",
		".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: gotestsum -- --tags \"cloud db\" ./...\n" +
			"      - run: go build -tags release ./cmd/app\n",
		"scripts/test.sh": "#!/bin/sh\ngo test -tags 'fuzz' ./...\n",
		"docs/notes.md":   "go test -tags docsonly ./...\n",
	}
	var b strings.Builder
	b.WriteString("CI files giving go test build tags.\n\n-- base/go.mod --\nmodule example.com/m\n\ngo 1.22\n")
	for p, src := range files {
		b.WriteString("-- base/" + p + " --\n" + src)
	}
	b.WriteString("-- want --\n")
	sc, err := fixtures.Parse("citags", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	built, repo := openScenario(t, sc)
	s := newSnapshot(NewLoader(repo), built.Base)
	want := map[string]string{"unit": "Makefile", "e2e": "Makefile", "slow": "Makefile", "cloud": ".github/workflows/ci.yml",
		"db": ".github/workflows/ci.yml", "fuzz": "scripts/test.sh"}
	if got := s.CITags(); !maps.Equal(got, want) {
		t.Errorf("CITags = %v, want %v", got, want)
	}
}
