package detect_test

import (
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// A package replaced by a submodule is not gone: its code lives on in the
// other repository, so the test deleted with it is not "a feature removed
// with its tests" (info); nothing in the range explains the deletion.
func TestPackageReplacedBySubmoduleIsNotGone(t *testing.T) {
	h := calcRepo(t, "One", "Two")
	h.write("app/app.go", "package app\n\n// Name names the app.\nconst Name = \"app\"\n")
	main := h.commit("an app beside calc")

	// The same package, now its own repository, added back as a gitlink.
	sub := newHistRepo(t)
	sub.write("go.mod", "module example.com/calc\n")
	sub.write("calc.go", calcSrc)
	subHead := sub.commit("calc on its own")

	h.git("rm", "-q", "-r", "calc")
	h.git("update-index", "--add", "--cacheinfo", "160000,"+subHead+",calc")
	h.git("commit", "-q", "-m", "calc moves to its own repository"+agentTrailer)
	head := h.git("rev-parse", "HEAD")
	if mode := h.git("ls-tree", head, "--", "calc"); !strings.HasPrefix(mode, "160000 ") {
		t.Fatalf("calc is not a gitlink in head: %q", mode)
	}

	h.eachBackend(func(t *testing.T, repo gitutil.Repo) {
		if !gitutil.IsSubmodule(repo, head, "calc") || gitutil.IsSubmodule(repo, head, "app") || gitutil.IsSubmodule(repo, main, "calc") {
			t.Fatal("IsSubmodule does not tell the gitlink from folders")
		}
		res := check(t, repo, main, head, detect.Options{})
		seen := 0
		for _, f := range res.Findings {
			if f.Rule != "deleted-test" {
				continue
			}
			seen++
			if f.Severity == detect.Info {
				t.Errorf("%s: deleted with a package that moved to a submodule, reported at info:\n%s", f.Symbol, f.Message)
			}
			if strings.Contains(f.Message, "is gone") || strings.Contains(f.Message, "removed too") {
				t.Errorf("%s: the message says the subject is gone:\n%s", f.Symbol, f.Message)
			}
		}
		if seen == 0 {
			t.Fatalf("no deleted-test finding:\n%s", dump(res))
		}
	})
}
