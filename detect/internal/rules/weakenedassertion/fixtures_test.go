package weakenedassertion_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/rules/weakenedassertion"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// TestFixtures runs the scenarios of fixtures/weakened-assertion.
func TestFixtures(t *testing.T) { ruletest.Run(t, weakenedassertion.ID) }
