package disabledtest_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/rules/disabledtest"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// TestFixtures runs the scenarios of fixtures/disabled-test.
func TestFixtures(t *testing.T) { ruletest.Run(t, disabledtest.ID) }
