package weakenedci_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/rules/weakenedci"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// TestFixtures runs the scenarios of fixtures/weakened-ci.
func TestFixtures(t *testing.T) { ruletest.Run(t, weakenedci.ID) }
