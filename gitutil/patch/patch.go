// Package patch applies a unified diff — `git diff`, `git format-patch`,
// `gh pr diff`, `diff -u` — to the files of a commit, in memory, with the
// semantics of `git apply`: every hunk's context and removed lines must
// match exactly, at the line the hunk names or at an offset from it, never
// with fuzz; a hunk that starts at the first line must match there, and one
// without trailing context must end at the end of the file. A diff that
// does not apply is an error that names the file and the hunk: nothing is
// half applied.
//
// github.com/sourcegraph/go-diff reads the diff; this package interprets
// git's extended headers (new, deleted, renamed and copied files, modes,
// binary patches) and applies the hunks.
package patch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/sourcegraph/go-diff/diff"

	"github.com/goodhart-dev/goodhart/gitutil"
)

// Result is a diff applied: the files it changed, as edits of the base
// commit, and what it could not apply and left as it was (binary patches).
type Result struct {
	Edits []gitutil.Edit
	Notes []string
}

// Error is a diff that does not apply, or that cannot be read.
type Error struct {
	Path   string // the file, as the diff names it
	Hunk   int    // 1-based, 0 when the file as a whole is at fault
	Header string // the hunk's @@ line
	Reason string
}

func (e *Error) Error() string {
	switch {
	case e.Path == "":
		return "the diff does not apply: " + e.Reason
	case e.Hunk == 0:
		return fmt.Sprintf("the diff does not apply to %s: %s", e.Path, e.Reason)
	}
	return fmt.Sprintf("the diff does not apply to %s: hunk #%d (%s) %s", e.Path, e.Hunk, e.Header, e.Reason)
}

// file is the state of one path while the diff is applied.
type file struct {
	data    []byte
	mode    uint32
	exists  bool
	touched bool
}

// Apply applies the unified diff in data to the tree of commit base.
// Patches to the same file one after another (a series from format-patch)
// apply in order, each to the result of the previous one.
func Apply(r gitutil.Repo, base string, data []byte) (*Result, error) {
	// Blank lines at the end would count as header lines of a last file
	// diff with no hunks (a mode change), which the parser would then drop.
	clean := append(bytes.TrimRight(dropSignatures(data), "\r\n\t "), '\n')
	fds, err := diff.NewMultiFileDiffReaderOptions(bytes.NewReader(clean), diff.ParseOptions{KeepCR: true}).ReadAllFiles()
	if err != nil {
		return nil, &Error{Reason: "cannot read it as a unified diff: " + err.Error()}
	}
	if len(fds) == 0 {
		if len(bytes.TrimSpace(data)) > 0 {
			return nil, &Error{Reason: "no file diff in it (want the output of git diff, git format-patch, gh pr diff or diff -u)"}
		}
		return &Result{}, nil
	}
	a := &applier{r: r, base: base, files: map[string]*file{}}
	var order []string
	for _, fd := range fds {
		touched, err := a.applyFile(fd)
		if err != nil {
			return nil, err
		}
		order = append(order, touched...)
	}
	res := &Result{Notes: a.notes}
	seen := map[string]bool{}
	for _, p := range order {
		if seen[p] {
			continue
		}
		seen[p] = true
		f := a.files[p]
		if !f.touched {
			continue
		}
		if !f.exists {
			res.Edits = append(res.Edits, gitutil.Edit{Path: p})
			continue
		}
		res.Edits = append(res.Edits, gitutil.Edit{Path: p, File: &gitutil.File{Path: p, Mode: f.mode}, Data: f.data})
	}
	return res, nil
}

type applier struct {
	r     gitutil.Repo
	base  string
	files map[string]*file
	notes []string
}

// get is the current state of path: base's file, or what earlier patches
// made of it.
func (a *applier) get(p string) (*file, error) {
	if f, ok := a.files[p]; ok {
		return f, nil
	}
	f := &file{}
	dir := path.Dir(p)
	if dir == "." {
		dir = ""
	}
	files, err := a.r.ListDir(a.base, dir)
	if err != nil {
		return nil, err
	}
	for _, bf := range files {
		if bf.Path == p {
			data, err := a.r.Blob(bf.Blob)
			if err != nil {
				return nil, err
			}
			f.data, f.mode, f.exists = data, bf.Mode, true
		}
	}
	a.files[p] = f
	return f, nil
}

