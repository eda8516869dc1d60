package addedsuppression

import (
	"regexp"
	"slices"
	"strings"
)

// directive is one comment that tells a linter to keep quiet.
type directive struct {
	kind    string   // "nolint", "lint:ignore", "lint:file-ignore" or "#nosec"
	checks  []string // the linters or checks it names, lower-case; none for all
	reason  string   // the explanation it gives, "" for none
	comment string   // the comment as written
}

// all reports whether the directive silences every linter.
func (d *directive) all() bool {
	return len(d.checks) == 0 || slices.ContainsFunc(d.checks, func(c string) bool { return strings.EqualFold(c, "all") })
}

// String spells the directive as a message shows it: //nolint:errcheck.
func (d *directive) String() string {
	s := "//" + d.kind
	if d.kind == "#nosec" {
		s = "// #nosec"
	}
	switch {
	case len(d.checks) == 0:
	case d.kind == "nolint":
		s += ":" + strings.Join(d.checks, ",")
	default:
		s += " " + strings.Join(d.checks, ",")
	}
	return s
}

var (
	// golangci-lint: //nolint, //nolint:a,b, then an explanation, usually
	// after a second //.
	nolintRE = regexp.MustCompile(`^//\s?nolint(?::\s*([\w-]+(?:\s*,\s*[\w-]+)*))?\b(.*)$`)
	// staticcheck: //lint:ignore Check1,Check2 reason
	lintIgnoreRE = regexp.MustCompile(`^//lint:(ignore|file-ignore)(?:\s+(\S+))?(.*)$`)
	// gosec: #nosec, #nosec G101 G102, then "-- justification"
	nosecRE = regexp.MustCompile(`#nosec\b((?:[\s,]+G\d{3})*)(.*)$`)
)

// parseDirective reads a // comment as a suppression directive.
func parseDirective(text string) (*directive, bool) {
	if !strings.HasPrefix(text, "//") {
		if strings.HasPrefix(text, "/*") && strings.Contains(text, "#nosec") {
			text = "// " + strings.TrimSuffix(strings.TrimPrefix(text, "/*"), "*/")
		} else {
			return nil, false
		}
	}
	if m := nolintRE.FindStringSubmatch(text); m != nil {
		d := &directive{kind: "nolint", comment: text, reason: reasonOf(m[2])}
		for _, c := range strings.Split(m[1], ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" {
				d.checks = append(d.checks, c)
			}
		}
		return d, true
	}
	if m := lintIgnoreRE.FindStringSubmatch(text); m != nil {
		d := &directive{kind: "lint:" + m[1], comment: text, reason: reasonOf(m[3])}
		for _, c := range strings.Split(m[2], ",") {
			if c = strings.TrimSpace(c); c != "" {
				d.checks = append(d.checks, c)
			}
		}
		return d, true
	}
	body := strings.TrimSpace(strings.TrimPrefix(text, "//"))
	if strings.HasPrefix(body, "#nosec") {
		m := nosecRE.FindStringSubmatch(body)
		d := &directive{kind: "#nosec", comment: text, reason: reasonOf(m[2])}
		for _, c := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
			d.checks = append(d.checks, c)
		}
		return d, true
	}
	return nil, false
}

// reasonOf reads the explanation that follows a directive: the text after
// "//", "--", "-" or ":", if it has a word in it.
func reasonOf(rest string) string {
	r := strings.TrimSpace(rest)
	for _, p := range []string{"//", "--", "-", ":", "—"} {
		r = strings.TrimSpace(strings.TrimPrefix(r, p))
	}
	letters := 0
	for _, c := range r {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			letters++
		}
	}
	if letters < 3 || vacuousRE.MatchString(r) {
		return ""
	}
	return r
}

// vacuousRE matches explanations that explain nothing.
var vacuousRE = regexp.MustCompile(`(?i)^(ignore[sd]?|false positive|fp|not needed|unneeded|ok|okay|safe|fine|intentional|intended|on purpose|nolint|todo|fixme|lint|linter|needed|required|necessary|skip)[.!]?$`)

// styleChecks are linters and checks about form rather than correctness: a
// silenced one costs readability, not a missed bug.
var styleChecks = map[string]bool{
	"lll": true, "funlen": true, "gocyclo": true, "gocognit": true, "cyclop": true, "nestif": true, "maintidx": true,
	"dupl": true, "mnd": true, "gomnd": true, "goconst": true, "nakedret": true, "godox": true, "godot": true,
	"gochecknoglobals": true, "gochecknoinits": true, "varnamelen": true, "wsl": true, "wsl_v5": true, "nlreturn": true,
	"exhaustruct": true, "exhaustivestruct": true, "exhaustive": true, "gocritic": true, "ireturn": true, "interfacebloat": true, "tagliatelle": true,
	"misspell": true, "whitespace": true, "gofumpt": true, "gofmt": true, "goimports": true, "gci": true,
	"nonamedreturns": true, "paralleltest": true, "tparallel": true, "testpackage": true, "thelper": true,
	"stylecheck": true, "revive": true, "golint": true, "dogsled": true, "predeclared": true, "forcetypeassert": false,
	"containedctx": true, "gomoddirectives": true, "depguard": true, "importas": true, "tagalign": true,
	"musttag": true, "inamedparam": true, "recvcheck": true, "perfsprint": true, "prealloc": true, "unparam": true,
	"forbidigo": true, "gosmopolitan": true, "dupword": true, "mirror": true, "usestdlibvars": true,
	"intrange": true, "copyloopvar": true, "exptostd": true, "canonicalheader": true, "protogetter": true,
	"goprintffuncname": true, "decorder": true, "grouper": true, "funcorder": true, "embeddedstructfieldcheck": true,
}

// noisy reports whether every check the directive names is gosec or
// errcheck (or a gosec rule): linters whose findings on file paths, commands
// and ignored errors are routinely judged false positives and silenced.
func (d *directive) noisy() bool {
	if d.all() {
		return false
	}
	for _, c := range d.checks {
		c = strings.ToLower(c)
		if c != "gosec" && c != "errcheck" && !(len(c) == 4 && c[0] == 'g' && c[1] >= '0' && c[1] <= '9') {
			return false
		}
	}
	return true
}

// style reports whether every check the directive names is about form.
// staticcheck's ST checks are style; its SA and S checks are not.
func (d *directive) style() bool {
	if d.all() {
		return false
	}
	for _, c := range d.checks {
		if c = strings.ToLower(c); !styleChecks[c] && !strings.HasPrefix(c, "st1") {
			return false
		}
	}
	return true
}
