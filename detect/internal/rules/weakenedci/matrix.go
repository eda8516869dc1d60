package weakenedci

// This file compares the matrices of the jobs that run tests: legs removed.

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/goodhart-dev/goodhart/detect/finding"
)

// compareMatrices flags matrix legs removed from jobs that run tests.
func (a *pass) compareMatrices(base, head *side) {
	var found []weakening
	for p, bw := range base.workflows {
		hw := head.workflows[p]
		if hw == nil || !a.touched[p] {
			continue
		}
		for _, bj := range bw.jobs {
			hj := hw.job(bj.id)
			if hj == nil || bj.matrix == nil || hj.matrix == nil || bj.matrix.opaque != "" || hj.matrix.opaque != "" {
				continue
			}
			if !head.jobTests(p, hj.id) {
				continue
			}
			var lost []string
			for k, bv := range bj.matrix.dims {
				hv, ok := hj.matrix.dims[k]
				if !ok || len(stable(hv)) >= len(stable(bv)) {
					continue
				}
				for _, v := range bv {
					if !slices.Contains(hv, v) && !experimental(v) && !versionLike(v) {
						lost = append(lost, k+"="+v)
					}
				}
			}
			for _, e := range hj.matrix.exclude {
				if !slices.Contains(bj.matrix.exclude, e) && !experimental(e) {
					lost = append(lost, "excluded "+e)
				}
			}
			if len(hj.matrix.include) < len(bj.matrix.include) {
				for _, e := range bj.matrix.include {
					if !slices.Contains(hj.matrix.include, e) && !experimental(e) {
						lost = append(lost, e)
					}
				}
			}
			if len(lost) > 0 {
				found = append(found, weakening{sev: finding.Warning, at: place{p, hj.matrix.line}, group: hj.id,
					message: fmt.Sprintf("job %s runs its tests on fewer matrix legs: %s no longer tested", hj.id, strings.Join(lost, ", "))})
			}
		}
	}
	a.report(found)
}

// experimentalRe matches matrix values of toolchains nobody expects to
// pass: gotip, nightly, a release candidate.
var experimentalRe = regexp.MustCompile(`(?i)(^|[^a-z])(go)?(tip|nightly|devel?|beta\d*|rc\d*|unstable|experimental|canary|head)([^a-z]|$)`)

func experimental(v string) bool { return experimentalRe.MatchString(v) }

// stable lists the values that are not experimental.
func stable(vs []string) []string {
	var out []string
	for _, v := range vs {
		if !experimental(v) {
			out = append(out, v)
		}
	}
	return out
}

func (w *workflow) job(id string) *job {
	for _, j := range w.jobs {
		if j.id == id {
			return j
		}
	}
	return nil
}

// jobTests reports whether a job of a workflow runs go test, effective.
func (s *side) jobTests(file, id string) bool {
	for _, r := range s.runs {
		if r.entry.file == file && r.group == id && r.test != nil && r.effective() {
			return true
		}
	}
	return false
}
