package patch

import (
	"fmt"
	"strings"
	"testing"

	"github.com/goodhart-dev/goodhart/gitutil"
)

// memRepo serves one file of one commit, all Apply reads.
type memRepo struct {
	gitutil.Repo
	path string
	data []byte
}

func (m memRepo) ListDir(commit, dir string) ([]gitutil.File, error) {
	return []gitutil.File{{Path: m.path, Blob: "b", Mode: 0o100644}}, nil
}

func (m memRepo) Blob(string) ([]byte, error) { return m.data, nil }

// bigDiff is a file of n lines and a diff that changes every 20th line,
// one hunk each, with three lines of context.
func bigDiff(n int) (file []byte, diff []byte) {
	var f, d strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&f, "line %d of the file\n", i)
	}
	d.WriteString("diff --git a/big.go b/big.go\n--- a/big.go\n+++ b/big.go\n")
	for c := 10; c+3 <= n; c += 20 {
		fmt.Fprintf(&d, "@@ -%d,7 +%d,7 @@\n", c-3, c-3)
		for i := c - 3; i < c; i++ {
			fmt.Fprintf(&d, " line %d of the file\n", i)
		}
		fmt.Fprintf(&d, "-line %d of the file\n+line %d changed\n", c, c)
		for i := c + 1; i <= c+3; i++ {
			fmt.Fprintf(&d, " line %d of the file\n", i)
		}
	}
	return []byte(f.String()), []byte(d.String())
}

// BenchmarkApply applies 1,000 and 5,000 hunks to files of 20,000 and
// 100,000 lines: the cost per hunk stays flat.
func BenchmarkApply(b *testing.B) {
	for _, n := range []int{20000, 100000} {
		file, d := bigDiff(n)
		r := memRepo{path: "big.go", data: file}
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(d)))
			for b.Loop() {
				res, err := Apply(r, "base", d)
				if err != nil || len(res.Edits) != 1 {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestBigDiffApplies(t *testing.T) {
	file, d := bigDiff(2000)
	res, err := Apply(memRepo{path: "big.go", data: file}, "base", d)
	if err != nil {
		t.Fatal(err)
	}
	got := string(res.Edits[0].Data)
	if strings.Count(got, "changed\n") != 100 || strings.Count(got, "\n") != 2000 || !strings.Contains(got, "line 1990 changed\n") {
		t.Errorf("applied: %d changed lines, %d lines", strings.Count(got, "changed\n"), strings.Count(got, "\n"))
	}
}
