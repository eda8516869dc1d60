package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Everything a report quotes from the checked repository — paths, test
// names, commit subjects, agent names, code, and the messages that name
// them — is untrusted: the checked change chooses it. Besides each
// medium's own escaping (markdown, workflow commands, JSON), every format
// that a person reads writes what could act on a terminal or mislead a
// reader as visible escapes: control characters (ANSI escape sequences
// among them), and Unicode's line separators and bidirectional controls
// (which can make code read other than it compiles).

// plain returns s with control characters and invisible direction marks
// written as Go escapes (\x1b, \u202e; invalid UTF-8 as \xff). Newlines
// are kept when keepNewlines is set (a message's paragraphs); tabs always.
func plain(s string, keepNewlines bool) string {
	if keepNewlines && strings.Contains(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	if !needsEscape(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' && keepNewlines, r == '\t':
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case unsafeRune(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t' && !(c == '\n' && keepNewlines)) || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 || unsafeRune(r) {
			return true
		}
		i += size
	}
	return false
}

// unsafeRune reports whether a rune must not reach a reader raw: C0 and C1
// controls, DEL, line and paragraph separators, bidirectional controls,
// and zero-width characters that hide text.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20 && r != '\t' && r != '\n', r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == '\u2028', r == '\u2029', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069',
		r == '\u200e', r == '\u200f', r == '\u061c', r == '\u200b', r == '\ufeff':
		return true
	}
	return false
}
