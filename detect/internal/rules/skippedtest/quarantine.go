package skippedtest

import (
	"go/ast"
	"regexp"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// issueRef finds a tracked issue in a skip's message: an issue or pull
// request URL, owner/repo#123, #123, or a tracker key such as ARO-1234.
var issueRef = regexp.MustCompile(`https?://\S+/(?:issues|pull|browse)/\S+|\b[\w.-]+/[\w.-]+#\d+|(?:^|\s|\()#\d{2,}\b|\b[A-Z][A-Z0-9]+-\d+\b`)

// quarantined recognises a flaky test set aside the way a team does it: the
// skip links an issue, and a new test of the same file, named after it,
// checks the same code deterministically. It returns the issue and the new
// test's name, or "" when that is not the case.
func (a *pass) quarantined(m *model.Match, s *model.Site) (issue, replacement string) {
	call, ok := s.At.(*ast.CallExpr)
	if !ok || len(s.Via) > 0 {
		return "", ""
	}
	msg := model.StringArg(call, 0)
	issue = strings.TrimSpace(issueRef.FindString(msg))
	if issue == "" {
		return "", ""
	}
	stem := model.ShortName(m.Base.Name)
	for _, ht := range a.Head.Tests {
		if ht.File != m.Head.File || !ht.IsTest() || ht.Kind == model.KindSubtest || ht == m.Head {
			continue
		}
		if len(a.Base.ByKey[ht.Key()]) > 0 {
			continue // not new
		}
		if n := model.ShortName(ht.Name); n != stem && strings.HasPrefix(n, stem) {
			return issue, ht.Name
		}
	}
	return "", ""
}
