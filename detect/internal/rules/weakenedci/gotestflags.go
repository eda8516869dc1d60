package weakenedci

// This file judges a go test command kept in head against base's: the
// filters (-run, -skip, -short) and the packages that leave existing tests
// out.

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// explainTest says how go test h runs less than go test b did.
func (a *pass) explainTest(b, h *run, head, base *side) (weakening, bool) {
	bt, ht := b.test, h.test
	if bt.pkgs.opaque != ht.pkgs.opaque || unreadable.MatchString(bt.text) || unreadable.MatchString(ht.text) {
		return weakening{}, false // arguments goodhart cannot read: it cannot tell what runs
	}
	w := weakening{at: h.at, group: h.group}
	subject := "`" + ht.text + "` in " + h.where
	var why []string
	sev := finding.Info
	raise := func(s finding.Severity) {
		if s > sev {
			sev = s
		}
	}
	if h.test.noRun != "" {
		raise(finding.Error)
		why = append(why, "it runs no test: "+h.test.noRun)
	}
	if lost := head.lost(bt.pkgs, ht.pkgs); len(lost) > 0 && ht.pkgs.opaque == bt.pkgs.opaque {
		if slices.Contains(lost, "...") || slices.ContainsFunc(lost, func(p string) bool { return strings.HasSuffix(p, "/...") || p == "." }) && len(ht.pkgs.patterns) > 0 {
			outside := a.changedTestDirsOutside(ht.pkgs, h.wd)
			if len(outside) > 0 {
				raise(finding.Error)
				why = append(why, "the package list no longer covers "+showPats(lost)+"; changed packages with tests left out: "+showPats(outside))
			} else {
				raise(finding.Warning)
				why = append(why, "the package list no longer covers "+showPats(lost)+" (now "+showPats(ht.pkgs.patterns)+"; goodhart cannot tell which packages with tests that leaves out)")
			}
		} else {
			raise(finding.Error)
			why = append(why, "packages dropped from the list: "+showPats(lost))
		}
	}
	if excl := newExclusions(bt.pkgs, ht.pkgs); len(excl) > 0 {
		raise(finding.Error)
		why = append(why, "packages matching "+strings.Join(excl, ", ")+" are now filtered out of the list")
	}
	if (ht.run != bt.run && ht.run != "" || ht.skip != bt.skip && ht.skip != "") && head.partitioned(h) {
		return weakening{}, false
	}
	if ht.run != bt.run && ht.run != "" {
		sev2, msg := a.filterEffect(bt, ht, "run", head)
		if sev2 > finding.Info {
			raise(sev2)
			why = append(why, msg)
		}
	}
	if ht.skip != bt.skip && ht.skip != "" {
		sev2, msg := a.filterEffect(bt, ht, "skip", head)
		if sev2 > finding.Info {
			raise(sev2)
			why = append(why, msg)
		}
	}
	if ht.short && !bt.short {
		raise(finding.Warning)
		msg := "-short was added: tests that check testing.Short() skip their long parts"
		if names := a.shortTests(ht, head); len(names) > 0 {
			msg += " (" + strings.Join(names, ", ") + ")"
		}
		why = append(why, msg)
	}
	var lostTags []string
	for _, t := range bt.tags {
		if !slices.Contains(ht.tags, t) {
			lostTags = append(lostTags, t)
		}
	}
	gainedTags := 0
	for _, t := range ht.tags {
		if !slices.Contains(bt.tags, t) {
			gainedTags++
		}
	}
	if len(lostTags) > 0 && gainedTags == 0 {
		// info: in the field every dropped tag went with the code that
		// needed it (a dependency's variant, a reverted upgrade)
		raise(finding.Info)
		why = append(why, "build tag "+strings.Join(lostTags, ", ")+" was dropped: tests built only with it no longer run")
	}
	if len(why) == 0 {
		return weakening{}, false
	}
	w.sev = sev
	w.message = fmt.Sprintf("%s runs fewer tests than `%s` did: %s", subject, bt.text, strings.Join(why, "; "))
	return w, true
}

