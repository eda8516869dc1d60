package detect

import (
	"github.com/goodhart-dev/goodhart/detect/internal/model"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/addedsuppression"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/deletedtest"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/disabledtest"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/hardcodedreturn"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/removedassertion"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/removedtestcase"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/rewrittenexpectation"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/skippedtest"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/specialcasedinput"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/swallowederror"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/testawarecode"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/weakenedassertion"
	"github.com/goodhart-dev/goodhart/detect/internal/rules/weakenedci"
)

// rules lists every rule, in the order reports present them.
var rules = []*model.Rule{deletedtest.Rule, disabledtest.Rule, skippedtest.Rule, removedassertion.Rule, weakenedassertion.Rule, removedtestcase.Rule, hardcodedreturn.Rule, specialcasedinput.Rule, testawarecode.Rule, addedsuppression.Rule, swallowederror.Rule, rewrittenexpectation.Rule, weakenedci.Rule}

// Rules lists every rule goodhart runs.
func Rules() []*model.Rule { return rules }
