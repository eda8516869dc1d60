package detect

// Rule is one kind of shortcut goodhart looks for. Each rule lives in a file
// of its own with its ID, its default severity and a doc that says what it
// flags, what it deliberately leaves alone, and an example.
type Rule struct {
	ID       string   // stable identifier, e.g. "deleted-test"
	Severity Severity // default severity of its findings
	Doc      string

	run func(*analysis)
}

// rules lists every rule, in the order reports present them.
var rules = []*Rule{deletedTest, disabledTest, skippedTest, removedAssertion, weakenedAssertion, removedTestCase, hardcodedReturn, specialCasedInput, testAwareCode}

// Rules lists every rule goodhart runs.
func Rules() []*Rule { return rules }

// Rule IDs, stable across releases: users filter and suppress by them.
const (
	idDeletedTest  = "deleted-test"
	idDisabledTest = "disabled-test"
	idSkippedTest  = "skipped-test"

	idRemovedAssertion  = "removed-assertion"
	idWeakenedAssertion = "weakened-assertion"
	idRemovedTestCase   = "removed-test-case"

	idHardcodedReturn   = "hardcoded-return"
	idSpecialCasedInput = "special-cased-input"
	idTestAwareCode     = "test-aware-code"
)
