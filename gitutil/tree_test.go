package gitutil

import (
	"slices"
	"testing"
)

func TestListTree(t *testing.T) { eachBackend(t, testListTree) }

func testListTree(t *testing.T) {
	tr := newTestRepo(t)
	tr.write("top.go", "package top\n")
	tr.write("dir/a.go", "package dir\n")
	tr.write("dir/sub/c_test.go", "package sub\n")
	tr.write("dir/sub/deep/d.go", "package deep\n")
	tr.write("other/e.go", "package other\n")
	head := tr.commit("files")
	r := openRepo(t, tr.dir)

	for _, c := range []struct {
		dir  string
		max  int
		want []string
		more bool
	}{
		{"dir", 10, []string{"dir/a.go", "dir/sub/c_test.go", "dir/sub/deep/d.go"}, false},
		{"./dir/sub", 10, []string{"dir/sub/c_test.go", "dir/sub/deep/d.go"}, false},
		{"", 10, []string{"dir/a.go", "dir/sub/c_test.go", "dir/sub/deep/d.go", "other/e.go", "top.go"}, false},
		{"dir", 2, []string{"dir/a.go", "dir/sub/c_test.go"}, true},
		{"missing", 10, nil, false},
		{"top.go", 10, nil, false},
	} {
		files, more, err := ListTree(r, head, c.dir, c.max)
		if err != nil {
			t.Errorf("ListTree(%q): %v", c.dir, err)
			continue
		}
		var got []string
		for _, f := range files {
			got = append(got, f.Path)
		}
		if !slices.Equal(got, c.want) || more != c.more {
			t.Errorf("ListTree(%q, %d) = %v, more %v; want %v, more %v", c.dir, c.max, got, more, c.want, c.more)
		}
	}
}