// headers is what git's extended header lines say about a file diff.
type headers struct {
	gitFrom, gitTo           string // from the "diff --git a/x b/x" line
	newFile, deleted, binary bool
	renameFrom, renameTo     string
	copyFrom, copyTo         string
	newMode                  uint32
	special                  bool // a symbolic link or a submodule: not a file goodhart reads
}

func readHeaders(ext []string) headers {
	var h headers
	// Anything before the last "diff --git" line (a mail's headers and
	// message, in format-patch output) is not this file's.
	for i := len(ext) - 1; i >= 0; i-- {
		if strings.HasPrefix(ext[i], "diff --git ") {
			ext = ext[i:]
			break
		}
	}
	mode := func(s string) uint32 {
		m, err := strconv.ParseUint(strings.TrimSpace(s), 8, 32)
		if err != nil {
			return 0
		}
		return uint32(m)
	}
	for _, l := range ext {
		l = strings.TrimSuffix(l, "\r")
		switch {
		case strings.HasPrefix(l, "diff --git "):
			h.gitFrom, h.gitTo = gitNames(strings.TrimPrefix(l, "diff --git "))
		case strings.HasPrefix(l, "new file mode "):
			h.newFile, h.newMode = true, mode(strings.TrimPrefix(l, "new file mode "))
			h.special = h.special || isSpecial(h.newMode)
		case strings.HasPrefix(l, "deleted file mode "):
			h.deleted = true
			h.special = h.special || isSpecial(mode(strings.TrimPrefix(l, "deleted file mode ")))
		case strings.HasPrefix(l, "new mode "):
			h.newMode = mode(strings.TrimPrefix(l, "new mode "))
			h.special = h.special || isSpecial(h.newMode)
		case strings.HasPrefix(l, "old mode "):
			h.special = h.special || isSpecial(mode(strings.TrimPrefix(l, "old mode ")))
		case strings.HasPrefix(l, "index "):
			if f := strings.Fields(l); len(f) == 3 {
				h.special = h.special || isSpecial(mode(f[2]))
			}
		case strings.HasPrefix(l, "rename from "):
			h.renameFrom = unquote(strings.TrimPrefix(l, "rename from "))
		case strings.HasPrefix(l, "rename to "):
			h.renameTo = unquote(strings.TrimPrefix(l, "rename to "))
		case strings.HasPrefix(l, "copy from "):
			h.copyFrom = unquote(strings.TrimPrefix(l, "copy from "))
		case strings.HasPrefix(l, "copy to "):
			h.copyTo = unquote(strings.TrimPrefix(l, "copy to "))
		case l == "GIT binary patch" || strings.HasPrefix(l, "Binary files ") && strings.HasSuffix(l, " differ"):
			h.binary = true
		}
	}
	return h
}

// gitNames reads the two paths of a "diff --git" line: quoted, or the
// same path twice (a mode change, or a file with no rename), which is how
// git writes a line it gives no other header for.
func gitNames(args string) (from, to string) {
	if strings.HasPrefix(args, `"`) {
		if q, err := strconv.QuotedPrefix(args); err == nil {
			rest := strings.TrimPrefix(args[len(q):], " ")
			return unquote(q), unquote(rest)
		}
	}
	if n := len(args); n%2 == 1 && args[n/2] == ' ' {
		a, b := args[:n/2], args[n/2+1:]
		if _, ra, ok := strings.Cut(a, "/"); ok {
			if _, rb, ok := strings.Cut(b, "/"); ok && ra == rb {
				return a, b
			}
		}
	}
	return "", ""
}

// isSpecial is true for the modes of a symbolic link and a submodule.
func isSpecial(m uint32) bool { return m == 0o120000 || m == 0o160000 }

