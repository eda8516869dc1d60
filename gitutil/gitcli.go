package gitutil

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goodhart-dev/goodhart/internal/lru"
)

// cliRepo implements Repo over the git command. Objects come from one
// long-lived `git cat-file --batch` and tree differences from one long-lived
// `git diff-tree --stdin`, so that a scan of thousands of commits starts two
// processes, not thousands; revisions, merge bases and ranges ask
// rev-parse, merge-base and rev-list once per call.
//
// In a shallow clone the history walks are goodhart's own (walk.go) over
// cat-file: git treats a shallow commit as a root and would answer from the
// part of history the clone holds, where goodhart must say what is missing.
type cliRepo struct {
	git     string   // path of the git binary
	gitDir  string   // absolute
	env     []string // the environment of every git process
	shallow map[string]bool
	objects *batchPool // cat-file --batch, one process per concurrent reader
	diffs   *batch     // diff-tree --stdin
	blobs   blobCache
	trees   *lru.Cache[string] // commit → its tree, for ListDir
	changes *lru.Cache[[]Change]

	closeOnce sync.Once
}

// openCLI opens the repository that contains abs with the git at gitPath.
func openCLI(gitPath, abs string) (*cliRepo, error) {
	r := &cliRepo{git: gitPath, env: gitEnviron(), blobs: newBlobCache(blobCacheSize), trees: lru.New[string](1 << 20), changes: lru.New[[]Change](changesCacheSize)}
	out, err := r.run(abs, "rev-parse", "--absolute-git-dir")
	var ge *gitError
	if errors.As(err, &ge) && strings.Contains(ge.stderr, "not a git repository") {
		return nil, &NotRepoError{Dir: abs}
	} else if err != nil {
		return nil, err
	}
	r.gitDir = strings.TrimSpace(string(out))
	out, err = r.run(r.gitDir, "--git-dir="+r.gitDir, "rev-parse", "--git-path", "shallow")
	if err != nil {
		return nil, err
	}
	shallow := strings.TrimSpace(string(out))
	if !filepath.IsAbs(shallow) {
		shallow = filepath.Join(r.gitDir, shallow)
	}
	if r.shallow, err = readShallow(shallow); err != nil {
		return nil, err
	}
	r.objects = newBatchPool(runtime.GOMAXPROCS(0), func() *batch {
		return &batch{args: r.args("cat-file", "--batch"), env: r.env, dir: r.gitDir}
	})
	// Plain tree differences: renames are found by findRenames, as in the
	// go-git backend, so that both backends pair files alike.
	r.diffs = &batch{args: r.args("diff-tree", "--stdin", "-r", "-z", "--no-commit-id", "--no-renames"), env: r.env, dir: r.gitDir}
	return r, nil
}

// gitEnviron is this process's environment without what would point git
// at another repository than the one opened, in the C locale (its messages
// are read), and without replace refs, which go-git does not read either.
func gitEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_NAMESPACE", "GIT_PREFIX", "LC_ALL", "LANGUAGE":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C", "LANGUAGE=C", "GIT_NO_REPLACE_OBJECTS=1", "GIT_TERMINAL_PROMPT=0")
}

func readShallow(path string) (map[string]bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading shallow file: %w", err)
	}
	set := map[string]bool{}
	for _, h := range strings.Fields(string(data)) {
		set[h] = true
	}
	return set, nil
}

// args is the command line of a git subcommand in this repository.
func (r *cliRepo) args(sub ...string) []string {
	return append([]string{r.git, "--git-dir=" + r.gitDir}, sub...)
}

// gitError is a git command that failed.
type gitError struct {
	args   []string
	code   int
	stderr string
}

func (e *gitError) Error() string {
	msg := strings.TrimSpace(e.stderr)
	if msg == "" {
		msg = fmt.Sprintf("exit status %d", e.code)
	}
	return fmt.Sprintf("git %s: %s", strings.Join(e.args, " "), firstLine(msg))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// run runs git with args in dir and returns its standard output.
func (r *cliRepo) run(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command(r.git, args...)
	cmd.Dir, cmd.Env = dir, r.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out, &gitError{args: args, code: exit.ExitCode(), stderr: stderr.String()}
	}
	return out, err
}

