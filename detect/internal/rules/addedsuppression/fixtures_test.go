package addedsuppression_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/rules/addedsuppression"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// TestFixtures runs the scenarios of fixtures/added-suppression.
func TestFixtures(t *testing.T) { ruletest.Run(t, addedsuppression.ID) }
