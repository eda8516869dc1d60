package model

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// checkKeys parses a test file, collects the checks of its test TestX, and
// returns their canonical keys in order.
func checkKeys(t *testing.T, src string) []string {
	t.Helper()
	f := parseFile("x/x_test.go", []byte(src))
	if f.Err != nil {
		t.Fatalf("parse: %v", f.Err)
	}
	snap := newSnapshot(nil, "")
	snap.dirs["x"] = &pkgInfo{Files: []*SrcFile{f}, declared: map[string]bool{}, uses: map[string]int{}}
	for _, tf := range indexFile(f) {
		if tf.Name != "TestX" {
			continue
		}
		var keys []string
		for _, s := range CollectSites(snap, tf) {
			if s.Kind == SiteFail || s.Kind == SiteAssert {
				keys = append(keys, s.key)
			}
		}
		return keys
	}
	t.Fatal("no TestX")
	return nil
}

func TestAssertionKeys(t *testing.T) {
	for _, tc := range []struct {
		name    string
		imports string
		body    string
		want    []string
	}{
		{"stdlib", `"testing"`, `if got != want { t.Errorf("x") }`, []string{"ne(got,want)"}},
		{"stdlib error", `"testing"`, `if err != nil { t.Fatal(err) }`, []string{"ne(err,nil)"}},
		{"stdlib not", `"testing"`, `if !ok { t.Fatal() }`, []string{"not(ok)"}},
		{"deep equal", `"reflect"; "testing"`, `if !reflect.DeepEqual(got, want) { t.Fatal() }`, []string{"ne(got,want)"}},
		{"proto equal", `"testing"; "google.golang.org/protobuf/proto"`, `if !proto.Equal(got, want) { t.Fatal() }`, []string{"ne(got,want)"}},
		{"cmp diff", `"testing"; "github.com/google/go-cmp/cmp"`, `if d := cmp.Diff(want, got); d != "" { t.Error(d) }`, []string{"ne(got,want)"}},
		{"errors.Is", `"errors"; "testing"`, `if !errors.Is(err, ErrX) { t.Fatal() }`, []string{"not(is(err,ErrX))"}},
		{"tolerance", `"math"; "testing"`, `if math.Abs(got-want) > 1e-9 { t.Fatal() }`, []string{"absdiff(got,want)"}},
		{"testify", `"testing"; "github.com/stretchr/testify/assert"`, `assert.Equal(t, want, got, "msg")`, []string{"ne(got,want)"}},
		{"require alias", `"testing"; req "github.com/stretchr/testify/require"`, `req.NoError(t, err)`, []string{"ne(err,nil)"}},
		{"testify bool", `"testing"; "github.com/stretchr/testify/assert"`, `assert.Equal(t, false, ok); assert.False(t, ok)`, []string{"ok", "ok"}},
		{"testify object", `"testing"; "github.com/stretchr/testify/assert"`, `a := assert.New(t); a.Len(xs, 3)`, []string{"ne(3,len(xs))"}},
		{"gomega", `"testing"; . "github.com/onsi/gomega"`, `g := NewWithT(t); g.Expect(got).To(Equal(want)); g.Expect(err).NotTo(HaveOccurred())`, []string{"ne(got,want)", "ne(err,nil)"}},
		{"quicktest", `"testing"; qt "github.com/frankban/quicktest"`, `c := qt.New(t); c.Assert(got, qt.Equals, want); qt.Assert(t, qt.IsNil(err))`, []string{"ne(got,want)", "ne(err,nil)"}},
		{"is", `"testing"; "github.com/matryer/is"`, `is := is.New(t); is.Equal(got, want); is.NoErr(err)`, []string{"ne(got,want)", "ne(err,nil)"}},
		{"gotest.tools", `"testing"; "gotest.tools/v3/assert"`, `assert.Equal(t, got, want); assert.NilError(t, err)`, []string{"ne(got,want)", "ne(err,nil)"}},
		{"gocheck", `"testing"; . "gopkg.in/check.v1"`, `var c *C; _ = c`, nil},
		{"unknown helper", `"testing"; "example.com/testutil"`, `testutil.AssertJSON(t, got, "{}")`, []string{"call:testutil.AssertJSON(got,\"{}\")"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imports := strings.ReplaceAll(tc.imports, "; ", "\n\t")
			src := "package x\n\nimport (\n\t" + imports + "\n)\n\nfunc TestX(t *testing.T) {\n\t" + tc.body + "\n}\n"
			if diff := cmp.Diff(tc.want, checkKeys(t, src)); diff != "" {
				t.Errorf("keys (-want +got):\n%s\nsource:\n%s", diff, src)
			}
		})
	}
}

// A check moved into a helper reads in the test's own terms.
func TestAssertionKeysThroughHelper(t *testing.T) {
	src := `package x

import "testing"

func check(t *testing.T, a, b int) {
	t.Helper()
	if a != b {
		t.Fatalf("%d != %d", a, b)
	}
}

func TestX(t *testing.T) {
	check(t, Parse("1"), 1)
}
`
	if diff := cmp.Diff([]string{"ne(1,Parse(\"1\"))"}, checkKeys(t, src)); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}

// A gocheck suite method's c.Assert(got, Equals, want).
func TestAssertionKeysGocheck(t *testing.T) {
	src := `package x

import (
	"testing"

	. "gopkg.in/check.v1"
)

type S struct{}

func (s *S) TestX(c *C) {
	c.Assert(got, Equals, want)
	c.Check(err, IsNil)
}
`
	f := parseFile("x/x_test.go", []byte(src))
	snap := newSnapshot(nil, "")
	snap.dirs["x"] = &pkgInfo{Files: []*SrcFile{f}, declared: map[string]bool{}, uses: map[string]int{}}
	var keys []string
	for _, tf := range indexFile(f) {
		for _, s := range CollectSites(snap, tf) {
			keys = append(keys, s.key)
		}
	}
	if diff := cmp.Diff([]string{"ne(got,want)", "ne(err,nil)"}, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}