// gitIn runs a git subcommand in the repository.
func (r *cliRepo) gitIn(args ...string) ([]byte, error) {
	return r.run(r.gitDir, append([]string{"--git-dir=" + r.gitDir}, args...)...)
}

func (r *cliRepo) Close() error {
	var err error
	r.closeOnce.Do(func() {
		err = errors.Join(r.objects.close(), r.diffs.close())
	})
	return err
}

// object reads an object of the given type; a missing one is errNotFound.
func (r *cliRepo) object(name, typ string) ([]byte, error) {
	gotType, data, err := r.objects.readObject(name)
	if err != nil {
		return nil, err
	}
	if gotType != typ {
		return nil, fmt.Errorf("%s is a %s, not a %s", name, gotType, typ)
	}
	return data, nil
}

var errNotFound = errors.New("object not found")

// commit reads and parses a commit, with its tree. A commit missing from a
// shallow clone is a *ShallowError, as in the go-git backend.
func (r *cliRepo) commit(hash string) (Commit, string, error) {
	if !isHex(hash) {
		return Commit{}, "", fmt.Errorf("bad object name %q", hash)
	}
	data, err := r.object(hash, "commit")
	if errors.Is(err, errNotFound) && len(r.shallow) > 0 {
		return Commit{}, "", &ShallowError{Missing: hash}
	}
	if err != nil {
		return Commit{}, "", fmt.Errorf("reading commit %s: %w", hash, err)
	}
	c, tree := parseCommit(hash, data)
	return c, tree, nil
}

// load is the history walks' loadFunc.
func (r *cliRepo) load(hash string) (Commit, error) {
	c, _, err := r.commit(hash)
	return c, err
}

func (r *cliRepo) Commit(hash string) (Commit, error) { return r.load(hash) }

// Blob reads a blob. Callers must not modify what it returns: it may be
// shared with the next caller.
func (r *cliRepo) Blob(hash string) ([]byte, error) {
	if !isHex(hash) {
		return nil, fmt.Errorf("bad object name %q", hash)
	}
	if data, ok := r.blobs.get(hash); ok {
		return data, nil
	}
	data, err := r.object(hash, "blob")
	if err != nil {
		return nil, fmt.Errorf("reading blob %s: %w", hash, err)
	}
	r.blobs.put(hash, data)
	return data, nil
}

// readBlobs reads many blobs in one request to cat-file (see ReadBlobs).
func (r *cliRepo) readBlobs(hashes []string) ([][]byte, []error) {
	out, errs := make([][]byte, len(hashes)), make([]error, len(hashes))
	var ask []string
	var at []int
	for i, h := range hashes {
		switch data, ok := r.blobs.get(h); {
		case !isHex(h):
			errs[i] = fmt.Errorf("bad object name %q", h)
		case ok:
			out[i] = data
		default:
			ask, at = append(ask, h), append(at, i)
		}
	}
	if len(ask) == 0 {
		return out, errs
	}
	types, data, got, err := r.objects.readObjects(ask)
	for k, i := range at {
		switch {
		case err != nil:
			errs[i] = fmt.Errorf("reading blob %s: %w", ask[k], err)
		case got[k] != nil:
			errs[i] = fmt.Errorf("reading blob %s: %w", ask[k], got[k])
		case types[k] != "blob":
			errs[i] = fmt.Errorf("reading blob %s: %s is a %s, not a blob", ask[k], ask[k], types[k])
		default:
			out[i] = data[k]
			r.blobs.put(ask[k], data[k])
		}
	}
	return out, errs
}

