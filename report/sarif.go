package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/goodhart-dev/goodhart/detect"
)

const (
	toolName = "goodhart"
	toolURI  = "https://github.com/goodhart-dev/goodhart"
	rulesURI = toolURI + "#rules"
	// fingerprintKey names goodhart's partial fingerprint; the version lets
	// a later change of the recipe start afresh instead of colliding.
	fingerprintKey = detect.FingerprintVersion
)

// SARIFOptions tune the SARIF report.
type SARIFOptions struct {
	Version string // goodhart's version, for the tool driver
	// Rules are the rules to describe in the tool driver; nil means
	// detect.Rules().
	Rules []*detect.Rule
}

// SARIF writes the result as a SARIF 2.1.0 log in the shape GitHub code
// scanning ingests: one run, every rule in the tool driver, and each finding
// as a result located in head, with a partial fingerprint that does not
// depend on line numbers so that alerts survive unrelated edits.
func SARIF(w io.Writer, r *detect.Result, opts SARIFOptions) error {
	if r == nil {
		return errNoResult
	}
	run := sarif.NewRunWithInformationURI(toolName, toolURI)
	version := toolVersion(opts.Version)
	run.Tool.Driver.WithVersion(version)
	if semver.MatchString(version) {
		run.Tool.Driver.WithSemanticVersion(version)
	}
	ruleIndex := map[string]int{}
	rules := opts.Rules
	if rules == nil {
		rules = detect.Rules()
	}
	for _, d := range ruleDescriptors(rules, r.Findings) {
		ruleIndex[*d.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.AddRule(d)
	}
	prints := fingerprints(r.Findings)
	for i, f := range r.Findings {
		run.AddResult(sarifResult(f, ruleIndex[f.Rule], prints[i]))
	}
	run.AddInvocation(invocation(r.Notes))
	run.WithProperties(sarif.NewPropertyBag().
		Add("base", r.Range.Base).
		Add("head", r.Range.Head))
	log := sarif.NewReport()
	log.AddRun(run)
	var raw bytes.Buffer
	if err := log.Write(&raw); err != nil {
		return err
	}
	return writeCompact(w, raw.Bytes())
}

// writeCompact writes a SARIF log without what the spec defines as the same
// as absent. go-sarif writes every empty array and every -1 "unset"
// sentinel, which triples the size and which the SARIF Multitool flags
// (SARIF2004). The results array stays, even empty: GitHub requires it.
func writeCompact(w io.Writer, raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // messages quote code: keep < > & legible
	return enc.Encode(compact(v))
}

// unsetSentinels are the properties for which SARIF defines -1 as unset.
var unsetSentinels = map[string]bool{
	"index": true, "id": true, "byteOffset": true, "charOffset": true, "rank": true,
	"ruleIndex": true, "parentIndex": true, "length": true,
}

func compact(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if isUnset(k, x) {
				delete(v, k)
			} else {
				v[k] = compact(x)
			}
		}
	case []any:
		for i := range v {
			v[i] = compact(v[i])
		}
	}
	return v
}

func isUnset(key string, v any) bool {
	switch v := v.(type) {
	case []any:
		return len(v) == 0 && key != "results"
	case map[string]any:
		return len(v) == 0
	case json.Number:
		return v == "-1" && unsetSentinels[key]
	}
	return false
}

// semver matches semantic versions (1.2.3, 1.2.3-rc.1).
var semver = regexp.MustCompile(`^\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$`)

// toolVersion is goodhart's version as SARIF viewers compare versions:
// starting with a number. v1.2.3 is 1.2.3; a build that is no release
// ("(devel)", or a branch the action was run from) is a pre-release of
// 0.0.0 named after it.
func toolVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	if v != "" && v[0] >= '0' && v[0] <= '9' {
		return v
	}
	name := strings.Trim(nonIdent.ReplaceAllString(v, "-"), "-")
	return "0.0.0-" + cmp.Or(name, "devel")
}

var nonIdent = regexp.MustCompile(`[^0-9A-Za-z]+`)

// ruleDescriptors describes every rule goodhart runs, and any other rule a
// finding names (so that every result has its rule in the driver).
func ruleDescriptors(rules []*detect.Rule, fs []detect.Finding) []*sarif.ReportingDescriptor {
	var out []*sarif.ReportingDescriptor
	known := map[string]bool{}
	for _, r := range rules {
		known[r.ID] = true
		out = append(out, ruleDescriptor(r))
	}
	for _, f := range fs {
		if !known[f.Rule] {
			known[f.Rule] = true
			out = append(out, ruleDescriptor(&detect.Rule{ID: f.Rule, Severity: f.Severity,
				Doc: "Findings of the goodhart rule " + f.Rule + "."}))
		}
	}
	return out
}

