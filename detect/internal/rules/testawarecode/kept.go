package testawarecode

// What the rule keeps of a package's unchanged files between analyses: of
// a file the range did not change, newProbes needs only each probe's
// function and what it asks, kept by the file's version.

import (
	"go/ast"
	"sort"

	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/internal/lru"
)

// pkgProbes is collectProbesWith, not permissive, over a package's non-test files as
// NonTestEntries lists them: the changed files are read in full, and of an
// unchanged file only what newProbes matches on (each probe's function and
// what it asks) is needed, which keptProbes holds by version. A scan's
// commits and a check's replays then parse a large package's unchanged
// files once, not at every commit.
func pkgProbes(entries []model.PkgEntry, x *model.PkgXref, envSet func(string) *model.TestLit) []*probe {
	var out []*probe
	sorted := append([]model.PkgEntry(nil), entries...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	for _, e := range sorted {
		if model.IsTestFile(e.Path) || model.IgnoredDir(e.Path) {
			continue
		}
		if e.File != nil {
			out = append(out, fileProbes(e.File, x, envSet, false)...)
			continue
		}
		key := e.Blob + "\x00" + e.Path
		ks, ok := keptProbes.Get(key)
		if !ok {
			f := e.Load()
			if f == nil {
				continue // unreadable: left out, as NonTestFiles leaves it
			}
			ks = keepProbes(f)
			keptProbes.Put(key, ks, keptSize(ks)+len(key))
		}
		for _, p := range resolveKept(ks, x, envSet) {
			p.path = e.Path
			out = append(out, p)
		}
	}
	return out
}

// keptItem is an item of an unchanged file as keptProbes holds it: what
// newProbes matches on, without the syntax.
type keptItem struct {
	symbol     string
	sig        string // a probe's
	env        bool   // or a read of the environment: lit, ident, instead
	lit, ident string
	instead    []keptItem
}

// keptProbes holds, by version (blob and path), what an unchanged non-test
// file holds of probes, across the analyses of a process.
var keptProbes = lru.New[[]keptItem](4 << 20)

func keepProbes(f *model.SrcFile) []keptItem {
	pr := newProber(f, nil, nil, false)
	if pr == nil {
		return []keptItem{}
	}
	var out []keptItem
	pr.decls(func(_, body ast.Node, symbol string) {
		out = append(out, keep(pr.scan(body), symbol)...)
	})
	if out == nil {
		out = []keptItem{}
	}
	return out
}

func keep(items []item, symbol string) []keptItem {
	var out []keptItem
	for _, it := range items {
		if it.env != nil {
			out = append(out, keptItem{symbol: symbol, env: true, lit: it.env.lit, ident: it.env.ident, instead: keep(it.env.instead, symbol)})
		} else {
			out = append(out, keptItem{symbol: symbol, sig: it.p.sig})
		}
	}
	return out
}

func keptSize(ks []keptItem) int {
	n := 64
	for _, k := range ks {
		n += 96 + len(k.symbol) + len(k.sig) + len(k.lit) + len(k.ident) + keptSize(k.instead)
	}
	return n
}

// resolveKept is resolve for what was kept of an unchanged file: probes
// that carry their function and what they ask, and no file.
func resolveKept(ks []keptItem, x *model.PkgXref, envSet func(string) *model.TestLit) []*probe {
	var out []*probe
	for _, k := range ks {
		if !k.env {
			out = append(out, &probe{sig: k.sig, symbol: k.symbol})
			continue
		}
		if p := envProbe(envName(k.lit, k.ident, x, false), "", envSet); p != nil {
			p.symbol = k.symbol
			out = append(out, p)
			continue
		}
		out = append(out, resolveKept(k.instead, x, envSet)...)
	}
	return out
}
