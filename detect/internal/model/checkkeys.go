package model

import (
	"hash/maphash"
	"slices"
	"strconv"

	"github.com/goodhart-dev/goodhart/internal/lru"
)

// explained asks, for each check a test lost, whether another test of the
// package makes it: the keys of every test's checks, which means walking
// every test of a package at every commit of a scan and every replay of a
// check. A test's keys depend on its file and on what the walk reads of
// the snapshot: the helpers and variables of the folders it looks in. So
// they are kept by the file's text and the test, with the listings of
// those folders, and used again where each listing is the same.

// siteDeps records what a walk of a test read of its snapshot.
type siteDeps struct {
	dirs   []string // folders whose helpers, variables or constants it looked up
	others bool     // it looked in another package of the module: not kept
}

func (d *siteDeps) dir(dir string) {
	if d != nil && !slices.Contains(d.dirs, dir) {
		d.dirs = append(d.dirs, dir)
	}
}

func (d *siteDeps) module() {
	if d != nil {
		d.others = true
	}
}

// keptKeys is a test's check keys with the listings they were read under.
type keptKeys struct {
	keys     []string
	dirs     []string
	listings []uint64
}

// keptChecks holds keptKeys by test (its file's text, path, name and place),
// across the analyses of a process.
var keptChecks = lru.New[*keptKeys](8 << 20)

var hashSeed = maphash.MakeSeed()

// checkKeys returns the keys of a test's checks, as ChecksIn's sites have
// them.
func (a *Pass) checkKeys(snap *Snapshot, tf *TestFunc) []string {
	if cs, ok := a.checks[tf]; ok {
		return siteKeys(cs)
	}
	id := a.testID(tf)
	if k, ok := keptChecks.Get(id); ok && a.sameListings(snap, k) {
		return k.keys
	}
	sites, deps := collectSites(snap, tf, true)
	cs, _ := checksOf(sites)
	if a.checks == nil {
		a.checks = map[*TestFunc][]*Site{}
	}
	a.checks[tf] = cs
	keys := siteKeys(cs)
	if deps != nil && !deps.others {
		k := &keptKeys{keys: keys, dirs: deps.dirs}
		n := len(id) + 64
		for _, d := range deps.dirs {
			k.listings = append(k.listings, a.listingHash(snap, d))
			n += len(d) + 24
		}
		for _, key := range keys {
			n += len(key) + 16
		}
		keptChecks.Put(id, k, n)
	}
	return keys
}

func siteKeys(cs []*Site) []string {
	keys := make([]string, len(cs))
	for i, s := range cs {
		keys[i] = s.key
	}
	return keys
}

// testID names a test by its file's text (a masked parse apart), its path,
// its key and where its declaration starts.
func (a *Pass) testID(tf *TestFunc) string {
	f := tf.File
	h, ok := a.fileHashes[f]
	if !ok {
		h = maphash.Bytes(hashSeed, f.Src)
		if a.fileHashes == nil {
			a.fileHashes = map[*SrcFile]uint64{}
		}
		a.fileHashes[f] = h
	}
	return strconv.FormatUint(h, 16) + "\x00" + strconv.FormatBool(f.masked) + "\x00" + f.Path + "\x00" + tf.Key() + "\x00" + strconv.Itoa(int(tf.Decl.Pos()))
}

// listingHash hashes what a walk's lookups in a folder go by on this
// side: the files of its listing, which of them the analysis holds as
// changed (their functions are looked up first, and masked), and whether
// the whole package is loaded (then its own index answers).
func (a *Pass) listingHash(snap *Snapshot, dir string) uint64 {
	_, whole := snap.dirs[dir]
	k := snap.Rev + "\x00" + dir + "\x00" + strconv.FormatBool(whole)
	if h, ok := a.hashes[k]; ok {
		return h
	}
	var mh maphash.Hash
	mh.SetSeed(hashSeed)
	for _, f := range a.Loader.list(snap.Rev, dir) {
		mh.WriteString(f.Path)
		mh.WriteByte(0)
		mh.WriteString(f.Blob)
		mh.WriteByte(0)
	}
	mh.WriteByte(1)
	var changed []string
	for p, f := range snap.Files {
		if DirOf(p) == dir {
			changed = append(changed, p+"\x00"+strconv.FormatBool(f.masked)+"\x00"+strconv.FormatBool(f.AST != nil))
		}
	}
	slices.Sort(changed)
	for _, c := range changed {
		mh.WriteString(c)
		mh.WriteByte(0)
	}
	mh.WriteString(strconv.FormatBool(whole) + strconv.FormatBool(a.Loader.Exhaustive))
	h := mh.Sum64()
	if a.hashes == nil {
		a.hashes = map[string]uint64{}
	}
	a.hashes[k] = h
	return h
}

func (a *Pass) sameListings(snap *Snapshot, k *keptKeys) bool {
	for i, d := range k.dirs {
		if a.listingHash(snap, d) != k.listings[i] {
			return false
		}
	}
	return true
}
