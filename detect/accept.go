package detect

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/goodhart-dev/goodhart/detect/config"
	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/gitutil"
)

// This file applies what the maintainers say about the findings of a
// check: the .goodhart.yml of the base revision (rule settings, excluded
// paths, accepted fingerprints), the accept entries given on the command
// line, and inline waivers. The trust model: nothing the checked change
// writes configures its own check. The configuration is read from the base
// revision, never from head or the work tree; an inline waiver counts when
// base already had it or a person's commit of the range added it, never
// when an agent's did.

type (
	// Acceptance says who accepted a finding and why.
	Acceptance = finding.Acceptance
	// AcceptEntry is one accepted fingerprint, from a .goodhart.yml or an
	// --accept file.
	AcceptEntry = config.Accept
)

// FingerprintVersion is the SARIF partial fingerprint key of Fingerprints.
const FingerprintVersion = finding.FingerprintVersion

// Fingerprints sets each finding's fingerprint; see finding.Fingerprints.
func Fingerprints(fs []Finding) { finding.Fingerprints(fs) }

// Summarize counts findings by severity, the accepted ones apart.
func Summarize(fs []Finding) Summary { return summarize(fs) }

// ParseAcceptFile reads an --accept file: the accept list of a
// .goodhart.yml, under an accept key or as the whole file.
func ParseAcceptFile(name string, src []byte) ([]AcceptEntry, error) {
	return config.ParseAccept(name, src)
}

// ConfigFile is the name of goodhart's configuration file in a repository.
const ConfigFile = config.File

func init() {
	for _, r := range rules {
		config.RuleDefaults[r.ID] = r.Severity
	}
}

// settling is what settle needs to know about one check.
type settling struct {
	repo      gitutil.Repo
	configRev string // where .goodhart.yml is read: the tip of base, or a commit's parent
	base      string // what inline waivers are compared with: the merge base, or the parent
	head      string
	commits   []finding.CommitInfo // the range, parents before children
	brought   map[string]string    // commits another line brought in
	scan      bool                 // one commit of a scan: no notes about stale entries
	opts      Options

	cfg    *config.Config
	files  map[string][]byte          // rev + "\x00" + path → contents (nil: absent)
	dirs   map[string][]gitutil.File  // rev + "\x00" + dir → files
	wcache map[string][]config.Waiver // rev + "\x00" + path → waivers
	origin map[string]*originOf       // path + "\x00" + waiver text → who added it
	notes  []string
}

type originOf struct {
	inBase bool
	commit string // the commit that added it, when not in base
	agent  string
}

// loadConfig reads .goodhart.yml at the configuration revision; nil when
// there is none.
func (s *settling) loadConfig() error {
	src, err := s.read(s.configRev, config.File)
	if err != nil || src == nil {
		return err
	}
	cfg, err := config.Parse(config.File, src)
	if err != nil {
		return fmt.Errorf("the base revision's configuration (%s): %w", model.Short(s.configRev), err)
	}
	s.cfg = cfg
	return nil
}

