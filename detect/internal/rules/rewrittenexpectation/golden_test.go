package rewrittenexpectation

import "testing"

// The folder a golden file's message names is the same from run to run:
// the package's own, else the first below it by name.
func TestProducerDirIsStable(t *testing.T) {
	code := map[string]bool{"pkg/cask/templates": true, "pkg/cask": true, "pkg/brew": true, "pkg/cask/zeta": true}
	for _, c := range []struct {
		dir, want string
		ok        bool
	}{
		{"pkg/cask", "pkg/cask", true},
		{"pkg", "pkg/brew", true},
		{".", "pkg/brew", true},
		{"pkg/cask/templates", "pkg/cask/templates", true},
		{"other", "", false},
	} {
		for range 20 { // map order changes between iterations
			if got, ok := producerDir(code, c.dir); got != c.want || ok != c.ok {
				t.Fatalf("producerDir(%q) = %q, %v; want %q, %v", c.dir, got, ok, c.want, c.ok)
			}
		}
	}
}
