package report

import (
	"crypto/rand"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/goodhart-dev/goodhart/detect"
)

// GitHub shows at most this many error and this many warning annotations
// per step; the rest it drops without a word.
const maxAnnotations = 10

// GitHubOptions tune the github format.
type GitHubOptions struct {
	// FullReport says where the complete report is; "" means the log group
	// this format writes.
	FullReport string
	// Token makes the stop-commands token; nil means a random one.
	Token func() string
}

// logGroup is the title of the log group that holds the full text report.
const logGroup = "goodhart report"

// GitHub writes the result as GitHub Actions workflow commands: an
// annotation per error and warning, the most severe first and no more than
// GitHub shows, then a notice that counts the rest and says where to read
// them, then the full text report in a log group. The report quotes code
// and messages from the checked repository, so it is fenced with
// ::stop-commands:: and a random token: a line of that code cannot act as a
// workflow command.
func GitHub(w io.Writer, r *detect.Result, opts GitHubOptions) error {
	if r == nil {
		return errNoResult
	}
	var b strings.Builder
	shown := map[detect.Severity]int{}
	rest, info, accepted := 0, 0, 0
	for _, f := range bySeverity(r.Findings) {
		if f.Accepted != nil {
			accepted++ // reviewed: no annotation asks for attention
			continue
		}
		if f.Severity == detect.Info {
			info++ // never an annotation: the full report has it
			continue
		}
		if shown[f.Severity] == maxAnnotations {
			rest++
			continue
		}
		shown[f.Severity]++
		b.WriteString(annotation(f))
	}
	where := opts.FullReport
	if where == "" {
		where = "the \"" + logGroup + "\" group of this step's log"
	}
	if rest > 0 {
		also := ""
		if info > 0 {
			also = fmt.Sprintf(", with %d info finding%s,", info, map[bool]string{true: "s"}[info != 1])
		}
		more := fmt.Sprintf("%d more errors and warnings", rest)
		if rest == 1 {
			more = "1 more error or warning"
		}
		msg := fmt.Sprintf("%s not shown as annotations (GitHub shows %d errors and %d warnings per step); "+
			"the full report%s is in %s.", more, maxAnnotations, maxAnnotations, also, where)
		b.WriteString(command("notice", []prop{{"title", "goodhart"}}, msg))
	}
	if accepted > 0 {
		b.WriteString(command("notice", []prop{{"title", "goodhart"}},
			fmt.Sprintf("%s accepted by the maintainers, listed in %s.", plural(accepted, "finding"), where)))
	}
	token := randomToken
	if opts.Token != nil {
		token = opts.Token
	}
	if err := fenced(&b, r, token()); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fenced writes the text report in a log group, with workflow commands
// stopped while it is printed.
func fenced(b *strings.Builder, r *detect.Result, token string) error {
	b.WriteString(command("group", nil, logGroup))
	b.WriteString(command("stop-commands", nil, token))
	if err := Text(b, r, TextOptions{}); err != nil {
		return err
	}
	b.WriteString("::" + token + "::\n")
	b.WriteString(command("endgroup", nil, ""))
	return nil
}

// annotation is the workflow command for one finding, on its line in head
// (or on the file's path in base when the file is gone).
func annotation(f detect.Finding) string {
	kind := "warning"
	if f.Severity == detect.Error {
		kind = "error"
	}
	var props []prop
	if f.File != "" {
		props = append(props, prop{"file", plain(f.File, false)})
		if f.Line > 0 {
			props = append(props, prop{"line", strconv.Itoa(f.Line)})
		}
	} else if f.OldFile != "" {
		props = append(props, prop{"file", plain(f.OldFile, false)})
	}
	title := "goodhart " + f.Rule
	if f.Symbol != "" {
		title += ": " + f.Symbol
	}
	props = append(props, prop{"title", plain(title, false)})
	return command(kind, props, annotationMessage(f))
}

// annotationMessage is what the annotation says: the message, where the
// thing was in base, who did it, and the code.
func annotationMessage(f detect.Finding) string {
	parts := []string{strings.TrimSpace(f.Message)}
	if n := baseNote(f); n != "" {
		parts = append(parts, n)
	}
	parts = append(parts, "Commit "+short(f.Commit)+", "+who(f)+".")
	if len(f.Excerpt) > 0 {
		parts = append(parts, strings.Join(diffLines(f.Excerpt), "\n"))
	}
	return plain(strings.Join(parts, "\n\n"), true)
}

type prop struct{ key, value string }

// command formats one workflow command, escaped as the Actions toolkit
// escapes them.
func command(name string, props []prop, message string) string {
	var b strings.Builder
	b.WriteString("::" + name)
	for i, p := range props {
		sep := ","
		if i == 0 {
			sep = " "
		}
		b.WriteString(sep + p.key + "=" + escapeProperty(p.value))
	}
	b.WriteString("::" + escapeData(message) + "\n")
	return b.String()
}

// escapeData escapes a command's message: %, CR and LF.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value: as data, plus : and , which
// would end the value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// randomToken is a fresh stop-commands token that no checked code can
// predict.
func randomToken() string { return "goodhart-" + rand.Text() }
