package detect_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/detect"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// longRange writes, with git fast-import, a repository whose first agent
// commit deletes a test and whose n-1 later agent commits each edit a file
// of another package: the shape of a long agent branch with the shortcut
// buried at its start. It returns the repository, the base, the first
// commit of the range and its head.
func longRange(b *testing.B, n int) (dir, base, first, head string) {
	b.Helper()
	dir = b.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		b.Fatalf("git init: %v\n%s", err, out)
	}
	var s bytes.Buffer
	blob := func(path, text string) {
		fmt.Fprintf(&s, "M 100644 inline %s\ndata %d\n%s\n", path, len(text), text)
	}
	commit := func(mark int, who, msg string) {
		fmt.Fprintf(&s, "commit refs/heads/main\nmark :%d\nauthor %s 1700000000 +0000\ncommitter %s 1700000000 +0000\ndata %d\n%s\n", mark, who, who, len(msg), msg)
		if mark > 1 {
			fmt.Fprintf(&s, "from :%d\n", mark-1)
		}
	}
	const person, agent = "Pat <pat@example.com>", "Claude <noreply@anthropic.com>"
	calc := "package calc\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n\n// Sub subtracts.\nfunc Sub(a, b int) int { return a - b }\n"
	tests := "package calc\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(2, 3) != 5 {\n\t\tt.Fatal(\"Add\")\n\t}\n}\n"
	commit(1, person, "base")
	blob("go.mod", "module example.com/long\n\ngo 1.22\n")
	blob("calc/calc.go", calc)
	blob("calc/calc_test.go", tests+"\nfunc TestSub(t *testing.T) {\n\tif Sub(5, 3) != 2 {\n\t\tt.Fatal(\"Sub\")\n\t}\n}\n")
	blob("notes/notes.go", "package notes\n\n// N counts edits.\nconst N = 0\n")
	commit(2, agent, "drop a test\n\nCo-authored-by: Claude <noreply@anthropic.com>")
	blob("calc/calc_test.go", tests)
	for i := 3; i <= n+1; i++ {
		commit(i, agent, fmt.Sprintf("edit %d\n\nCo-authored-by: Claude <noreply@anthropic.com>", i))
		blob("notes/notes.go", fmt.Sprintf("package notes\n\n// N counts edits.\nconst N = %d\n", i))
	}
	s.WriteString("done\n")
	cmd := exec.Command("git", "-C", dir, "fast-import", "--quiet", "--done")
	cmd.Stdin = &s
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("git fast-import: %v\n%s", err, out)
	}
	rev := func(r string) string {
		out, err := exec.Command("git", "-C", dir, "rev-parse", r).Output()
		if err != nil {
			b.Fatalf("rev-parse %s: %v", r, err)
		}
		return strings.TrimSpace(string(out))
	}
	return dir, rev(fmt.Sprintf("main~%d", n)), rev(fmt.Sprintf("main~%d", n-1)), rev("main")
}

// BenchmarkLongRange checks branches of 500 to 5,000 agent commits whose
// shortcut is in the first commit: attribution must stay linear in the
// range (it follows the finding's folders, stepping over the commits that
// left them alone), and it must still name the first commit.
func BenchmarkLongRange(b *testing.B) {
	for _, n := range []int{500, 2000, 5000} {
		b.Run(fmt.Sprintf("commits=%d", n), func(b *testing.B) {
			dir, base, first, head := longRange(b, n)
			repo, err := gitutil.Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := detect.Check(repo, base, head, detect.Options{})
				if err != nil {
					b.Fatal(err)
				}
				found := false
				for _, f := range res.Findings {
					if f.Rule == "deleted-test" && f.Symbol == "TestSub" {
						found = true
						if f.Commit != first {
							b.Fatalf("TestSub's deletion placed on %s, want the first commit %s", f.Commit, first)
						}
					}
				}
				if !found {
					b.Fatalf("TestSub's deletion not reported: %+v", res.Findings)
				}
			}
		})
	}
}
