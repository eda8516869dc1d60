package gitutil

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// History lists what git rev-list lists, in its order, on both backends:
// from a rev, from every ref, since a date, at most n, without merges.
func TestHistoryMatchesGit(t *testing.T) {
	for _, still := range []bool{false, true} {
		tr := history(t, still)
		tr.git("tag", "-a", "-m", "annotated", "v1", "side~1")
		tr.git("tag", "light", "main~2")
		tr.write("tree-tag.txt", "x\n")
		tr.git("tag", "tree-tag", tr.git("write-tree")) // a tag of a tree: not a commit
		tr.remove("tree-tag.txt")
		since := time.Unix(1700000000+5*60, 0)
		cases := []struct {
			args []string
			opts HistoryOptions
		}{
			{[]string{"HEAD"}, HistoryOptions{}},
			{[]string{"main"}, HistoryOptions{Revs: []string{"main"}}},
			{[]string{"main", "side"}, HistoryOptions{Revs: []string{"main", "side"}}},
			{[]string{"--all"}, HistoryOptions{All: true}},
			{[]string{"--all", "--no-merges"}, HistoryOptions{All: true, NoMerges: true}},
			{[]string{"HEAD", "--max-count=4"}, HistoryOptions{Max: 4}},
			{[]string{"HEAD", "--no-merges", "--max-count=4"}, HistoryOptions{NoMerges: true, Max: 4}},
			{[]string{"--all", "--max-age=" + strconv.FormatInt(since.Unix(), 10)}, HistoryOptions{All: true, Since: since}},
		}
		repos := openBackends(t, tr.dir)
		for _, c := range cases {
			want := append([]string{}, strings.Fields(tr.git(append([]string{"rev-list"}, c.args...)...))...)
			for name, r := range repos {
				got := []string{}
				for cm, err := range History(r, c.opts) {
					if err != nil {
						t.Fatalf("%s: History(%v): %v", name, c.args, err)
					}
					got = append(got, cm.Hash)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: still=%v History(%v) differs from git rev-list (-git +got):\n%s", name, still, c.args, diff)
				}
			}
		}
	}
}

// A reader may stop early; an unknown start is an error.
func TestHistoryStopAndErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T) {
		tr := history(t, false)
		r := openRepo(t, tr.dir)
		n := 0
		for _, err := range History(r, HistoryOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 2 {
				break
			}
		}
		for _, err := range History(r, HistoryOptions{Revs: []string{"nope"}}) {
			if err == nil || err.Error() != `unknown revision "nope"` {
				t.Errorf("History(nope) error = %v", err)
			}
		}
		// Still usable after a walk was left early.
		if _, err := r.Resolve("HEAD"); err != nil {
			t.Error(err)
		}
	})
}

// In a shallow clone the walk ends where the clone does.
func TestHistoryShallow(t *testing.T) {
	eachBackend(t, func(t *testing.T) {
		tr := history(t, false)
		clone := t.TempDir() + "/shallow"
		runGit(t, "", "clone", "-q", "--depth", "3", "-b", "feature", "file://"+tr.dir, clone)
		r := openRepo(t, clone)
		var got []string
		for c, err := range History(r, HistoryOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, c.Hash)
		}
		want := strings.Fields(runGit(t, clone, "rev-list", "HEAD"))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("History in a shallow clone (-git +got):\n%s", diff)
		}
	})
}
