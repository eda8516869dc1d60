package detect

// rules lists every rule, in the order reports present them.
var rules = []*Rule{deletedTest, disabledTest, skippedTest, removedAssertion, weakenedAssertion, removedTestCase, hardcodedReturn, specialCasedInput, testAwareCode}

// Rules lists every rule goodhart runs.
func Rules() []*Rule { return rules }
