package gitutil

import (
	"bytes"
	"sort"
	"strings"
)

const (
	// minRenameScore is git's default rename threshold (-M50%).
	minRenameScore = 0.5
	// maxRenamePairs bounds the content comparisons, like git's
	// diff.renameLimit: past it only exact renames are found.
	maxRenamePairs = 100 * 100
)

// blobFunc reads a blob by its hex object name.
type blobFunc func(hash string) ([]byte, error)

// findRenames joins deleted and added Go files that are renames: first those
// with identical contents, then those whose contents are similar enough.
// Both backends use it, so that they pair files alike.
func findRenames(changes []Change, blob blobFunc) ([]Change, error) {
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path() < changes[j].Path() })
	var dels, adds []int
	for i, c := range changes {
		switch {
		case c.To == nil && strings.HasSuffix(c.From.Path, ".go"):
			dels = append(dels, i)
		case c.From == nil && strings.HasSuffix(c.To.Path, ".go"):
			adds = append(adds, i)
		}
	}
	if len(dels) == 0 || len(adds) == 0 {
		return changes, nil
	}
	pairs := exactRenames(changes, dels, adds)
	dels, adds = unpaired(dels, pairs, true), unpaired(adds, pairs, false)
	similar, err := similarRenames(changes, dels, adds, blob)
	if err != nil {
		return nil, err
	}
	pairs = append(pairs, similar...)
	return joinPairs(changes, pairs), nil
}

type renamePair struct {
	del, add int // indexes into changes
	score    float64
}

func exactRenames(changes []Change, dels, adds []int) []renamePair {
	byBlob := map[string][]int{}
	for _, d := range dels {
		b := changes[d].From.Blob
		byBlob[b] = append(byBlob[b], d)
	}
	var pairs []renamePair
	for _, a := range adds {
		b := changes[a].To.Blob
		if ds := byBlob[b]; len(ds) > 0 {
			pairs = append(pairs, renamePair{del: ds[0], add: a, score: 1})
			byBlob[b] = ds[1:]
		}
	}
	return pairs
}

func unpaired(idx []int, pairs []renamePair, del bool) []int {
	used := map[int]bool{}
	for _, p := range pairs {
		if del {
			used[p.del] = true
		} else {
			used[p.add] = true
		}
	}
	var out []int
	for _, i := range idx {
		if !used[i] {
			out = append(out, i)
		}
	}
	return out
}

// similarRenames scores every deleted×added pair and keeps the best pairs
// first, each file used once, as git does.
func similarRenames(changes []Change, dels, adds []int, blob blobFunc) ([]renamePair, error) {
	if len(dels) == 0 || len(adds) == 0 || len(dels)*len(adds) > maxRenamePairs {
		return nil, nil
	}
	prints := map[int]fingerprint{}
	for _, i := range append(append([]int{}, dels...), adds...) {
		f := changes[i].To
		if f == nil {
			f = changes[i].From
		}
		data, err := blob(f.Blob)
		if err != nil {
			return nil, err
		}
		prints[i] = newFingerprint(data)
	}
	var cands []renamePair
	for _, d := range dels {
		for _, a := range adds {
			if s := similarity(prints[d], prints[a]); s >= minRenameScore {
				cands = append(cands, renamePair{del: d, add: a, score: s})
			}
		}
	}
	// Stable: equal scores keep path order.
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	used := map[int]bool{}
	var pairs []renamePair
	for _, c := range cands {
		if !used[c.del] && !used[c.add] {
			used[c.del], used[c.add] = true, true
			pairs = append(pairs, c)
		}
	}
	return pairs, nil
}

// fingerprint is a file's multiset of lines, each weighted by its length in
// bytes (newline included), close to git's diffcore-delta measure.
type fingerprint struct {
	lines map[string]int
	size  int
}

func newFingerprint(data []byte) fingerprint {
	fp := fingerprint{lines: map[string]int{}, size: len(data)}
	for len(data) > 0 {
		n := bytes.IndexByte(data, '\n') + 1
		if n == 0 {
			n = len(data)
		}
		fp.lines[string(data[:n])] += n
		data = data[n:]
	}
	return fp
}

// similarity is the share of bytes the two files have in common, relative
// to the larger one.
func similarity(a, b fingerprint) float64 {
	larger, smaller := max(a.size, b.size), min(a.size, b.size)
	if smaller == 0 || float64(smaller)/float64(larger) < minRenameScore {
		return 0 // cannot reach the threshold; skip the count
	}
	if len(a.lines) > len(b.lines) {
		a, b = b, a
	}
	common := 0
	for line, n := range a.lines {
		common += min(n, b.lines[line])
	}
	return float64(common) / float64(larger)
}

func joinPairs(changes []Change, pairs []renamePair) []Change {
	gone := map[int]bool{}
	out := make([]Change, 0, len(changes)-len(pairs))
	for _, p := range pairs {
		gone[p.del], gone[p.add] = true, true
		out = append(out, Change{From: changes[p.del].From, To: changes[p.add].To})
	}
	for i, c := range changes {
		if !gone[i] {
			out = append(out, c)
		}
	}
	return out
}