func (r *cliRepo) Resolve(rev string) (string, error) {
	name, steps, ok := splitRev(rev)
	if !ok {
		name, steps = rev, nil // forms git knows and we do not walk (HEAD^{/text} …)
	}
	if name == "" || strings.HasPrefix(name, "-") {
		return "", &UnknownRevisionError{Rev: rev}
	}
	out, err := r.gitIn("rev-parse", "--verify", "--quiet", name+"^{commit}")
	if err != nil {
		return "", &UnknownRevisionError{Rev: rev}
	}
	h := strings.TrimSpace(string(out))
	// Walk ~ and ^ ourselves, so that HEAD~3 in a shallow clone names the
	// commit that is missing.
	for _, n := range steps {
		c, err := r.load(h)
		if err != nil {
			return "", err
		}
		if n > len(c.Parents) {
			return "", fmt.Errorf("commit %s has no parent %d", h, n)
		}
		h = c.Parents[n-1]
		if _, err := r.load(h); err != nil {
			return "", err
		}
	}
	return h, nil
}

func (r *cliRepo) MergeBase(a, b string) (string, error) {
	for _, h := range []string{a, b} {
		if _, err := r.load(h); err != nil {
			return "", err
		}
	}
	if len(r.shallow) > 0 {
		return walkMergeBase(r.load, a, b)
	}
	if a == b {
		return a, nil
	}
	out, err := r.gitIn("merge-base", a, b)
	var ge *gitError
	if errors.As(err, &ge) && ge.code == 1 && ge.stderr == "" {
		return "", fmt.Errorf("no merge base: %s and %s have unrelated histories", a, b)
	} else if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func (r *cliRepo) Commits(base, head string) ([]Commit, error) {
	if _, err := r.load(head); err != nil {
		return nil, err
	}
	if base != "" {
		if _, err := r.load(base); err != nil {
			return nil, err
		}
	}
	if len(r.shallow) > 0 {
		return walkCommits(r.load, base, head)
	}
	args := []string{"rev-list", "--reverse", "--topo-order", head}
	if base != "" {
		args = append(args, "^"+base)
	}
	out, err := r.gitIn(args...)
	if err != nil {
		return nil, err
	}
	hashes := strings.Fields(string(out))
	commits := make([]Commit, 0, len(hashes))
	for _, h := range hashes {
		c, err := r.load(h)
		if err != nil {
			return nil, err
		}
		commits = append(commits, c)
	}
	return commits, nil
}

// Changes compares the trees of two commits with diff-tree, then pairs
// renamed Go files as the go-git backend does. An empty from compares with
// the empty tree. Recent comparisons are kept (changesCacheSize); each
// caller gets its own list.
func (r *cliRepo) Changes(from, to string) ([]Change, error) {
	key := from + ".." + to
	if changes, ok := r.changes.Get(key); ok {
		return slices.Clone(changes), nil
	}
	changes, err := r.changesOf(from, to)
	if err == nil {
		r.changes.Put(key, slices.Clone(changes), changesSize(changes))
	}
	return changes, err
}

// changesCacheSize bounds the comparisons Changes keeps. A check's
// attribution compares the range's base with the same commits again for
// each finding it places, and a range that adds a tree of documentation
// makes every comparison list thousands of files.
const changesCacheSize = 32 << 20

// changesSize estimates what a list of changes holds.
func changesSize(changes []Change) int {
	n := 64
	for _, c := range changes {
		n += 32
		for _, f := range []*File{c.From, c.To} {
			if f != nil {
				n += 96 + len(f.Path) + len(f.Blob)
			}
		}
	}
	return n
}

func (r *cliRepo) changesOf(from, to string) ([]Change, error) {
	if _, _, err := r.commit(to); err != nil {
		return nil, err
	}
	var changes []Change
	var err error
	if from == "" {
		changes, err = r.allFiles(to)
	} else {
		// diff-tree --stdin skips an object it cannot read with a word on
		// its standard error only: make sure both are there first.
		if _, _, err := r.commit(from); err != nil {
			return nil, err
		}
		changes, err = r.diffs.diffTree(to, from)
	}
	if err != nil {
		return nil, err
	}
	changes, err = findRenames(changes, r.Blob)
	if err != nil {
		return nil, err
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path() < changes[j].Path() })
	return changes, nil
}

// allFiles lists every file of a commit as added.
func (r *cliRepo) allFiles(commit string) ([]Change, error) {
	out, err := r.gitIn("ls-tree", "-r", "-z", commit)
	if err != nil {
		return nil, err
	}
	var changes []Change
	for _, f := range lsTreeFiles(out, -1) {
		changes = append(changes, Change{To: &f})
	}
	return changes, nil
}

