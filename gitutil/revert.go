package gitutil

import (
	"regexp"
	"strings"
)

// revertSearch bounds how far back along first parents Reverted looks for
// the commit a revert names only by its subject.
const revertSearch = 1000

var revertsCommit = regexp.MustCompile(`(?m)^This reverts commit ([0-9a-f]{7,64})\b`)

// Reverted finds the commit that c reverts and reports whether c undoes it
// file for file: every file c changed is, in c, exactly as it was before
// that commit (in its first parent), and that commit changed it. A partial
// revert (some of the commit's files) counts; a revert that had to merge
// with later edits of the same files does not, nor does a commit that only
// says it is a revert.
//
// The reverted commit is the one `git revert` names ("This reverts commit
// SHA."), or else, for a subject `Revert "TITLE"` as GitHub writes it, the
// nearest first-parent ancestor whose subject is TITLE (or starts with it,
// when GitHub cut it with "…"), or a merge whose message's first line after
// the subject is TITLE (a pull request merged with a merge commit).
func Reverted(r Repo, c Commit) (Commit, bool, error) {
	if len(c.Parents) != 1 {
		return Commit{}, false, nil
	}
	var x Commit
	if m := revertsCommit.FindStringSubmatch(c.Message); m != nil {
		h, err := r.Resolve(m[1])
		if err != nil {
			return Commit{}, false, nil // not in this clone: nothing to compare
		}
		if x, err = r.Commit(h); err != nil {
			return Commit{}, false, err
		}
	} else if title, ok := revertTitle(c.Subject()); ok {
		found, err := findTitled(r, c.Parents[0], title)
		if err != nil || found == nil {
			return Commit{}, false, err
		}
		x = *found
	} else {
		return Commit{}, false, nil
	}
	if len(x.Parents) == 0 {
		return Commit{}, false, nil
	}
	ok, err := undoes(r, c, x)
	return x, ok, err
}

// revertTitle reads TITLE from a subject `Revert "TITLE"` (anything may
// follow the closing quote, such as GitHub's " (#123)").
func revertTitle(subject string) (string, bool) {
	rest, ok := strings.CutPrefix(subject, `Revert "`)
	i := strings.LastIndex(rest, `"`)
	if !ok || i <= 0 {
		return "", false
	}
	return rest[:i], true
}

// findTitled walks first parents from start for the commit titled title.
func findTitled(r Repo, start, title string) (*Commit, error) {
	cut := strings.TrimSuffix(strings.TrimSuffix(title, "…"), "...")
	matches := func(line string) bool {
		line = strings.TrimSpace(line)
		return line == title || cut != title && cut != "" && strings.HasPrefix(line, cut)
	}
	h := start
	for range revertSearch {
		c, err := r.Commit(h)
		if err != nil {
			return nil, nil // the history ends here (a shallow clone): not found
		}
		if matches(c.Subject()) {
			return &c, nil
		}
		if len(c.Parents) > 1 {
			_, body, _ := strings.Cut(strings.TrimLeft(c.Message, "\n"), "\n")
			if line, _, _ := strings.Cut(strings.TrimLeft(body, "\n"), "\n"); matches(line) {
				return &c, nil
			}
		}
		if len(c.Parents) == 0 {
			return nil, nil
		}
		h = c.Parents[0]
	}
	return nil, nil
}

// undoes reports whether every file c changed is, in c, as it was in x's
// first parent, and x changed it.
func undoes(r Repo, c, x Commit) (bool, error) {
	before := map[string]string{} // path → its blob before x ("" absent), for the paths x changed
	xs, err := r.Changes(x.Parents[0], x.Hash)
	if err != nil {
		return false, err
	}
	for _, ch := range xs {
		if ch.To != nil && (ch.From == nil || ch.From.Path != ch.To.Path) {
			before[ch.To.Path] = ""
		}
	}
	for _, ch := range xs {
		if ch.From != nil {
			before[ch.From.Path] = ch.From.Blob
		}
	}
	cs, err := r.Changes(c.Parents[0], c.Hash)
	if err != nil || len(cs) == 0 {
		return false, err
	}
	for _, ch := range cs {
		if ch.To != nil {
			if blob, ok := before[ch.To.Path]; !ok || blob != ch.To.Blob {
				return false, nil
			}
		}
		if ch.From != nil && (ch.To == nil || ch.From.Path != ch.To.Path) {
			if blob, ok := before[ch.From.Path]; !ok || blob != "" {
				return false, nil
			}
		}
	}
	return true, nil
}
