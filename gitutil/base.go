package gitutil

import "errors"

// BaseCandidates are the refs DefaultBase tries, in order.
var BaseCandidates = []string{"origin/HEAD", "origin/main", "origin/master", "main", "master"}

// DefaultBase picks the ref a change is compared against when none is given:
// the first of BaseCandidates that resolves. It returns *HeadIsBaseError when
// that ref is head itself, and ErrNoBase when none resolves.
func DefaultBase(r Repo, head string) (ref string, hash string, err error) {
	headHash, err := r.Resolve(head)
	if err != nil {
		return "", "", err
	}
	for _, ref := range BaseCandidates {
		h, err := r.Resolve(ref)
		var unknown *UnknownRevisionError
		if errors.As(err, &unknown) {
			continue
		}
		if err != nil {
			return "", "", err
		}
		if h == headHash {
			return "", "", &HeadIsBaseError{Ref: ref}
		}
		return ref, h, nil
	}
	return "", "", ErrNoBase
}

// BranchStart returns where the branch holding base left the default
// branch: the merge base of base and the first of BaseCandidates that
// resolves. It returns "" when base is on the default branch (an ancestor
// of it), when none resolves, or when they share no history.
func BranchStart(r Repo, base string) string {
	for _, ref := range BaseCandidates {
		h, err := r.Resolve(ref)
		if err != nil {
			continue
		}
		mb, err := r.MergeBase(base, h)
		if err != nil || mb == "" || mb == base {
			return ""
		}
		return mb
	}
	return ""
}
