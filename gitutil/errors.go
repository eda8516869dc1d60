package gitutil

import (
	"errors"
	"fmt"
)

// ShallowError reports that a walk needed a commit that a shallow clone does
// not have.
type ShallowError struct {
	Missing string // hash of the commit that is not in the clone
}

func (e *ShallowError) Error() string {
	return fmt.Sprintf("history is shallow: commit %s is not in this clone; "+
		"fetch more history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)", e.Missing)
}

// NotRepoError reports that a folder is not inside a git repository.
type NotRepoError struct {
	Dir string
}

func (e *NotRepoError) Error() string { return e.Dir + " is not a git repository" }

// UnknownRevisionError reports a revision that names no commit.
type UnknownRevisionError struct {
	Rev string
}

func (e *UnknownRevisionError) Error() string { return fmt.Sprintf("unknown revision %q", e.Rev) }

// HeadIsBaseError reports that the default base is the commit under review
// itself, so there is nothing to compare.
type HeadIsBaseError struct {
	Ref string // the default base ref, e.g. "origin/main"
}

func (e *HeadIsBaseError) Error() string {
	return "HEAD is " + e.Ref + " itself: nothing to compare; " +
		"pass --base REV (the branch or commit the change started from)"
}

// ErrNoBase is returned by DefaultBase when none of the usual base refs exist.
var ErrNoBase = errors.New("none of origin/HEAD, origin/main, origin/master, main, master exist: " +
	"pass --base REV (the branch or commit the change started from)")