// unquote reads a path git quoted (it has special characters).
func unquote(s string) string {
	if strings.HasPrefix(s, `"`) {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}

// stripName turns a/x/y.go into x/y.go (git apply's -p1) and /dev/null
// into "".
func stripName(name string) string {
	name = strings.TrimSuffix(name, "\r")
	if name == "/dev/null" || name == "" {
		return ""
	}
	name = unquote(name)
	if _, rest, ok := strings.Cut(name, "/"); ok {
		return rest
	}
	return name
}

// applyFile applies one file's diff and returns the paths it changed.
func (a *applier) applyFile(fd *diff.FileDiff) ([]string, error) {
	h := readHeaders(fd.Extended)
	from, to := stripName(fd.OrigName), stripName(fd.NewName)
	if fd.OrigName == "" && fd.NewName == "" { // no ---/+++ lines: names from "diff --git"
		from, to = stripName(h.gitFrom), stripName(h.gitTo)
	}
	switch {
	case h.renameFrom != "" && h.renameTo != "":
		from, to = h.renameFrom, h.renameTo
	case h.copyFrom != "" && h.copyTo != "":
		from, to = h.copyFrom, h.copyTo
	}
	if h.newFile {
		from = ""
	}
	if h.deleted {
		to = ""
	}
	name := to
	if name == "" {
		name = from
	}
	if name == "" {
		return nil, &Error{Reason: "a file diff names no file"}
	}
	for _, p := range []string{from, to} {
		if p != "" && (strings.HasPrefix(p, "/") || strings.Contains("/"+p+"/", "/../")) {
			return nil, &Error{Path: p, Reason: "the path leaves the repository"}
		}
	}

	if h.special {
		a.notes = append(a.notes, fmt.Sprintf("%s: change to a symbolic link or submodule skipped", name))
		return nil, nil
	}
	var src *file
	if from != "" {
		var err error
		if src, err = a.get(from); err != nil {
			return nil, err
		}
		if !src.exists {
			return nil, &Error{Path: from, Reason: "the file does not exist in the base revision"}
		}
	}
	if to != "" && to != from {
		dst, err := a.get(to)
		if err != nil {
			return nil, err
		}
		if dst.exists {
			return nil, &Error{Path: to, Reason: "the diff creates the file (new, renamed or copied there), but it already exists"}
		}
	}
	if h.binary {
		if to == "" { // a binary file deleted: nothing to read
			src.exists, src.touched, src.data = false, true, nil
			return []string{from}, nil
		}
		a.notes = append(a.notes, fmt.Sprintf("%s: binary patch skipped (the file is left as in the base revision)", name))
		return nil, nil
	}

	var content []byte
	mode := uint32(0o100644)
	if src != nil {
		content, mode = src.data, src.mode
	}
	if h.newMode != 0 {
		mode = h.newMode
	}
	out, err := applyHunks(name, content, fd.Hunks)
	if err != nil {
		return nil, err
	}

	var changed []string
	switch {
	case to == "": // deleted
		if len(out) != 0 {
			return nil, &Error{Path: from, Reason: "the diff deletes the file, but it has lines the diff does not remove"}
		}
		src.exists, src.touched, src.data = false, true, nil
		changed = append(changed, from)
	default:
		if from != "" && from != to && h.copyFrom == "" { // renamed: the old path goes
			src.exists, src.touched, src.data = false, true, nil
			changed = append(changed, from)
		}
		dst, err := a.get(to)
		if err != nil {
			return nil, err
		}
		dst.data, dst.mode, dst.exists, dst.touched = out, mode, true, true
		changed = append(changed, to)
	}
	return changed, nil
}

// hunkLine is one line of a hunk, its newline included when it has one.
type hunkLine struct {
	op   byte // ' ', '-' or '+'
	text []byte
}

// hunkLines reads a hunk's body as git apply does: as many lines as its
// header counts, so that what follows the last hunk (a format-patch
// signature, "-- ") is not taken for a line of it. go-diff marks a line
// with no newline at the end of the file ("\ No newline at end of file")
// by leaving the newline out of the body, or, on the old side, with
// OrigNoNewlineAt.
func hunkLines(h *diff.Hunk) ([]hunkLine, error) {
	body := h.Body
	var lines []hunkLine
	oldLeft, newLeft := int(h.OrigLines), int(h.NewLines)
	for pos := 0; pos < len(body) && (oldLeft > 0 || newLeft > 0); {
		end := bytes.IndexByte(body[pos:], '\n')
		var raw []byte
		next := len(body)
		if end >= 0 {
			raw, next = body[pos:pos+end+1], pos+end+1
		} else {
			raw = body[pos:]
		}
		op := byte(' ')
		text := raw
		if len(raw) > 0 && raw[0] != '\n' {
			op, text = raw[0], raw[1:]
		}
		if h.OrigNoNewlineAt > 0 && int(h.OrigNoNewlineAt) == next && op == '-' {
			text = bytes.TrimSuffix(text, []byte("\n"))
		}
		switch op {
		case ' ':
			oldLeft--
			newLeft--
		case '-':
			oldLeft--
		case '+':
			newLeft--
		default:
			return nil, fmt.Errorf("has a line that starts with %q", op)
		}
		lines = append(lines, hunkLine{op, text})
		pos = next
	}
	if oldLeft != 0 || newLeft != 0 {
		return nil, errors.New("has fewer lines than its header counts")
	}
	return lines, nil
}

// splitLines splits contents after each newline; the last line may have
// none.
func splitLines(data []byte) [][]byte {
	var lines [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			lines = append(lines, data)
			break
		}
		lines = append(lines, data[:i+1])
		data = data[i+1:]
	}
	return lines
}

