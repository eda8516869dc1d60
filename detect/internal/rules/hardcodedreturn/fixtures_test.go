package hardcodedreturn_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/rules/hardcodedreturn"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// TestFixtures runs the scenarios of fixtures/hardcoded-return.
func TestFixtures(t *testing.T) { ruletest.Run(t, hardcodedreturn.ID) }
