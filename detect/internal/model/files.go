package model

import "github.com/goodhart-dev/goodhart/gitutil"

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
