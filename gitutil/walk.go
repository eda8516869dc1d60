package gitutil

import (
	"container/heap"
	"errors"
	"fmt"
	"time"
)

// The history walks below follow git's own (paint_down_to_common and
// limit_list in git's commit-reach.c and revision.c): commits are visited
// newest first by committer date and carry flags that spread to their
// parents, so a walk touches the commits of the range plus a thin frontier
// around the merge base, instead of whole histories as go-git's
// Commit.MergeBase and Commit.IsAncestor do.
//
// The walks read commits through a load function, so that both backends
// share them: the go-git one always, the git CLI one in shallow clones, where
// git treats every shallow commit as a root and would silently answer from
// the part of history the clone has.

const (
	parent1       = 1 << iota // reachable from the first commit (merge base)
	parent2                   // reachable from the second commit (merge base)
	stale                     // below a merge base found already
	result                    // recorded as a merge base
	interesting               // reachable from head (range)
	uninteresting             // reachable from base (range)
)

type node struct {
	c       Commit
	flags   uint8
	loaded  bool
	parents []*node
	missing string // a parent a shallow clone lacks
}

func (n *node) when() time.Time { return n.c.Committer.When }

// loadFunc reads a commit; in a shallow clone, a commit cut off history is
// a *ShallowError.
type loadFunc func(hash string) (Commit, error)

type walker struct {
	load  loadFunc
	nodes map[string]*node
	queue nodeQueue
}

func newWalker(load loadFunc) *walker {
	return &walker{load: load, nodes: map[string]*node{}}
}

func (w *walker) get(h string) (*node, error) {
	if n := w.nodes[h]; n != nil {
		return n, nil
	}
	c, err := w.load(h)
	if err != nil {
		return nil, err
	}
	n := &node{c: c}
	w.nodes[h] = n
	return n, nil
}

