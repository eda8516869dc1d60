package model

import (
	"fmt"
	"go/token"
	"strings"
)

func ListNames(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:max], ", ") + fmt.Sprintf(" and %d more", len(names)-max)
}

func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// LineEnd returns the end of the line holding pos.
func LineEnd(f *SrcFile, pos token.Pos) token.Pos {
	tf := f.Fset.File(pos)
	if tf == nil {
		return pos
	}
	if l := tf.Line(pos); l < tf.LineCount() {
		return tf.LineStart(l+1) - 1
	}
	return token.Pos(tf.Base() + tf.Size())
}