func ruleDescriptor(r *detect.Rule) *sarif.ReportingDescriptor {
	paras := docParagraphs(r.Doc)
	short := paras[0]
	full := strings.Join(slices.DeleteFunc(slices.Clone(paras), isExample), "\n\n")
	cfg := sarif.NewReportingConfiguration()
	cfg.Level = level(r.Severity)
	return sarif.NewRule(r.ID).
		WithName(ruleName(r.ID)).
		WithShortDescription(sarif.NewMultiformatMessageString().WithText(short)).
		WithFullDescription(sarif.NewMultiformatMessageString().WithText(full)).
		WithHelp(sarif.NewMultiformatMessageString().WithText(strings.TrimSpace(r.Doc)).WithMarkdown(docMarkdown(r.Doc))).
		WithHelpURI(rulesURI).
		WithDefaultConfiguration(cfg).
		WithProperties(sarif.NewPropertyBag().
			WithTags([]string{"testing", "test-gaming"}).
			Add("precision", "high"))
}

// docParagraphs splits a rule's doc into paragraphs, each reflowed onto one
// line unless it holds indented (preformatted) lines.
func docParagraphs(doc string) []string {
	var out []string
	for _, p := range strings.Split(strings.TrimSpace(doc), "\n\n") {
		if strings.Contains(p, "\n ") {
			out = append(out, strings.TrimRight(p, "\n"))
		} else {
			out = append(out, strings.Join(strings.Fields(p), " "))
		}
	}
	return out
}

func isExample(p string) bool { return strings.HasPrefix(p, "Example:") }

// ruleName is the rule ID in the PascalCase SARIF viewers expect of a name:
// deleted-test becomes DeletedTest.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// level maps a severity to a SARIF level.
func level(s detect.Severity) string {
	switch s {
	case detect.Error:
		return sarif.LevelError
	case detect.Warning:
		return sarif.LevelWarning
	}
	return sarif.LevelNote
}

func sarifResult(f detect.Finding, ruleIndex int, fingerprint string) *sarif.Result {
	res := sarif.NewRuleResult(f.Rule).
		WithRuleIndex(ruleIndex).
		WithLevel(level(f.Severity)).
		WithMessage(sarif.NewTextMessage(resultMessage(f))).
		WithPartialFingerprints(map[string]string{fingerprintKey: fingerprint})
	res.AddLocation(sarifLocation(f))
	if f.Accepted != nil {
		res.AddSuppression(suppression(f.Accepted))
	}
	props := sarif.NewPropertyBag().Add("commit", f.Commit).Add("agent", f.Agent)
	if f.Symbol != "" {
		props.Add("symbol", f.Symbol)
	}
	if f.OldFile != "" {
		props.Add("baseFile", f.OldFile).Add("baseLine", f.OldLine)
	}
	return res.WithProperties(props)
}

// suppression records who accepted a finding, so that code scanning shows
// it as dismissed: an inline waiver is a suppression in the source, an
// accept entry of the configuration or of --accept an external one.
func suppression(a *detect.Acceptance) *sarif.Suppression {
	kind := "external"
	if a.By == "inline" {
		kind = "inSource"
	}
	props := sarif.NewPropertyBag().Add("acceptedBy", a.By)
	if a.Where != "" {
		props.Add("where", a.Where)
	}
	return sarif.NewSuppression().WithKind(kind).WithStatus("accepted").
		WithJustification(a.Reason).WithProperties(props)
}

// resultMessage is the finding's message, then where it was in base and who
// introduced it: code scanning shows only the message and the location.
func resultMessage(f detect.Finding) string {
	parts := []string{endSentence(strings.TrimSpace(f.Message))}
	if n := baseNote(f); n != "" {
		parts = append(parts, n)
	}
	parts = append(parts, "Introduced by commit "+short(f.Commit)+" ("+who(f)+").")
	return strings.Join(parts, "\n\n")
}

// endSentence ends a message with a period, as SARIF viewers expect.
func endSentence(s string) string {
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

// sarifLocation points at the finding in head. A finding in a file that is
// gone from head is located at its path and line in base: code scanning
// keeps an alert whose file it cannot show, and the message says the file is
// gone.
func sarifLocation(f detect.Finding) *sarif.Location {
	file, line := f.File, f.Line
	if file == "" {
		file, line = f.OldFile, f.OldLine
	}
	return sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
		WithArtifactLocation(sarif.NewSimpleArtifactLocation(fileURI(file))).
		WithRegion(sarif.NewRegion().WithStartLine(max(line, 1))))
}

// fileURI writes a repository path as a relative URI reference, escaping
// each segment (a space, #, or % in a file name would otherwise change it).
func fileURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// fingerprints returns each finding's fingerprint (see
// detect.Fingerprints): the one the check set, the same as in the JSON
// report, or, for a result made without them, one made the same way.
func fingerprints(fs []detect.Finding) []string {
	out := make([]string, len(fs))
	missing := false
	for i, f := range fs {
		out[i] = f.Fingerprint
		missing = missing || f.Fingerprint == ""
	}
	if missing {
		made := slices.Clone(fs)
		detect.Fingerprints(made)
		for i := range out {
			out[i] = made[i].Fingerprint
		}
	}
	return out
}

// invocation records a successful run, with goodhart's notes (files that
// did not parse, say) as notifications.
func invocation(notes []string) *sarif.Invocation {
	inv := sarif.NewInvocation().WithExecutionSuccessful(true)
	for _, n := range notes {
		inv.AddToolExecutionNotification(sarif.NewNotification().
			WithLevel(sarif.LevelWarning).
			WithMessage(sarif.NewTextMessage(endSentence(n))))
	}
	return inv
}
