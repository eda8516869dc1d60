package finding

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// FingerprintVersion names the recipe of Fingerprint; SARIF carries the
// value under this key as a partial fingerprint. A later change of the
// recipe takes a new version instead of colliding with the old values.
const FingerprintVersion = "goodhartFinding/v2"

// Fingerprints sets each finding's Fingerprint from what it is — its rule,
// file, symbol and the code of its excerpt, whitespace folded — never from
// where it is or how its message reads: line numbers, commits and messages
// are left out, so that a fingerprint survives unrelated edits above the
// finding, rebases and reworded messages. Findings that would share one are
// told apart by a number, in line order.
func Fingerprints(fs []Finding) {
	order := make([]int, len(fs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(lineOf(&fs[a]), lineOf(&fs[b]))
	})
	seen := map[string]int{}
	for _, i := range order {
		h := fingerprintHash(&fs[i])
		seen[h]++
		fs[i].Fingerprint = h + ":" + strconv.Itoa(seen[h])
	}
}

func fingerprintHash(f *Finding) string {
	parts := []string{f.Rule, cmp.Or(f.File, f.OldFile), f.Symbol}
	for _, l := range f.Excerpt {
		parts = append(parts, strings.Join(strings.Fields(l), " "))
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:16])
}

func lineOf(f *Finding) int {
	if f.File == "" {
		return f.OldLine
	}
	return f.Line
}
