// Package report writes the result of a check for people (text) and for
// programs (JSON).
package report

import (
	"encoding/json"
	"errors"
	"io"

	"github.com/goodhart-dev/goodhart/detect"
)

// JSON writes the result as indented JSON (schema 1). Empty lists of commits
// and findings are written as [] so that consumers never meet null.
func JSON(w io.Writer, r *detect.Result) error {
	if r == nil {
		return errors.New("report: no result")
	}
	out := *r
	if out.Commits == nil {
		out.Commits = []detect.CommitInfo{}
	}
	if out.Findings == nil {
		out.Findings = []detect.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Authors read "Name <email>": keep the angle brackets legible.
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
