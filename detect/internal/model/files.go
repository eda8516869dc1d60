package model

import (
	"regexp"

	"github.com/goodhart-dev/goodhart/gitutil"
)

// ListFiles lists the regular files directly inside dir ("." for the root)
// at the snapshot's revision, changed or not. Rules that judge files other
// than Go (workflows, Makefiles, scripts) find the unchanged ones with it.
func (s *Snapshot) ListFiles(dir string) []gitutil.File { return s.ld.list(s.Rev, dir) }

// HasTestFiles reports whether the folder holds a _test.go file on this side.
func (s *Snapshot) HasTestFiles(dir string) bool {
	for _, f := range s.ListFiles(dir) {
		if IsTestFile(f.Path) {
			return true
		}
	}
	return false
}

// ReadFile reads a file of the snapshot's revision, changed or not. ok is
// false when the file is missing, unreadable or larger than MaxFileSize.
// Callers must not modify what it returns.
func (s *Snapshot) ReadFile(p string) (src []byte, ok bool) {
	for _, f := range s.ld.list(s.Rev, DirOf(p)) {
		if f.Path != p {
			continue
		}
		b, err := s.ld.raw(f.Blob)
		if err != nil || len(b) > MaxFileSize {
			return nil, false
		}
		return b, true
	}
	return nil, false
}

// testFuncRE finds the top-level tests a test file declares.
var testFuncRE = regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]*)\(`)

// TestNamesUnder lists the top-level tests (func TestX) of the _test.go
// files in dir, and with tree in every folder below it, reading at most
// limit files; ok is false when the tree could not be listed whole.
func (s *Snapshot) TestNamesUnder(dir string, tree bool, limit int) (names []string, ok bool) {
	var files []gitutil.File
	if tree {
		var more bool
		var err error
		if files, more, err = gitutil.ListTree(s.ld.repo, s.Rev, dir, limit); err != nil || more {
			return nil, false
		}
	} else {
		files = s.ListFiles(dir)
	}
	for _, f := range files {
		if !IsTestFile(f.Path) || IgnoredDir(f.Path) {
			continue
		}
		src, err := s.ld.raw(f.Blob)
		if err != nil {
			return nil, false
		}
		for _, m := range testFuncRE.FindAllSubmatch(src, -1) {
			names = append(names, string(m[1]))
		}
	}
	return names, true
}
