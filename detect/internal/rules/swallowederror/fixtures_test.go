package swallowederror_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/rules/swallowederror"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// TestFixtures runs the scenarios of fixtures/swallowed-error.
func TestFixtures(t *testing.T) { ruletest.Run(t, swallowederror.ID) }
