package detect

import (
	"github.com/goodhart-dev/goodhart/detect/finding"
	"github.com/goodhart-dev/goodhart/detect/internal/model"
)

// The output model lives in detect/finding; these names keep detect the one
// package that report/ and cmd/ import.
type (
	Severity   = finding.Severity
	Finding    = finding.Finding
	Result     = finding.Result
	Summary    = finding.Summary
	CommitInfo = finding.CommitInfo
	Range      = finding.Range

	// Rule is one kind of shortcut goodhart looks for: its ID, default
	// severity and doc. Each lives in a package of its own under
	// detect/internal/rules.
	Rule = model.Rule
	// Cache keeps what a scan learns about unchanged files across commits.
	Cache = model.Cache
)

// Severities, from least to most serious.
const (
	Error   = finding.Error
	Warning = finding.Warning
	Info    = finding.Info
)

// ParseSeverity reads a severity name: error, warning or info.
func ParseSeverity(s string) (Severity, error) { return finding.ParseSeverity(s) }

// NewCache returns a cache for a scan that holds about maxBytes.
func NewCache(maxBytes int) *Cache { return model.NewCache(maxBytes) }
