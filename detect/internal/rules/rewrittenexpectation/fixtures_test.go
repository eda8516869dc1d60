package rewrittenexpectation_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/rules/rewrittenexpectation"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// TestFixtures runs the scenarios of fixtures/rewritten-expectation.
func TestFixtures(t *testing.T) { ruletest.Run(t, rewrittenexpectation.ID) }