// parentsOf loads the parents of n. In a shallow clone a missing parent is
// noted in n.missing and skipped, as git treats shallow commits as roots;
// callers decide whether the cut mattered.
func (w *walker) parentsOf(n *node) ([]*node, error) {
	if n.loaded {
		return n.parents, nil
	}
	for _, h := range n.c.Parents {
		p, err := w.get(h)
		var se *ShallowError
		if errors.As(err, &se) {
			if n.missing == "" {
				n.missing = h
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		n.parents = append(n.parents, p)
	}
	n.loaded = true
	return n.parents, nil
}

// spread gives flags to the parents of n, queueing those that gained any.
func (w *walker) spread(n *node, flags uint8) error {
	parents, err := w.parentsOf(n)
	if err != nil {
		return err
	}
	for _, p := range parents {
		if p.flags&flags != flags {
			p.flags |= flags
			w.queue.put(p)
		}
	}
	return nil
}

// walkMergeBase is MergeBase over load.
func walkMergeBase(load loadFunc, a, b string) (string, error) {
	n, err := newWalker(load).mergeBase(a, b)
	if err != nil {
		return "", err
	}
	return n.c.Hash, nil
}

func (w *walker) mergeBase(a, b string) (*node, error) {
	na, err := w.get(a)
	if err != nil {
		return nil, err
	}
	nb, err := w.get(b)
	if err != nil || a == b {
		return na, err
	}
	na.flags |= parent1
	nb.flags |= parent2
	w.queue.put(na)
	w.queue.put(nb)
	var found []*node
	var cut string
	for w.queue.hasFlagless(stale) {
		n := w.queue.get()
		flags := n.flags & (parent1 | parent2 | stale)
		if flags == parent1|parent2 {
			if n.flags&result == 0 {
				n.flags |= result
				found = append(found, n)
			}
			flags |= stale
		}
		if err := w.spread(n, flags); err != nil {
			return nil, err
		}
		if flags&stale == 0 && cut == "" {
			cut = n.missing
		}
	}
	if len(found) == 0 {
		if cut != "" {
			return nil, &ShallowError{Missing: cut}
		}
		return nil, fmt.Errorf("no merge base: %s and %s have unrelated histories", a, b)
	}
	return w.best(found)
}

// best drops the merge bases that are ancestors of other ones (the walk can
// let one through when commits share a timestamp) and returns the newest.
func (w *walker) best(found []*node) (*node, error) {
	for _, c := range found {
		redundant := false
		for _, d := range found {
			if d == c || redundant {
				continue
			}
			ok, err := w.reaches(d, c)
			if err != nil {
				return nil, err
			}
			redundant = ok
		}
		if !redundant {
			return c, nil // found is newest first
		}
	}
	return found[0], nil
}

// reaches reports whether c is an ancestor of d, walking only the part of
// d's history not older than c.
func (w *walker) reaches(d, c *node) (bool, error) {
	seen := map[*node]bool{d: true}
	stack := []*node{d}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == c {
			return true, nil
		}
		if n.when().Before(c.when()) {
			continue
		}
		parents, err := w.parentsOf(n)
		if err != nil {
			return false, err
		}
		for _, p := range parents {
			if !seen[p] {
				seen[p] = true
				stack = append(stack, p)
			}
		}
	}
	return false, nil
}

// walkCommits is Commits over load: base..head, all of head's history for
// an empty base.
func walkCommits(load loadFunc, base, head string) ([]Commit, error) {
	w := newWalker(load)
	if base != "" {
		if err := w.start(base, uninteresting); err != nil {
			return nil, err
		}
	}
	if err := w.start(head, interesting); err != nil {
		return nil, err
	}
	set, err := w.limit()
	if err != nil {
		return nil, err
	}
	nodes := topoOrder(w.nodes[head], set)
	out := make([]Commit, len(nodes))
	for i, n := range nodes {
		out[i] = n.c
	}
	return out, nil
}

func (w *walker) start(h string, flag uint8) error {
	n, err := w.get(h)
	if err != nil {
		return err
	}
	n.flags |= flag
	w.queue.put(n)
	return nil
}

// slop is how many more commits limit walks once it could stop, as git
// does, in case a commit's date is older than its parent's (clock skew).
const slop = 5

// limit walks until only uninteresting commits older than every interesting
// one are left, and returns the commits reachable from head only.
func (w *walker) limit() (map[*node]bool, error) {
	var visited []*node
	var oldest time.Time
	left := slop
	for w.queue.len() > 0 {
		if !w.limitDone(visited, oldest) {
			left = slop
		} else if left--; left == 0 {
			break
		}
		n := w.queue.get()
		flag := uint8(interesting)
		if n.flags&uninteresting != 0 {
			flag = uninteresting
		} else if !n.loaded {
			visited = append(visited, n)
			if len(visited) == 1 || n.when().Before(oldest) {
				oldest = n.when()
			}
		}
		if err := w.spread(n, flag); err != nil {
			return nil, err
		}
	}
	set := map[*node]bool{}
	for _, n := range visited {
		if n.flags&uninteresting != 0 {
			continue
		}
		if n.missing != "" {
			return nil, &ShallowError{Missing: n.missing}
		}
		set[n] = true
	}
	return set, nil
}

// limitDone: nothing left in the queue can reach an interesting commit
// already visited, because every queued commit is uninteresting and older
// than all of them (a child is never older than its parent, skew aside).
func (w *walker) limitDone(visited []*node, oldest time.Time) bool {
	if w.queue.hasFlagless(uninteresting) {
		return false
	}
	return len(visited) == 0 || w.queue.newest().Before(oldest)
}

// topoOrder sorts the range as `git rev-list --reverse --topo-order` does:
// git emits from the tip with a stack, pushing a parent once all its
// children in the range are out, later parents popping first; then reverses.
func topoOrder(head *node, set map[*node]bool) []*node {
	if !set[head] {
		return nil
	}
	children := map[*node]int{}
	for n := range set {
		for _, p := range n.parents {
			if set[p] {
				children[p]++
			}
		}
	}
	out := make([]*node, 0, len(set))
	stack := []*node{head}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		out = append(out, n)
		for _, p := range n.parents {
			if !set[p] {
				continue
			}
			if children[p]--; children[p] == 0 {
				stack = append(stack, p)
			}
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// nodeQueue is a priority queue of commits, newest committer date first and
// first in, first out among equal dates, like git's.
type nodeQueue struct {
	items []queued
	seq   int
}

type queued struct {
	n   *node
	seq int
}

func (q *nodeQueue) put(n *node) {
	q.seq++
	heap.Push((*queueHeap)(q), queued{n: n, seq: q.seq})
}

func (q *nodeQueue) get() *node { return heap.Pop((*queueHeap)(q)).(queued).n }

func (q *nodeQueue) len() int { return len(q.items) }

func (q *nodeQueue) newest() time.Time { return q.items[0].n.when() }

// hasFlagless reports whether some queued commit lacks flag.
func (q *nodeQueue) hasFlagless(flag uint8) bool {
	for _, it := range q.items {
		if it.n.flags&flag == 0 {
			return true
		}
	}
	return false
}

type queueHeap nodeQueue

func (h *queueHeap) Len() int { return len(h.items) }

func (h *queueHeap) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	if ta, tb := a.n.when(), b.n.when(); !ta.Equal(tb) {
		return ta.After(tb)
	}
	return a.seq < b.seq
}

func (h *queueHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }

func (h *queueHeap) Push(x any) { h.items = append(h.items, x.(queued)) }

func (h *queueHeap) Pop() any {
	it := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return it
}
