package model

import (
	"bytes"

	"github.com/goodhart-dev/goodhart/gitutil"
)

// A range checked commit by commit (a hook on the last commit, a scan of a
// branch's history) can start in the middle of a branch: a test the branch
// added two commits ago and deletes now was never on the default branch,
// and a reviewer of the branch sees neither. The repository knows that:
// where the branch left the default branch, the test is not there.

// BranchStart returns the commit where the range's base left the default
// branch, or "" when base is on it (or no default branch is known).
func (a *Pass) BranchStart() string {
	if a.start != nil {
		return *a.start
	}
	start := ""
	if a.Base.ld != nil && a.Base.ld.repo != nil {
		start = gitutil.BranchStart(a.Base.ld.repo, a.Base.Rev)
	}
	a.start = &start
	return start
}

// AddedOnBranch reports whether the test named name (a top-level test or
// a suite method) was missing from package dir's test files where base's
// branch left the default branch: the branch added it, so against the
// default branch its deletion takes nothing away. It returns that commit,
// or "" when the test was there, base is on the default branch, or a file
// could not be read.
func (a *Pass) AddedOnBranch(dir, name string) string {
	start := a.BranchStart()
	if start == "" {
		return ""
	}
	ld := a.Base.ld
	short := ShortName(name)
	for _, f := range ld.list(start, dir) {
		if !IsTestFile(f.Path) {
			continue
		}
		src, err := ld.raw(f.Blob)
		if err != nil {
			return ""
		}
		if declaresFunc(src, short) {
			return ""
		}
	}
	return start
}

// declaresFunc reports whether Go source declares a function or method
// named name, by its text: "func name(" or ") name(".
func declaresFunc(src []byte, name string) bool {
	for _, pre := range []string{"func " + name + "(", ") " + name + "("} {
		if bytes.Contains(src, []byte(pre)) {
			return true
		}
	}
	return false
}