// lsTreeFiles reads the regular files of git ls-tree -z output, at most
// max of them (max < 0: all).
func lsTreeFiles(out []byte, max int) []File {
	var files []File
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, p, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 {
			continue
		}
		if file := cliFile(p, f[0], f[2]); file != nil {
			if len(files) == max {
				break
			}
			files = append(files, *file)
		}
	}
	return files
}

// cliFile is the File of a tree entry, or nil when the entry is not a
// regular file (a symlink, a submodule, nothing).
func cliFile(p, mode, blob string) *File {
	m, err := strconv.ParseUint(mode, 8, 32)
	if err != nil {
		return nil
	}
	switch m {
	case 0o100644, 0o100755, 0o100664:
		return &File{Path: p, Blob: blob, Mode: uint32(m)}
	}
	return nil
}

func (r *cliRepo) ListDir(commit, dir string) ([]File, error) {
	tree, err := r.treeOf(commit)
	if err != nil {
		return nil, err
	}
	dir = cleanDir(dir)
	if dir != "" {
		if strings.ContainsAny(dir, "\n") {
			return r.listDirSlow(commit, dir) // cat-file reads names a line each
		}
		typ, data, err := r.objects.readObject(tree + ":" + dir)
		if errors.Is(err, errNotFound) || err == nil && typ != "tree" {
			return nil, nil // missing, or not a folder
		}
		if err != nil {
			return nil, err
		}
		return parseTree(dir, data, len(tree)/2)
	}
	data, err := r.object(tree, "tree")
	if err != nil {
		return nil, fmt.Errorf("reading tree of %s: %w", commit, err)
	}
	return parseTree(dir, data, len(tree)/2)
}

// treeOf returns the tree of a commit: an analysis lists the folders of
// the same two commits many times.
func (r *cliRepo) treeOf(commit string) (string, error) {
	if tree, ok := r.trees.Get(commit); ok {
		return tree, nil
	}
	_, tree, err := r.commit(commit)
	if err != nil {
		return "", err
	}
	r.trees.Put(commit, tree, len(commit)+len(tree)+64)
	return tree, nil
}

// listDirSlow is ListDir through ls-tree, for folder names cat-file cannot
// be given.
func (r *cliRepo) listDirSlow(commit, dir string) ([]File, error) {
	out, err := r.gitIn("ls-tree", "-z", commit, "--", dir+"/")
	if err != nil {
		return nil, err
	}
	return lsTreeFiles(out, -1), nil
}

// parseTree reads the regular files of a raw tree object: entries of
// "<octal mode> <name>\0" and the binary object name.
func parseTree(dir string, data []byte, hashLen int) ([]File, error) {
	var files []File
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		nul := bytes.IndexByte(data, 0)
		if sp < 0 || nul < sp || nul+1+hashLen > len(data) {
			return nil, fmt.Errorf("malformed tree in %q", dir)
		}
		mode, name := string(data[:sp]), string(data[sp+1:nul])
		hash := fmt.Sprintf("%x", data[nul+1:nul+1+hashLen])
		if f := cliFile(joinPath(dir, name), mode, hash); f != nil {
			files = append(files, *f)
		}
		data = data[nul+1+hashLen:]
	}
	return files, nil
}

// parseCommit reads a raw commit object; it returns the commit and its tree.
func parseCommit(hash string, data []byte) (Commit, string) {
	c := Commit{Hash: hash}
	var tree string
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(line) == 0 {
			break // the message follows
		}
		key, value, _ := bytes.Cut(line, []byte{' '})
		switch string(key) { // continuation lines start with a space: key ""
		case "tree":
			tree = string(value)
		case "parent":
			c.Parents = append(c.Parents, string(value))
		case "author":
			c.Author = parseSignature(value)
		case "committer":
			c.Committer = parseSignature(value)
		}
	}
	c.Message = string(data)
	return c, tree
}

