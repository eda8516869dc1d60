package model

import (
	"hash/fnv"
	"slices"
	"testing"
)

// The compact fingerprint holds the tokens scanTokens gives for the
// normalised body, in order, and hashes them as one string each.
func TestFingerprintKeepsTheBodysTokens(t *testing.T) {
	src := "package p\n\nimport (\n\t\"testing\"\n\n\t\"github.com/stretchr/testify/require\"\n)\n\n" +
		"func TestParse(t *testing.T) {\n\tcases := []struct{ in string; want int }{{\"a\", 1}, {`b`, 0x2}}\n" +
		"\tfor _, c := range cases {\n\t\tgot, err := Parse(c.in) // the call\n\t\trequire.NoError(t, err)\n" +
		"\t\tif got != c.want {\n\t\t\tt.Errorf(\"Parse(%q) = %d\", c.in, got)\n\t\t}\n\t}\n" +
		"\tt.Run(\"empty\", func(t *testing.T) { _ = 'x' + 1.5i })\n}\n\nfunc TestEmpty(t *testing.T) {}\n"
	tests := indexFile(parseFile("p/p_test.go", []byte(src)))
	if len(tests) < 2 {
		t.Fatalf("indexed %d tests, want at least 2", len(tests))
	}
	for _, tf := range tests {
		want := scanTokens(normalizedBody(tf), map[string]string{tf.Param: "$t", ShortName(tf.Name): "$name"})
		fp := makeFingerprint(tf)
		var got []string
		for i := range fp.tokenCount() {
			got = append(got, fp.token(i))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: tokens\n%q\nwant\n%q", tf.Name, got, want)
		}
		h := fnv.New64a()
		for _, tok := range want {
			h.Write([]byte(tok))
			h.Write([]byte{0})
		}
		if fp.Hash != h.Sum64() {
			t.Errorf("%s: hash %x, want %x", tf.Name, fp.Hash, h.Sum64())
		}
		if tf.Name == "TestParse" && (len(want) < 20 || !slices.Contains(want, "$t") || !slices.Contains(want, "fail")) {
			t.Errorf("%s: tokens %q lack the body's renamed parameter or its normalised message", tf.Name, want)
		}
	}
}