// settle applies the configuration, the accept entries and the inline
// waivers to a result, sets the fingerprints, adds its notes and counts
// the summary again.
func (s *settling) settle(res *finding.Result) error {
	if s.cfg == nil {
		if err := s.loadConfig(); err != nil {
			return err
		}
	}
	// The waivers the range added: a person's counts, and its finding goes;
	// an agent's does not, and its finding stays, on the commit that wrote it.
	kept := res.Findings[:0]
	var added []placedWaiver // for the notes of those that match nothing
	for _, f := range res.Findings {
		if f.Waiver != "" {
			o, err := s.originOf(f.File, f.Waiver)
			if err != nil {
				return err
			}
			if !o.inBase {
				added = append(added, placedWaiver{config.Waiver{Line: f.Line, Key: f.Waiver}, f.File})
			}
			if o.inBase || o.agent == "" {
				continue
			}
			if o.commit != f.Commit {
				f.Commit, f.Agent, f.Severity = o.commit, o.agent, finding.Error
				if _, other := s.brought[o.commit]; other {
					f.Severity = finding.Info
				}
			}
		}
		kept = append(kept, f)
	}
	res.Findings = kept

	// The rule settings and excluded paths of base.
	kept = res.Findings[:0]
	for _, f := range res.Findings {
		if s.cfg.Disabled(f.Rule) || s.cfg.Excluded(f.File) || s.cfg.Excluded(f.OldFile) {
			continue
		}
		if sev, ok := s.cfg.Severity(f.Rule); ok && f.Severity > finding.Info {
			f.Severity = sev
		}
		kept = append(kept, f)
	}
	res.Findings = kept
	finding.Fingerprints(res.Findings)

	var entries []config.Accept
	if s.cfg != nil {
		entries = append(entries, s.cfg.Accept...)
	}
	fromConfig := len(entries)
	entries = append(entries, s.opts.Accept...)
	now := time.Now()
	if s.opts.Now != nil {
		now = s.opts.Now()
	}
	used := make([]bool, len(entries))
	usedWaiver := map[string]bool{} // file:line
	strictSkipped := map[string]bool{}
	for i := range res.Findings {
		f := &res.Findings[i]
		for j, e := range entries {
			if e.Fingerprint != f.Fingerprint || e.Expired(now) {
				continue
			}
			used[j] = true
			if f.Accepted == nil {
				by := "config"
				if j >= fromConfig {
					by = "accept-file"
				}
				f.Accepted = &finding.Acceptance{By: by, Reason: e.Reason, Where: e.Where()}
			}
		}
		ws, err := s.waiversFor(f)
		if err != nil {
			return err
		}
		for _, w := range ws {
			where := fmt.Sprintf("%s:%d", w.path, w.Line)
			usedWaiver[where] = true
			switch {
			case s.opts.Strict:
				strictSkipped[where] = true
			case w.Reason == "":
				s.note("the waiver at %s gives no reason (%s RULE -- why): it accepts nothing", where, config.Marker)
			case f.Accepted != nil:
			default:
				o, err := s.originOf(w.path, w.Key)
				if err != nil {
					return err
				}
				if o.inBase || o.agent == "" {
					f.Accepted = &finding.Acceptance{By: "inline", Reason: w.Reason, Where: where}
				}
			}
		}
	}
	for j, e := range entries {
		switch {
		case s.scan: // an audit of history: no notes about today's entries on every commit
		case e.Expired(now):
			s.note("the accept entry at %s (%s) expired on %s: it no longer accepts", e.Where(), e.Fingerprint, e.Expires.Format(time.DateOnly))
		case !used[j]:
			s.note("the accept entry at %s (%s) matches no finding of this check: it may be stale", e.Where(), e.Fingerprint)
		}
	}
	for _, w := range added {
		if where := fmt.Sprintf("%s:%d", w.path, w.Line); !usedWaiver[where] {
			s.note("the waiver at %s matches no finding of this check", where)
		}
	}
	if len(strictSkipped) > 0 {
		s.note("--strict: %s not honoured", plural(len(strictSkipped), "inline waiver"))
	}
	res.Notes = append(res.Notes, s.notes...)
	res.Summary = summarize(res.Findings)
	return nil
}

func (s *settling) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	if !slices.Contains(s.notes, n) {
		s.notes = append(s.notes, n)
	}
}

// placedWaiver is a waiver and its file.
type placedWaiver struct {
	config.Waiver
	path string
}

// waiversFor lists the waivers in head that name a finding: on its line or
// the line above, or, naming its symbol, in any Go file of its package.
func (s *settling) waiversFor(f *finding.Finding) ([]placedWaiver, error) {
	var out []placedWaiver
	if f.File != "" && f.Line > 0 {
		ws, err := s.waivers(s.head, f.File)
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			if (w.Line == f.Line || w.Line == f.Line-1) && w.Names(f.Rule) && w.Covers(f.Symbol) {
				out = append(out, placedWaiver{w, f.File})
			}
		}
	}
	if f.Symbol == "" {
		return out, nil
	}
	dir := f.Pkg
	if dir == "" {
		dir = model.DirOf(cmp.Or(f.File, f.OldFile))
	}
	files, err := s.list(s.head, dir)
	if err != nil {
		return nil, err
	}
	for _, file := range files {
		if !strings.HasSuffix(file.Path, ".go") {
			continue
		}
		ws, err := s.waivers(s.head, file.Path)
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			if w.Symbol != "" && w.Names(f.Rule) && w.Covers(f.Symbol) &&
				!slices.ContainsFunc(out, func(p placedWaiver) bool { return p.path == file.Path && p.Line == w.Line }) {
				out = append(out, placedWaiver{w, file.Path})
			}
		}
	}
	return out, nil
}