// changedTestDirsOutside lists the package directories with changed test
// files that sel does not cover.
func (a *pass) changedTestDirsOutside(sel pkgSel, wd string) []string {
	var out []string
	for p := range a.touched {
		if !model.IsTestFile(p) {
			continue
		}
		d := model.DirOf(p)
		in := false
		for _, q := range sel.patterns {
			if covers(q, d) {
				in = true
			}
		}
		if !in && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// filterEffect says which known tests a new -run or -skip leaves out.
func (a *pass) filterEffect(bt, ht *goTest, flag string, head *side) (finding.Severity, string) {
	names := knownTests(head.snap, ht.pkgs, a)
	pat := ht.run
	if flag == "skip" {
		pat = ht.skip
	}
	if strings.Contains(pat, "$") || strings.Contains(pat, "GHEXPR") || strings.Contains(pat, "MAKEEXPR") {
		return finding.Info, "" // a pattern goodhart cannot read: not sure it leaves anything out
	}
	top := strings.SplitN(pat, "/", 2)[0]
	re, err := regexp.Compile(top)
	if err != nil {
		return finding.Warning, "-" + flag + " " + pat + " is not a pattern goodhart can read"
	}
	var oldRe, oldSkip *regexp.Regexp
	if bt.run != "" {
		oldRe, _ = regexp.Compile(strings.SplitN(bt.run, "/", 2)[0])
	}
	if bt.skip != "" {
		oldSkip, _ = regexp.Compile(strings.SplitN(bt.skip, "/", 2)[0])
	}
	var lost []string
	for _, n := range names {
		ranBefore := (oldRe == nil || oldRe.MatchString(n)) && (oldSkip == nil || !oldSkip.MatchString(n))
		if !ranBefore {
			continue
		}
		if flag == "run" && !re.MatchString(n) || flag == "skip" && re.MatchString(n) {
			lost = append(lost, n)
		}
	}
	if len(lost) > 0 {
		if len(lost) > 8 {
			lost = append(lost[:8], fmt.Sprintf("and %d more", len(lost)-8))
		}
		return finding.Error, fmt.Sprintf("-%s %s leaves out %s", flag, pat, strings.Join(lost, ", "))
	}
	if len(names) > 0 {
		return finding.Info, ""
	}
	if flag == "run" {
		return finding.Warning, "-run " + pat + " now limits which tests run (goodhart cannot see the tests it leaves out)"
	}
	return finding.Warning, "-skip " + pat + " now skips tests (goodhart cannot see which)"
}

// knownTests lists the top-level tests goodhart can see in the packages:
// those of explicitly named packages, and of changed test files under the
// patterns.
func knownTests(snap *model.Snapshot, sel pkgSel, a *pass) []string {
	if a.NeedSyntax() != nil {
		return nil // the analysis ends with the error
	}
	seen := map[string]bool{}
	var out []string
	addTest := func(name string) {
		if strings.HasPrefix(name, "Test") && !strings.ContainsAny(name, "/.") && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	dirs := map[string]bool{}
	for _, p := range sel.patterns {
		if !strings.Contains(p, "...") {
			dirs[p] = true
		}
	}
	for p := range a.touched {
		if !strings.HasSuffix(p, ".go") {
			continue
		}
		d := model.DirOf(p)
		for _, q := range sel.patterns {
			if covers(q, d) {
				dirs[d] = true
			}
		}
	}
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		list = append(list, d)
	}
	slices.Sort(list)
	for _, d := range list {
		for _, t := range snap.PkgTests(d) {
			if t.NotRun == "" {
				addTest(t.Name)
			}
		}
	}
	for _, t := range append(slices.Clone(a.Head.Tests), a.Base.Tests...) {
		for _, p := range sel.patterns {
			if covers(p, t.Dir) {
				addTest(t.Name)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// shortTests names tests of the packages that consult testing.Short().
func (a *pass) shortTests(ht *goTest, head *side) []string {
	if a.NeedSyntax() != nil {
		return nil // the analysis ends with the error
	}
	var out []string
	for _, p := range ht.pkgs.patterns {
		if strings.Contains(p, "...") {
			continue
		}
		for _, t := range head.snap.PkgTests(p) {
			if t.File != nil && t.Body != nil && strings.Contains(t.File.Text(t.Body), "testing.Short()") {
				out = append(out, t.Name)
			}
		}
	}
	return out
}
