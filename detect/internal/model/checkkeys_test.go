package model

import (
	"slices"
	"testing"

	"github.com/goodhart-dev/goodhart/fixtures"
	"github.com/goodhart-dev/goodhart/gitutil"
)

const checkKeysScenario = `A test checks through a helper; commit 1 changes other code of the
package, commit 2 the helper's check.

-- base/go.mod --
module example.com/p

go 1.22
-- base/p/p.go --
package p

func One() int { return 1 }
-- base/p/helpers_test.go --
package p

import "testing"

func check(t *testing.T, v int) {
	if v != 1 {
		t.Fatalf("got %d", v)
	}
}
-- base/p/p_test.go --
package p

import "testing"

func TestOne(t *testing.T) { check(t, One()) }
-- commit1/META --
author: Ada <ada@example.com>

More code
-- commit1/p/p.go --
package p

func One() int { return 1 }

func Two() int { return 2 }
-- commit2/META --
author: Ada <ada@example.com>

The helper checks for two
-- commit2/p/helpers_test.go --
package p

import "testing"

func check(t *testing.T, v int) {
	if v != 2 {
		t.Fatalf("got %d", v)
	}
}
-- want --
`

// checkKeys gives the keys a fresh walk gives, keeps them across analyses
// while the folders the walk read are the same, and walks again when one
// of them changed.
func TestCheckKeysFollowTheHelpersFolder(t *testing.T) {
	s, err := fixtures.Parse("checkkeys", []byte(checkKeysScenario))
	if err != nil {
		t.Fatal(err)
	}
	built, repo := openScenario(t, s)
	pass := func(head string) (*Pass, *TestFunc) {
		t.Helper()
		a := loadedPass(t, repo, built.Base, head)
		for _, tf := range a.Head.PkgTests("p") {
			if tf.Name == "TestOne" {
				return a, tf
			}
		}
		t.Fatal("TestOne not found")
		return nil, nil
	}
	fresh := func(head string) []string {
		a, tf := pass(head)
		cs, _ := checksOf(CollectSites(a.Head, tf))
		return siteKeys(cs)
	}
	c1, c2 := built.Commits[0], built.Commits[1]
	want1, want2 := fresh(c1), fresh(c2)
	if len(want1) != 1 || slices.Equal(want1, want2) {
		t.Fatalf("keys at commit 1 %q, at commit 2 %q: want one check, changed by the helper", want1, want2)
	}
	a, tf := pass(c1)
	if got := a.checkKeys(a.Head, tf); !slices.Equal(got, want1) {
		t.Errorf("commit 1: checkKeys = %q, want %q", got, want1)
	}
	a, tf = pass(c1)
	if got := a.checkKeys(a.Head, tf); !slices.Equal(got, want1) || a.checks[tf] != nil {
		t.Errorf("commit 1 again: checkKeys = %q (walked: %v), want %q from what was kept", got, a.checks[tf] != nil, want1)
	}
	a, tf = pass(c2)
	if got := a.checkKeys(a.Head, tf); !slices.Equal(got, want2) || a.checks[tf] == nil {
		t.Errorf("commit 2: checkKeys = %q (walked: %v), want %q from a new walk", got, a.checks[tf] != nil, want2)
	}
}

// openScenario writes a scenario as a git repository and opens it; the
// repository is closed when the test ends.
func openScenario(t *testing.T, s *fixtures.Scenario) (*fixtures.Built, gitutil.Repo) {
	t.Helper()
	built, err := s.Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	repo, err := gitutil.Open(built.Dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	return built, repo
}

// loadedPass is a Pass over base..head with the changed files loaded, as
// an analysis starts, for tests that ask the model directly.
func loadedPass(t *testing.T, repo gitutil.Repo, base, head string) *Pass {
	t.Helper()
	changes, err := repo.Changes(base, head)
	if err != nil {
		t.Fatal(err)
	}
	ld := NewLoader(repo)
	a := &Pass{Loader: ld, Base: newSnapshot(ld, base), Head: newSnapshot(ld, head), renamed: map[string]string{}, Deleted: map[string]bool{}}
	if err := a.loadChanged(changes, base, head, false); err != nil {
		t.Fatal(err)
	}
	return a
}