// parseSignature reads "Name <email> 1700000000 +0100" as go-git does.
func parseSignature(b []byte) Signature {
	open, end := bytes.LastIndexByte(b, '<'), bytes.LastIndexByte(b, '>')
	if open < 0 || end < open {
		return Signature{}
	}
	s := Signature{Name: string(bytes.Trim(b[:open], " ")), Email: string(b[open+1 : end])}
	if end+2 >= len(b) {
		return s
	}
	ts, tz, _ := strings.Cut(string(b[end+2:]), " ")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return s
	}
	s.When = time.Unix(sec, 0).In(time.UTC)
	if len(tz) < 5 {
		return s
	}
	hours, err1 := strconv.ParseInt(tz[0:3], 10, 64)
	mins, err2 := strconv.ParseInt(tz[3:5], 10, 64)
	if err1 != nil || err2 != nil {
		return s
	}
	if hours < 0 || tz[0] == '-' {
		mins = -mins
	}
	s.When = s.When.In(time.FixedZone("", int(hours*3600+mins*60)))
	return s
}

// batch is one long-lived git process that answers requests on its
// standard input, one at a time.
type batch struct {
	args []string
	env  []string
	dir  string

	mu     sync.Mutex
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr *tailBuffer
	broken error // once a request fails half-way, the stream is lost
}

// start runs the process on first use: many Repos are opened for one look.
func (b *batch) start() error {
	if b.broken != nil {
		return b.broken
	}
	if b.cmd != nil {
		return nil
	}
	cmd := exec.Command(b.args[0], b.args[1:]...)
	cmd.Dir, cmd.Env = b.dir, b.env
	b.stderr = &tailBuffer{}
	cmd.Stderr = b.stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	b.cmd, b.in, b.out = cmd, in, bufio.NewReaderSize(out, 64<<10)
	return nil
}

// fail marks the stream lost and says why, with what git said.
func (b *batch) fail(err error) error {
	if msg := strings.TrimSpace(b.stderr.String()); msg != "" {
		err = fmt.Errorf("%w (git: %s)", err, firstLine(msg))
	}
	b.broken = fmt.Errorf("git %s: %w", b.args[2], err)
	return b.broken
}

func (b *batch) close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd == nil {
		b.broken = errors.New("repository closed") // and never to start
		return nil
	}
	b.in.Close()
	err := b.cmd.Wait()
	b.cmd = nil
	b.broken = errors.New("repository closed")
	return err
}

// readObject asks cat-file --batch for an object: its type and contents.
func (b *batch) readObject(name string) (string, []byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.start(); err != nil {
		return "", nil, err
	}
	if _, err := io.WriteString(b.in, name+"\n"); err != nil {
		return "", nil, b.fail(err)
	}
	return b.answer()
}

// maxPipelined bounds the names written to cat-file before its answers are
// read: they must fit in the pipe, or writing them could wait on git while
// git waits for its answers to be read.
const maxPipelined = 512

// readObjects asks for many objects in one request, so that git answers
// them one after another without waiting on goodhart in between. A missing
// object is errNotFound in errs; another error fails them all.
func (b *batch) readObjects(names []string) (types []string, data [][]byte, errs []error, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.start(); err != nil {
		return nil, nil, nil, err
	}
	types, data, errs = make([]string, len(names)), make([][]byte, len(names)), make([]error, len(names))
	for lo := 0; lo < len(names); lo += maxPipelined {
		hi := min(lo+maxPipelined, len(names))
		var req strings.Builder
		for _, name := range names[lo:hi] {
			req.WriteString(name + "\n")
		}
		if _, err := io.WriteString(b.in, req.String()); err != nil {
			return nil, nil, nil, b.fail(err)
		}
		for i := lo; i < hi; i++ {
			types[i], data[i], errs[i] = b.answer()
			if errs[i] != nil && !errors.Is(errs[i], errNotFound) {
				return nil, nil, nil, errs[i]
			}
		}
	}
	return types, data, errs, nil
}

