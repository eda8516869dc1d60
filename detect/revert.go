package detect

import (
	"fmt"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// reverts judges revert commits as the change they take back. A commit
// that undoes an earlier one file for file (gitutil.Reverted), production
// code with its tests, removes what that commit added, as a whole: a test
// or a table row it deletes goes with the code it tested, and the revert is
// reviewed as a decision about that change. Its findings are info. A
// revert of tests alone (a regression test taken back while the bug stays)
// keeps its findings.
type reverts struct {
	repo gitutil.Repo
	seen map[string]*gitutil.Commit // commit → the commit it takes back, nil if none
}

func newReverts(repo gitutil.Repo) *reverts {
	return &reverts{repo: repo, seen: map[string]*gitutil.Commit{}}
}

// of returns the commit c takes back with its code, or nil.
func (rv *reverts) of(c gitutil.Commit) (*gitutil.Commit, error) {
	if x, ok := rv.seen[c.Hash]; ok {
		return x, nil
	}
	rv.seen[c.Hash] = nil
	x, ok, err := gitutil.Reverted(rv.repo, c)
	if err != nil || !ok {
		return nil, err
	}
	changes, err := rv.repo.Changes(c.Parents[0], c.Hash)
	if err != nil {
		return nil, err
	}
	for _, ch := range changes {
		if p := ch.Path(); strings.HasSuffix(p, ".go") && !model.IsTestFile(p) {
			rv.seen[c.Hash] = &x
			return &x, nil
		}
	}
	return nil, nil
}

// judge lowers a finding of c, a revert of code with its tests, to info and
// says why.
func (rv *reverts) judge(f *finding.Finding, c gitutil.Commit) error {
	x, err := rv.of(c)
	if err != nil || x == nil {
		return err
	}
	f.Severity = finding.Info
	f.Message += fmt.Sprintf(" Commit %s reverts %s (%q) file for file, code and tests together: "+
		"what it removes, %s had added, and it goes with the code it tested.",
		model.Short(c.Hash), model.Short(x.Hash), x.Subject(), model.Short(x.Hash))
	return nil
}
