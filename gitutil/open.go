package gitutil

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Open opens the repository that contains dir: any folder of a work tree, of
// a linked worktree, or a bare repository (or a folder inside it). A folder
// outside any repository gives a *NotRepoError.
//
// With a git binary on PATH the Repo drives git's own plumbing (long-lived
// cat-file and diff-tree processes), several times faster than go-git on
// long ranges; without one, or with GOODHART_GIT=go-git, it is go-git, in
// pure Go. GOODHART_GIT=git insists on the git binary. Both answer alike.
//
// The Repo is safe for concurrent use and holds files or processes until
// Close. Beyond the Repo contract, Commits accepts an empty base (all of
// head's history) and Changes an empty from (the empty tree).
func Open(dir string) (Repo, error) {
	return OpenBackend(dir, os.Getenv("GOODHART_GIT"))
}

// OpenBackend is Open with the backend named: "git", "go-git", or "" for
// Open's choice without GOODHART_GIT.
func OpenBackend(dir, backend string) (Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, err
	}
	mode := backend
	switch mode {
	case "", "git":
	case "go-git":
		return openGoGit(abs, dir)
	default:
		return nil, fmt.Errorf("unknown git backend %q (GOODHART_GIT: git or go-git)", backend)
	}
	gitPath, err := exec.LookPath("git")
	if err != nil && mode == "git" {
		return nil, err
	} else if err != nil {
		return openGoGit(abs, dir)
	}
	r, err := openCLI(gitPath, abs)
	if err == nil {
		return r, nil
	}
	var notRepo *NotRepoError
	if errors.As(err, &notRepo) || mode == "git" {
		return nil, err
	}
	// git refused what go-git may read (a repository another user owns,
	// which git's safe.directory guards): fall back.
	return openGoGit(abs, dir)
}

// Backend names the implementation behind r: "git" or "go-git".
func Backend(r Repo) string {
	switch r.(type) {
	case *cliRepo:
		return "git"
	case *gogitRepo:
		return "go-git"
	}
	return ""
}

// IsShallow reports whether r is a shallow clone. It is false for Repo
// implementations that are not from Open.
func IsShallow(r Repo) bool {
	switch r := r.(type) {
	case *gogitRepo:
		return len(r.shallow) > 0
	case *cliRepo:
		return len(r.shallow) > 0
	}
	return false
}
