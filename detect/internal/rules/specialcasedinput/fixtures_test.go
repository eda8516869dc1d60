package specialcasedinput_test

import (
	"testing"

	"github.com/goodhart-dev/goodhart/detect/internal/rules/specialcasedinput"
	"github.com/goodhart-dev/goodhart/detect/internal/ruletest"
)

// TestFixtures runs the scenarios of fixtures/special-cased-input.
func TestFixtures(t *testing.T) { ruletest.Run(t, specialcasedinput.ID) }
