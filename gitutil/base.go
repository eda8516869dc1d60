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
