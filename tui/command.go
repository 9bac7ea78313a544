package tui

import "strings"

// wrapCommand lays out a shell command line (as awsops prints them: words
// joined by spaces, values single-quoted) on lines of at most width cells,
// so that the lines, copied from the terminal as they are, run as the one
// command they are. It breaks, in this order of preference:
//
//   - between two words, ending the line with " \" (a line continuation)
//     and indenting the next with rest;
//   - inside a quoted JSON document, after a "," "{" or "[" outside its
//     strings: the new line and the indentation are JSON white space, which
//     changes nothing IAM or SageMaker reads;
//   - anywhere else (a token longer than a line): the line ends with "\"
//     (and closes the quote first, "'\"), and the next starts in the first
//     column (reopening it), since a continuation joins the next line as it
//     is: an indentation there would be part of the word.
//
// first prefixes the first line, rest the lines that follow a break of the
// first two kinds.
func wrapCommand(cmd string, width int, first, rest string) []string {
	r := []rune(cmd)
	n := len(r)
	inSQ := make([]bool, n+1) // rune i is inside single quotes
	space := make([]bool, n)  // rune i is a space between words
	soft := make([]bool, n+1) // a JSON break may come before rune i
	q, json, inStr, esc, shellEsc := false, false, false, false, false
	for i, c := range r {
		inSQ[i] = q
		switch {
		case !q && shellEsc:
			shellEsc = false
		case !q && c == '\\':
			shellEsc = true
		case !q && c == ' ':
			space[i] = true
		case !q && c == '\'':
			q = true
			json = i+1 < n && (r[i+1] == '{' || r[i+1] == '[')
			inStr, esc = false, false
		case q && c == '\'':
			q = false
		case q && json && inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case q && json && c == '"':
			inStr = true
		case q && json && (c == ',' || c == '{' || c == '['):
			soft[i+1] = true
		}
	}
	inSQ[n] = q

	var lines []string
	prefix, lead := first, ""
	start := 0
	for {
		room := width - len([]rune(prefix)) - len([]rune(lead))
		if n-start <= room {
			return append(lines, prefix+lead+string(r[start:]))
		}
		// Two cells are kept for the end of a broken line (" \" or "'\").
		limit := start + max(room-2, 1)
		brk, kind := -1, 0
		for i := start + 1; i <= limit && i < n; i++ {
			switch {
			case space[i]:
				brk, kind = i, 1
			case soft[i] && i <= limit:
				brk, kind = i, 2
			}
		}
		text := prefix + lead + string(r[start:max(brk, start)])
		switch kind {
		case 1:
			lines = append(lines, text+" \\")
			start, prefix, lead = brk+1, rest, ""
		case 2:
			lines = append(lines, text)
			start, prefix, lead = brk, rest, ""
		default:
			cut := limit
			// Never right after a backslash that escapes what follows.
			for cut > start+1 && !inSQ[cut] && r[cut-1] == '\\' {
				cut--
			}
			text = prefix + lead + string(r[start:cut])
			if inSQ[cut] {
				lines = append(lines, text+"'\\")
				lead = "'"
			} else {
				lines = append(lines, text+"\\")
				lead = ""
			}
			start, prefix = cut, ""
		}
	}
}

// commandsOf is every command of a plan and of its undo, one a line,
// unwrapped: what the copy key puts on the clipboard.
func commandsOf(lines []string) string { return strings.Join(lines, "\n") + "\n" }
