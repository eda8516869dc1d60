package gitutil

// OwnChanges lists the changes commit c made itself, against its first
// parent. For a merge that is only the files whose version in the merge
// differs from every parent's version: a file the merge took unchanged from
// one of its parents (main's edits brought into a branch, a branch's edits
// brought into main) was changed by the commits of that parent's line, not
// by the merge. What remains is the merge's own work: its conflict
// resolutions and the edits made while merging. No merge is redone: the
// trees are compared, which both backends do alike. A root commit is
// compared with the empty tree.
//
// A rename is judged by its two paths: the new path is the merge's if its
// version there differs from every parent's, the old one if some parent
// still has it there; when only one side is the merge's, only that half
// (an addition or a deletion) is kept.
func OwnChanges(r Repo, c Commit) ([]Change, error) {
	first := ""
	if len(c.Parents) > 0 {
		first = c.Parents[0]
	}
	changes, err := r.Changes(first, c.Hash)
	if err != nil || len(c.Parents) < 2 || len(changes) == 0 {
		return changes, err
	}
	var others []map[string]bool // per other parent: paths whose version here is not that parent's
	for _, p := range c.Parents[1:] {
		diff, err := r.Changes(p, c.Hash)
		if err != nil {
			return nil, err
		}
		differs := map[string]bool{}
		for _, ch := range diff {
			if ch.From != nil {
				differs[ch.From.Path] = true
			}
			if ch.To != nil {
				differs[ch.To.Path] = true
			}
		}
		others = append(others, differs)
	}
	own := func(path string) bool {
		for _, differs := range others {
			if !differs[path] {
				return false
			}
		}
		return true
	}
	var kept []Change
	for _, ch := range changes {
		to := ch.To != nil && own(ch.To.Path)
		from := ch.From != nil && (ch.To != nil && ch.From.Path == ch.To.Path && to || own(ch.From.Path))
		switch {
		case (ch.From == nil || from) && (ch.To == nil || to):
			kept = append(kept, ch)
		case to:
			kept = append(kept, Change{To: ch.To})
		case from:
			kept = append(kept, Change{From: ch.From})
		}
	}
	return kept, nil
}
