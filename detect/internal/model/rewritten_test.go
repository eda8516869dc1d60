package model

import (
	"testing"

	"github.com/goodhart-dev/goodhart/fixtures"
)

// A deleted test whose longest literals tie in length, one of which a new
// test holds: RewrittenAs must name that test every time, whatever order
// the deleted test's literals are read in.
const rewrittenTieScenario = `Two literals of the same length; the new test has one.

-- base/go.mod --
module example.com/p

go 1.22
-- base/p/p.go --
package p

// Route picks the rule for a path.
func Route(path string) string { return path }
-- base/p/p_test.go --
package p

import "testing"

func TestRouteOld(t *testing.T) {
	if got := Route("/alpha/one"); got != "/alpha/one" {
		t.Fatal(got)
	}
	if got := Route("/omega/two"); got != "/omega/two" {
		t.Fatal(got)
	}
	if got := Route("/beta/x"); got != "/beta/x" {
		t.Fatal(got)
	}
}
-- commit1/p/p_test.go --
package p

import "testing"

func TestRouteNew(t *testing.T) {
	for _, path := range []string{"/alpha/one", "/beta/x"} {
		if got := Route(path); got != path {
			t.Fatal(got)
		}
	}
}
-- want --
`

func TestRewrittenAsTiesAreStable(t *testing.T) {
	s, err := fixtures.Parse("rewritten-tie", []byte(rewrittenTieScenario))
	if err != nil {
		t.Fatal(err)
	}
	built, repo := openScenario(t, s)
	a := loadedPass(t, repo, built.Base, built.Head)
	var bt *TestFunc
	for _, tf := range a.Base.Tests {
		if tf.Name == "TestRouteOld" {
			bt = tf
		}
	}
	if bt == nil {
		t.Fatal("TestRouteOld not found in base")
	}
	for i := 0; i < 50; i++ {
		if got := a.RewrittenAs(bt); got != "TestRouteNew" {
			t.Fatalf("call %d: RewrittenAs = %q, want TestRouteNew", i, got)
		}
	}
}
