package skippedtest_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/rules/skippedtest"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// TestFixtures runs the scenarios of fixtures/skipped-test.
func TestFixtures(t *testing.T) { ruletest.Run(t, skippedtest.ID) }