// applyHunks applies the hunks of one file to its contents, in order: each
// hunk matches after the lines the previous one consumed, so the cost stays
// linear in the file and the hunks when they match where they say.
func applyHunks(name string, content []byte, hunks []*diff.Hunk) ([]byte, error) {
	img := splitLines(content)
	out := make([][]byte, 0, len(img))
	pos := 0    // the lines of img before pos are in out
	offset := 0 // where the previous hunk matched, against where it said
	for i, h := range hunks {
		header := fmt.Sprintf("@@ -%d,%d +%d,%d @@", h.OrigStartLine, h.OrigLines, h.NewStartLine, h.NewLines)
		fail := func(reason string) error { return &Error{Path: name, Hunk: i + 1, Header: header, Reason: reason} }
		lines, err := hunkLines(h)
		if err != nil {
			return nil, fail(err.Error())
		}
		var pre, post [][]byte
		trailing := 0
		for _, l := range lines {
			if l.op != '+' {
				pre = append(pre, l.text)
			}
			if l.op != '-' {
				post = append(post, l.text)
			}
			if l.op == ' ' {
				trailing++
			} else {
				trailing = 0
			}
		}
		// git apply: a hunk at the first line matches only there; one
		// without trailing context only at the end of the file.
		matchStart := h.OrigStartLine <= 1 && len(pre) > 0 || h.OrigStartLine == 0
		matchEnd := trailing == 0 && len(pre) > 0
		said := int(h.OrigStartLine) - 1 // where its first old line is
		if h.OrigLines == 0 {
			said = int(h.OrigStartLine) // a pure insertion goes after that line
		}
		at := find(img, pre, said+offset, pos, matchStart, matchEnd)
		if at < 0 {
			return nil, fail("does not match the file: its context or removed lines are not there")
		}
		offset = at - said
		out = append(out, img[pos:at]...)
		out = append(out, post...)
		pos = at + len(pre)
	}
	out = append(out, img[pos:]...)
	var b bytes.Buffer
	for _, l := range out {
		b.Write(l)
	}
	return b.Bytes(), nil
}

// find is where pre matches img exactly at or after lo, nearest to want;
// -1 if nowhere.
func find(img, pre [][]byte, want, lo int, atStart, atEnd bool) int {
	last := len(img) - len(pre)
	if last < lo {
		return -1
	}
	matches := func(at int) bool {
		if at < lo || at > last || atStart && at != 0 || atEnd && at != last {
			return false
		}
		for k, l := range pre {
			if !bytes.Equal(img[at+k], l) {
				return false
			}
		}
		return true
	}
	want = max(lo, min(want, last))
	for d := 0; want-d >= lo || want+d <= last; d++ {
		if matches(want + d) {
			return want + d
		}
		if d > 0 && matches(want-d) {
			return want - d
		}
	}
	return -1
}

// dropSignatures removes the signature git format-patch ends each mail
// with ("-- " and a version line): after a file diff with no hunks (a mode
// change, a rename), the parser would take it for the start of another.
// Inside a hunk, "-- " is followed by another line of the hunk, never by
// a version number.
func dropSignatures(data []byte) []byte {
	if !bytes.Contains(data, []byte("\n-- \n")) {
		return data
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	out := make([]byte, 0, len(data))
	for i := 0; i < len(lines); i++ {
		if string(lines[i]) == "-- \n" && i+1 < len(lines) && isVersion(bytes.TrimSpace(lines[i+1])) {
			i++
			continue
		}
		out = append(out, lines[i]...)
	}
	return out
}

// isVersion is true for "2.43.0" and the like.
func isVersion(b []byte) bool {
	if len(b) == 0 || b[0] < '0' || b[0] > '9' {
		return false
	}
	for _, c := range b {
		if c != '.' && (c < '0' || c > '9') && (c < 'a' || c > 'z') && c != '-' {
			return false
		}
	}
	return true
}

// ReadAll reads a diff from r, up to limit bytes.
func ReadAll(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("the diff is larger than %d MiB", limit>>20)
	}
	return data, nil
}
