package disabledtest

import (
	"fmt"
	"path"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// checkNestedModules flags a go.mod added in a folder of a module that had
// none: the folder becomes a module of its own, and `go test ./...` run at
// the enclosing module's root no longer reaches its tests, though they are
// all still there and still pass where someone runs them by hand.
//
// It sees the tests of the folder itself (not of its subfolders). A go.work
// of head that uses the folder keeps it in ./... (info); a CI file the
// change edits that names the folder may run it on its own (warning).
func (a *pass) checkNestedModules() {
	for _, c := range a.Changes {
		if c.To == nil || path.Base(c.To.Path) != "go.mod" {
			continue
		}
		dir := model.DirOf(c.To.Path)
		if dir == "." {
			continue
		}
		if _, had := a.Base.ReadFile(c.To.Path); had {
			continue // the folder was a module of its own in base already
		}
		outer := enclosingModule(a.Base, dir)
		if outer == "" {
			continue // not part of a module in base: go test ./... never reached it
		}
		var names []string
		for _, t := range a.Base.PkgTests(dir) {
			if t.Runs() && t.Parent == nil && t.Kind != model.KindMain {
				names = append(names, t.Name)
			}
		}
		if len(names) == 0 {
			continue
		}
		sev, why := finding.Error, ""
		switch {
		case workspaceUses(a.Head, dir):
			sev, why = finding.Info, " The go.work of head uses "+dir+", so go test ./... run in the workspace still reaches it."
		case a.ciNames(dir) != "":
			sev, why = finding.Warning, " The change also edits "+a.ciNames(dir)+", which names "+dir+": check that it runs that module's tests."
		}
		a.Report(finding.Finding{
			Rule: ID, Severity: sev, File: c.To.Path, Line: 1, Pkg: dir,
			Message: fmt.Sprintf("A new %s makes %s a module of its own: go test ./... at the root of %s no longer reaches its %d test(s) (%s), and reports success without them.%s Check why the package was taken out of its module; if its tests were failing, the failure is the thing to fix.",
				c.To.Path, dir, outer, len(names), model.ListNames(names, 6), why),
		})
	}
}

// enclosingModule names the go.mod of base that a folder belonged to, or "".
func enclosingModule(snap *model.Snapshot, dir string) string {
	for d := model.DirOf(dir); ; d = model.DirOf(d) {
		p := "go.mod"
		if d != "." {
			p = d + "/go.mod"
		}
		if _, ok := snap.ReadFile(p); ok {
			return p
		}
		if d == "." {
			return ""
		}
	}
}

// workspaceUses reports whether the root go.work of the snapshot has a use
// directive for dir.
func workspaceUses(snap *model.Snapshot, dir string) bool {
	src, ok := snap.ReadFile("go.work")
	if !ok {
		return false
	}
	for _, f := range strings.Fields(strings.NewReplacer("(", " ", ")", " ", "\"", " ").Replace(string(src))) {
		if path.Clean(f) == dir {
			return true
		}
	}
	return false
}

// ciNames returns a CI file (workflow, Makefile, script) the change edits
// whose head text names dir, or "".
func (a *pass) ciNames(dir string) string {
	for _, c := range a.Changes {
		if c.To == nil {
			continue
		}
		p := c.To.Path
		b := path.Base(p)
		if !strings.HasPrefix(p, ".github/workflows/") && b != "Makefile" && !strings.HasSuffix(b, ".mk") && !strings.HasSuffix(b, ".sh") && b != "Taskfile.yml" && b != "magefile.go" {
			continue
		}
		if src, ok := a.Head.ReadFile(p); ok && strings.Contains(string(src), dir) {
			return p
		}
	}
	return ""
}
