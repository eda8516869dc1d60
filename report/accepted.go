package report

import (
	"fmt"
	"strings"

	"github.com/goodhart-dev/goodhart/detect"
)

// What the reports say about accepted findings, and about accepting one.

// acceptance prints, for the text report, whether a finding was accepted,
// and otherwise its fingerprint, which an accept entry names.
func (p *printer) acceptance(f detect.Finding) {
	if a := f.Accepted; a != nil {
		p.linef("    %s", p.paint(bold, "accepted "+acceptedBy(a)+": "+a.Reason))
	} else if f.Fingerprint != "" {
		p.linef("    %s", p.paint(dim, "fingerprint "+f.Fingerprint))
	}
}

// acceptedBy says where an acceptance came from.
func acceptedBy(a *detect.Acceptance) string {
	by := map[string]string{
		"config":      "by the base revision's " + detect.ConfigFile,
		"accept-file": "by --accept",
		"inline":      "by an inline waiver",
	}[a.By]
	if by == "" {
		by = "by " + a.By
	}
	if a.Where != "" {
		by += " (" + a.Where + ")"
	}
	return by
}

// countsWithAccepted is ": 1 error, 2 accepted": the findings no one
// accepted by severity, then the accepted ones.
func countsWithAccepted(fs []detect.Finding) string {
	open, accepted := splitAccepted(fs)
	s := severityCounts(open)
	switch {
	case len(accepted) == 0:
	case s == "":
		s = fmt.Sprintf(": %d accepted", len(accepted))
	default:
		s += fmt.Sprintf(", %d accepted", len(accepted))
	}
	return s
}

// acceptEntry is the entry a maintainer adds to the accept list of the base
// branch's .goodhart.yml (or of an --accept file) to accept a finding.
func acceptEntry(f detect.Finding) string {
	var b strings.Builder
	b.WriteString("accept:\n")
	fmt.Fprintf(&b, "  - fingerprint: %q\n", f.Fingerprint)
	b.WriteString("    reason: \"…\" # why this is not a shortcut, and who reviewed it\n")
	b.WriteString("    # expires: YYYY-MM-DD # optional\n")
	return b.String()
}

// splitAccepted separates the findings no one accepted from the accepted
// ones, keeping their order.
func splitAccepted(fs []detect.Finding) (open, accepted []detect.Finding) {
	for _, f := range fs {
		if f.Accepted != nil {
			accepted = append(accepted, f)
		} else {
			open = append(open, f)
		}
	}
	return open, accepted
}

// maxAcceptedShown caps the accepted findings the markdown report lists.
const maxAcceptedShown = 50

// mdAccepted is the collapsed section of accepted findings, "" for none.
func mdAccepted(fs []detect.Finding) string {
	if len(fs) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary>%s accepted by the maintainers (they fail nothing)</summary>\n\n", plural(len(fs), "finding"))
	for i, f := range fs {
		if i == maxAcceptedShown {
			fmt.Fprintf(&b, "and %d more accepted findings.\n\n", len(fs)-maxAcceptedShown)
			break
		}
		b.WriteString(mdFinding(f))
	}
	b.WriteString("</details>\n\n")
	return b.String()
}

// mdAcceptedCount is "; 1 accepted" for the report's count line.
func mdAcceptedCount(n int, all bool) string {
	switch {
	case n == 0:
		return ""
	case all:
		return fmt.Sprintf(", all %d accepted", n)
	}
	return fmt.Sprintf("; %d accepted", n)
}

// mdAcceptance says who accepted a finding, or, for one no one did, the
// accept entry that would.
func mdAcceptance(f detect.Finding) string {
	if a := f.Accepted; a != nil {
		return "**Accepted** " + mdText(acceptedBy(a)+": "+a.Reason) + "\n\n"
	}
	if f.Fingerprint == "" {
		return ""
	}
	entry := acceptEntry(f)
	fence := fenceFor(entry)
	return fmt.Sprintf("<details><summary>Accept this finding</summary>\n\nAfter review, a maintainer adds this to %s on the base branch "+
		"(or to a file given to <code>--accept</code>):\n\n%syaml\n%s%s\n\n</details>\n\n", code(detect.ConfigFile), fence, entry, fence)
}
