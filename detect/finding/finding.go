package finding

import (
	"fmt"
	"strings"
)

// Severity ranks a finding. The zero value is Info.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "info"
}

// ParseSeverity reads "info", "warning" or "error".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "info":
		return Info, nil
	case "warning":
		return Warning, nil
	case "error":
		return Error, nil
	}
	return Info, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// Finding is one suspected shortcut. Its JSON form is part of goodhart's
// output schema 1: the field names must not change.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	File     string   `json:"file"`     // path in head; "" when the file is gone
	Line     int      `json:"line"`     // line in head: for something deleted, the nearest surviving line
	OldFile  string   `json:"old_file"` // path in base; "" when the thing is new
	OldLine  int      `json:"old_line"`
	Symbol   string   `json:"symbol"` // TestParse, TestParse/empty, Suite.TestX; "" if none
	Message  string   `json:"message"`
	Commit   string   `json:"commit"` // the commit of the range that introduced it
	Agent    string   `json:"agent"`  // that commit's agent, "" for a person
	// Fingerprint identifies the finding across edits, rebases and
	// reworded messages (see Fingerprints): what an accept entry names.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Accepted says who accepted the finding and why; nil when no one did.
	// An accepted finding is reported but fails no check.
	Accepted *Acceptance `json:"accepted,omitempty"`

	// Excerpt holds a few lines of the removed or changed code, each
	// prefixed with "- " (base) or "+ " (head): a sign and one space, then
	// the line as it is in the file.
	Excerpt []string `json:"-"`
	// Pkg is the package directory the finding belongs to, used to replay
	// the range commit by commit when attributing it.
	Pkg string `json:"-"`
	// Waiver is, on an added-suppression finding about an inline waiver
	// the change added, that waiver's comment.
	Waiver string `json:"-"`
}

// Acceptance is why an accepted finding does not count.
type Acceptance struct {
	// By is where the acceptance came from: "config" (the base revision's
	// .goodhart.yml), "accept-file" (--accept) or "inline" (a
	// //goodhart:allow waiver).
	By     string `json:"by"`
	Reason string `json:"reason"`
	// Where is the entry or waiver that accepted it, "file:line".
	Where string `json:"where,omitempty"`
}

// key identifies a finding across the states of a range, so that replaying
// commit by commit can tell when it first held. Lines are left out: they move.
func (f *Finding) Key() string {
	file := f.OldFile
	if file == "" {
		file = f.File
	}
	if f.Symbol != "" {
		file = f.Pkg
	}
	return f.Rule + "\x00" + file + "\x00" + f.Symbol
}

// CommitInfo describes one commit of the checked range.
type CommitInfo struct {
	SHA     string `json:"sha"`
	Author  string `json:"author"`
	Agent   string `json:"agent"`
	Subject string `json:"subject"`
}

// Range is the pair of commits that was compared: the merge base and the head.
type Range struct {
	Base string `json:"base"`
	Head string `json:"head"`
}

// Summary counts the findings no one accepted by severity, and the
// accepted ones apart.
type Summary struct {
	Error    int `json:"error"`
	Warning  int `json:"warning"`
	Info     int `json:"info"`
	Accepted int `json:"accepted"`
}

// Result is everything one check produced. Its JSON form is schema 1.
type Result struct {
	Schema   int          `json:"schema"`
	Range    Range        `json:"range"`
	Commits  []CommitInfo `json:"commits"`
	Findings []Finding    `json:"findings"`
	Summary  Summary      `json:"summary"`
	// Notes are things the reader should know that are not findings, such as
	// files that could not be parsed.
	Notes []string `json:"notes,omitempty"`
}

// Count returns how many findings no one accepted are at or above the
// given severity.
func (r *Result) Count(min Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity >= min && f.Accepted == nil {
			n++
		}
	}
	return n
}
