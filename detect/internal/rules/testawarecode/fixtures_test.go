package testawarecode_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/rules/testawarecode"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// TestFixtures runs the scenarios of fixtures/test-aware-code.
func TestFixtures(t *testing.T) { ruletest.Run(t, testawarecode.ID) }