// answer reads cat-file's answer to one request.
func (b *batch) answer() (string, []byte, error) {
	header, err := b.out.ReadString('\n')
	if err != nil {
		return "", nil, b.fail(err)
	}
	f := strings.Fields(header)
	switch {
	case len(f) == 2 && (f[1] == "missing" || f[1] == "ambiguous"):
		return "", nil, errNotFound
	case len(f) != 3:
		return "", nil, b.fail(fmt.Errorf("unexpected answer %q", header))
	}
	size, err := strconv.Atoi(f[2])
	if err != nil {
		return "", nil, b.fail(fmt.Errorf("unexpected answer %q", header))
	}
	data := make([]byte, size+1) // and the newline that ends it
	if _, err := io.ReadFull(b.out, data); err != nil {
		return "", nil, b.fail(err)
	}
	return f[1], data[:size], nil
}

// batchPool shares out up to n copies of one batch process, so that
// concurrent readers (scan's workers) do not wait on one pipe while git
// inflates another's object. Processes start on first use.
type batchPool struct {
	free chan *batch
	mu   sync.Mutex
	all  []*batch
}

func newBatchPool(n int, mk func() *batch) *batchPool {
	p := &batchPool{free: make(chan *batch, n)}
	for range n {
		b := mk()
		p.all = append(p.all, b)
		p.free <- b
	}
	return p
}

func (p *batchPool) readObject(name string) (string, []byte, error) {
	b := <-p.free
	defer func() { p.free <- b }()
	return b.readObject(name)
}

func (p *batchPool) readObjects(names []string) ([]string, [][]byte, []error, error) {
	b := <-p.free
	defer func() { p.free <- b }()
	return b.readObjects(names)
}

func (p *batchPool) close() error {
	var errs []error
	for _, b := range p.all {
		errs = append(errs, b.close())
	}
	return errors.Join(errs...)
}

// endMark follows each request to diff-tree --stdin: a line that is not an
// object name, which diff-tree echoes, marks the end of the answer.
const endMark = "goodhart-end\n"

// diffTree asks diff-tree --stdin for the files that differ between two
// commits (given as the commit and a stand-in parent).
func (b *batch) diffTree(to, from string) ([]Change, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.start(); err != nil {
		return nil, err
	}
	if _, err := io.WriteString(b.in, to+" "+from+"\n"+endMark); err != nil {
		return nil, b.fail(err)
	}
	var changes []Change
	for {
		c, err := b.out.ReadByte()
		if err != nil {
			return nil, b.fail(err)
		}
		if c != ':' {
			b.out.UnreadByte()
			line, err := b.out.ReadString('\n')
			if err != nil || line != endMark {
				return nil, b.fail(fmt.Errorf("unexpected output %q", line))
			}
			return changes, nil
		}
		meta, err := b.out.ReadString(0)
		if err != nil {
			return nil, b.fail(err)
		}
		p, err := b.out.ReadString(0)
		if err != nil {
			return nil, b.fail(err)
		}
		f := strings.Fields(strings.TrimSuffix(meta, "\x00"))
		if len(f) != 5 {
			return nil, b.fail(fmt.Errorf("unexpected record %q", meta))
		}
		p = strings.TrimSuffix(p, "\x00")
		ch := Change{From: cliFile(p, f[0], f[2]), To: cliFile(p, f[1], f[3])}
		if ch.From != nil || ch.To != nil {
			changes = append(changes, ch)
		}
	}
}

// tailBuffer keeps the last few KiB written to it: a long-lived process's
// standard error, for messages.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4096 {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-4096:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// blobCacheSize bounds the blobs the git backend keeps. An analysis reads
// the unchanged files of a changed package again for each commit of a scan;
// cat-file would inflate them anew every time (go-git keeps an object cache
// for the same reason).
const blobCacheSize = 32 << 20

// blobCache keeps recently read blobs up to a total size; a blob larger
// than an eighth of it is not kept, as it would push out many small ones.
type blobCache struct {
	blobs *lru.Cache[[]byte]
	max   int
}

func newBlobCache(max int) blobCache { return blobCache{lru.New[[]byte](max), max} }

func (c blobCache) get(hash string) ([]byte, bool) { return c.blobs.Get(hash) }

func (c blobCache) put(hash string, data []byte) {
	if len(data) <= c.max/8 {
		c.blobs.Put(hash, data, len(data))
	}
}
