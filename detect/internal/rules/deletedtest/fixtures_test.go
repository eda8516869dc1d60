package deletedtest_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/rules/deletedtest"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// TestFixtures runs the scenarios of fixtures/deleted-test.
func TestFixtures(t *testing.T) { ruletest.Run(t, deletedtest.ID) }
