package model

import (
	"sort"
	"strconv"
	"strings"
)

// UsesAsPart lists the test inputs that a literal of the code is made of,
// when no test uses the literal whole: the file name of a path the tests hand
// over ("orders.csv" of "testdata/orders.csv"), or the pieces of a key the
// code composes from several inputs of one test ("espresso/2" from
// "espresso" and 2, looked up with fmt.Sprintf("%s/%d", product, qty)).
// Only inputs of tests that reach fn count.
func (x *PkgXref) UsesAsPart(value, fn string) []*TestLit {
	s, err := strconv.Unquote(value)
	if err != nil || len(s) < 3 {
		return nil
	}
	input := func(l *TestLit) bool {
		return (l.role == RoleInput || l.role == roleUnknown) && x.reaches(l.Owner, fn)
	}
	// A file name of a path the tests use.
	if strings.Contains(s, ".") && !strings.ContainsAny(s, `/\`) {
		var out []*TestLit
		for k, ls := range x.lits {
			ks, err := strconv.Unquote(k)
			if err != nil || !strings.HasPrefix(k, `"`) || !(strings.HasSuffix(ks, "/"+s) || strings.HasSuffix(ks, `\`+s)) {
				continue
			}
			for _, l := range ls {
				if input(l) {
					out = append(out, l)
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	// A key composed of several inputs of one test, joined by separators.
	byOwner := map[string][]*TestLit{}
	for k, ls := range x.lits {
		part := k
		if strings.HasPrefix(k, `"`) {
			ks, err := strconv.Unquote(k)
			if err != nil || len(ks) < 2 {
				continue
			}
			part = ks
		} else if _, err := strconv.ParseFloat(k, 64); err != nil {
			continue
		}
		if part == s || !strings.Contains(s, part) {
			continue
		}
		for _, l := range ls {
			if input(l) {
				byOwner[l.Owner] = append(byOwner[l.Owner], l)
			}
		}
	}
	owners := make([]string, 0, len(byOwner))
	for o := range byOwner {
		owners = append(owners, o)
	}
	sort.Strings(owners)
	for _, o := range owners {
		if parts := composedOf(s, byOwner[o]); len(parts) >= 2 {
			return parts
		}
	}
	return nil
}

// composedOf reports which of the literals, longest first, make up s with
// only separators (punctuation, spaces) left over; nil unless at least one
// of them is a string.
func composedOf(s string, ls []*TestLit) []*TestLit {
	sort.SliceStable(ls, func(i, j int) bool { return len(ls[i].Value) > len(ls[j].Value) })
	rest := s
	var used []*TestLit
	seen := map[string]bool{}
	str := false
	for _, l := range ls {
		part := l.Value
		if strings.HasPrefix(part, `"`) {
			part, _ = strconv.Unquote(part)
		}
		if seen[part] || !strings.Contains(rest, part) {
			continue
		}
		seen[part] = true
		rest = strings.Replace(rest, part, "\x00", 1)
		used = append(used, l)
		str = str || strings.HasPrefix(l.Value, `"`)
	}
	for _, r := range rest {
		if r == 0 {
			continue
		}
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 {
			return nil // text that is no input of the test
		}
	}
	if !str {
		return nil
	}
	return used
}
