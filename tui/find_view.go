package tui

import (
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/flows/find"
)

const findPaneHeight = 6 // the details pane, its rule included

// treeHeight is how many rows fit: the body less the status line, the
// column heads and the details pane.
func (f *findScreen) treeHeight() int { return max(f.ctx.BodyHeight-2-findPaneHeight, 3) }

// Column widths of the tree at a given terminal width.
func findColumns(width int) (label, role, source int) {
	label = max(width*9/20, 24)
	source = 14
	role = max(width-label-source-2, 12)
	return
}

// sourceWords is a provenance in the why column's few characters.
func sourceWords(s find.Source) string {
	if s == find.SourceDomainSpaceDefault {
		return "space default"
	}
	return find.SourceText(s)
}

func (f *findScreen) View() string {
	c := f.ctx
	s := c.Styles
	var b strings.Builder
	b.WriteString(f.status())
	b.WriteByte('\n')
	h := f.treeHeight()
	if f.showWarnings {
		lines := []string{s.Bold.Render(fmt.Sprintf("%d %s", len(f.warnings), plural(len(f.warnings), "warning", "warnings")))}
		for _, w := range f.warnings {
			lines = append(lines, strings.Split(wrapWords("⚠ "+w, c.Width-2), "\n")...)
		}
		for i := 0; i < h+1+findPaneHeight; i++ {
			if i < len(lines) {
				b.WriteString(lines[i])
			}
			b.WriteByte('\n')
		}
		return b.String()
	}
	lw, rw, sw := findColumns(c.Width)
	b.WriteString(s.ColumnHead.Render(cell("identity", lw)) + " " + s.ColumnHead.Render(cell("effective role", rw)) + " " + s.ColumnHead.Render(cell("why", sw)))
	b.WriteByte('\n')
	b.WriteString(f.tree.render(s, c.Width, h))
	b.WriteString(f.details())
	return b.String()
}

// render draws the rows in the window [offset, offset+height): the cost of
// a frame does not grow with the account. The selected row is marked with
// › as well as highlighted, so that it shows without colour.
func (t *findTree) render(s Styles, width, height int) string {
	lw, rw, sw := findColumns(width)
	var b strings.Builder
	end := min(t.offset+height, len(t.visible))
	for vi := t.offset; vi < end; vi++ {
		r := &t.rows[t.visible[vi]]
		mark := " "
		if vi == t.cursor {
			mark = "›"
		}
		var line string
		if r.kind == rowDomain || r.kind == rowNotebooks {
			// Headings span the width: a domain's name and ID matter more
			// than columns it has no value for.
			line = mark + cell(r.label+headingTail(r), width-1)
		} else {
			role := tailTruncate(find.ShortRole(r.role), rw)
			if r.role == "" {
				role = "—"
			}
			src := r.source
			if r.flag != "" {
				src = r.flag
			}
			line = mark + cell(r.prefix+r.label, lw-1) + " " + cell(role, rw) + " " + cell(src, sw)
		}
		switch {
		case vi == t.cursor:
			line = s.Selected.Render(line)
		case r.kind == rowDomain || r.kind == rowNotebooks:
			line = s.Bold.Render(line)
		case r.flag != "":
			line = s.Warn.Render(line)
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	for i := end - t.offset; i < height; i++ {
		b.WriteByte('\n')
	}
	return b.String()
}

// headingTail is what a heading row adds after its label.
func headingTail(r *findRow) string {
	switch {
	case r.flag != "":
		return "  " + r.flag
	case r.source != "":
		return "  " + r.source
	}
	return ""
}

// tailTruncate keeps the end of s, where role names differ
// (…ExecutionRole-Research), cutting its start.
func tailTruncate(s string, width int) string {
	r := []rune(s)
	if len(r) <= width || width < 2 {
		return s
	}
	return "…" + string(r[len(r)-width+1:])
}

// status is the line above the tree: progress while reading, the filter,
// counts and warnings.
func (f *findScreen) status() string {
	s := f.ctx.Styles
	var parts []string
	switch {
	case f.listErr != nil:
		parts = append(parts, s.Error.Render("✗ "+f.listErr.Error()))
	case f.loading:
		p := "reading the account"
		if f.total > 0 {
			p = fmt.Sprintf("reading the account: %d/%d calls", f.done, f.total)
		}
		parts = append(parts, f.spin.view()+" "+p+progressBar(f.done, f.total, 12))
	default:
		parts = append(parts, fmt.Sprintf("%d domains · %d notebook instances", len(f.domains), len(f.notebooks)))
	}
	switch {
	case f.filtering || f.filter.Value() != "":
		parts = append(parts, f.filter.View())
	case f.roleFilter != "":
		parts = append(parts, s.Match.Render("runs as "+tailTruncate(find.ShortRole(f.roleFilter), 36)))
	}
	if n := len(f.warnings); n > 0 {
		parts = append(parts, s.Warn.Render(fmt.Sprintf("⚠ %d %s (w)", n, plural(n, "warning", "warnings"))))
	}
	return strings.Join(parts, "  ")
}

func progressBar(done, total, width int) string {
	if total == 0 {
		return ""
	}
	n := done * width / total
	return " [" + strings.Repeat("█", n) + strings.Repeat("░", width-n) + "]"
}