// originOf says whether a waiver (by its Key: its line and the code it
// stands on) was in base in that file, and otherwise which commit of the
// range first had it there.
func (s *settling) originOf(path, key string) (*originOf, error) {
	if o, ok := s.origin[path+"\x00"+key]; ok {
		return o, nil
	}
	o := &originOf{}
	has := func(rev string) (bool, error) {
		ws, err := s.waivers(rev, path)
		return slices.ContainsFunc(ws, func(w config.Waiver) bool { return w.Key == key }), err
	}
	var err error
	if o.inBase, err = has(s.base); err != nil {
		return nil, err
	}
	if !o.inBase {
		// The first commit of the range that has it; when none does (it
		// cannot be), an agent's, so that it is not honoured.
		o.agent = "unknown"
		for i, c := range s.commits {
			ok := i == len(s.commits)-1 // head, which has it
			if !ok {
				if ok, err = has(c.SHA); err != nil {
					return nil, err
				}
			}
			if ok {
				o.commit, o.agent = c.SHA, c.Agent
				break
			}
		}
	}
	s.origin[path+"\x00"+key] = o
	return o, nil
}

// waivers lists the waivers of a file at a revision.
func (s *settling) waivers(rev, path string) ([]config.Waiver, error) {
	key := rev + "\x00" + path
	if ws, ok := s.wcache[key]; ok {
		return ws, nil
	}
	src, err := s.read(rev, path)
	if err != nil {
		return nil, err
	}
	ws := config.Waivers(path, src)
	s.wcache[key] = ws
	return ws, nil
}

// read returns a file's contents at a revision, nil when it has none.
func (s *settling) read(rev, path string) ([]byte, error) {
	key := rev + "\x00" + path
	if src, ok := s.files[key]; ok {
		return src, nil
	}
	files, err := s.list(rev, model.DirOf(path))
	if err != nil {
		return nil, err
	}
	var src []byte
	for _, f := range files {
		if f.Path == path {
			if src, err = s.repo.Blob(f.Blob); err != nil {
				return nil, err
			}
			if len(src) > model.MaxFileSize {
				src = nil
			}
			break
		}
	}
	s.files[key] = src
	return src, nil
}

func (s *settling) list(rev, dir string) ([]gitutil.File, error) {
	key := rev + "\x00" + dir
	if fs, ok := s.dirs[key]; ok {
		return fs, nil
	}
	fs, err := s.repo.ListDir(rev, dir)
	if err != nil {
		return nil, err
	}
	s.dirs[key] = fs
	return fs, nil
}

func newSettling(repo gitutil.Repo, configRev, base, head string, commits []finding.CommitInfo, opts Options) *settling {
	return &settling{
		repo: repo, configRev: configRev, base: base, head: head, commits: commits, opts: opts,
		files: map[string][]byte{}, dirs: map[string][]gitutil.File{}, wcache: map[string][]config.Waiver{},
		origin: map[string]*originOf{},
	}
}

// settleCommit settles the findings of one commit of a scan with the
// .goodhart.yml of its parent. A configuration that does not parse there
// is a note: one broken commit of history must not stop a scan.
func settleCommit(repo gitutil.Repo, c gitutil.Commit, res *finding.Result) error {
	s := newSettling(repo, c.Parents[0], c.Parents[0], c.Hash, res.Commits, Options{})
	s.scan = true
	if err := s.loadConfig(); err != nil {
		res.Notes = append(res.Notes, err.Error()+"; this commit is checked without it")
		s.cfg = &config.Config{}
	}
	return s.settle(res)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
