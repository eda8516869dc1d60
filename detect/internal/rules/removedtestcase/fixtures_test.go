package removedtestcase_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/rules/removedtestcase"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// TestFixtures runs the scenarios of fixtures/removed-test-case.
func TestFixtures(t *testing.T) { ruletest.Run(t, removedtestcase.ID) }
