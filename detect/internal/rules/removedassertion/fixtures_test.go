package removedassertion_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/rules/removedassertion"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// TestFixtures runs the scenarios of fixtures/removed-assertion.
func TestFixtures(t *testing.T) { ruletest.Run(t, removedassertion.ID) }
