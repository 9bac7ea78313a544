package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/policy"
)

// bigFind is a find screen holding an account of about n rows: domains of
// 250 users, each with a private space.
func bigFind(b testing.TB, n int) *findScreen {
	c := newProgramContext(Options{NoColor: true, Static: true})
	f := newFind(c)
	f.loading = false
	role := "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research"
	for d := 0; len(f.tree.rows) < n; d++ {
		node := find.DomainNode{DomainInfo: find.DomainInfo{ID: fmt.Sprintf("d-%012d", d), Name: fmt.Sprintf("domain-%d", d),
			Status: awsops.StatusInService, DefaultUserRole: role}}
		for u := range 250 {
			name := fmt.Sprintf("user-%d-%d", d, u)
			node.Users = append(node.Users, find.UserNode{Name: name, Status: awsops.StatusInService, Role: role, Source: find.SourceDomainDefault})
			node.Spaces = append(node.Spaces, find.SpaceNode{Name: name + "-lab", Status: awsops.StatusInService,
				Sharing: awsops.SharingPrivate, Owner: name, Role: role, Source: find.SourceOwner})
		}
		f.domains = append(f.domains, domainSlot{summary: awsops.DomainSummary{ID: node.ID, Name: node.Name}, node: &node})
		f.rebuild()
	}
	if len(f.tree.rows) < n {
		b.Fatalf("built %d rows", len(f.tree.rows))
	}
	return f
}

// BenchmarkFindTreeRender is the time of one frame of the find screen with
// 5,000 rows: only the rows in view are drawn, so it does not grow with
// the account.
func BenchmarkFindTreeRender(b *testing.B) {
	f := bigFind(b, 5000)
	f.tree.move(2500, f.treeHeight()) // the middle of the tree
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = f.View()
	}
	b.ReportMetric(float64(len(f.tree.rows)), "rows")
}

// BenchmarkFindTreeFilter is one keystroke in the filter over 5,000 rows.
func BenchmarkFindTreeFilter(b *testing.B) {
	f := bigFind(b, 5000)
	f.filter.SetValue("user-3-1")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f.applyFilter()
		_ = f.View()
	}
}

// The frame of a big tree draws only what fits.
func TestFindTreeRendersOnlyVisibleRows(t *testing.T) {
	f := bigFind(t, 5000)
	v := f.View()
	if n := strings.Count(v, "\n") + 1; n > f.ctx.BodyHeight {
		t.Errorf("the frame has %d lines for a body of %d", n, f.ctx.BodyHeight)
	}
	if strings.Contains(v, "user-19-249") {
		t.Error("a row far below the window was drawn")
	}
}

// BenchmarkEditorKeystroke is what the policy editor does on every key:
// parse the document for its JSON error, the flow's check, and the policy
// validator's findings, on an inline policy near IAM's 10,240 characters.
func BenchmarkEditorKeystroke(b *testing.B) {
	var grants []policy.BucketGrant
	for i := range 60 {
		grants = append(grants, policy.BucketGrant{Bucket: fmt.Sprintf("team-bucket-%02d", i), Prefix: "curated"})
	}
	doc, err := policy.S3Policy("", grants, false)
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Join(prettyJSON(doc.String()), "\n")
	c := newProgramContext(Options{NoColor: true, Static: true})
	e := newPolicyEditor(c, []policyDoc{{name: "big", text: &text, original: text}}, checkInline, policyLint(c))
	for b.Loop() {
		e.review()
	}
	b.ReportMetric(float64(len(text)), "chars")
}

// BenchmarkWrapCommand lays out a put-role-policy command of that document
// for an 80-column review.
func BenchmarkWrapCommand(b *testing.B) {
	var grants []policy.BucketGrant
	for i := range 60 {
		grants = append(grants, policy.BucketGrant{Bucket: fmt.Sprintf("team-bucket-%02d", i)})
	}
	doc, _ := policy.S3Policy("", grants, false)
	cmd := awsops.PutRolePolicyOp("ds-role", "sagerole-buckets", doc.String()).CLI(awsops.CLIOptions{})
	for b.Loop() {
		wrapCommand(cmd, 79, "   $ ", "     ")
	}
}

// BenchmarkFindWarnings is what the find screen does on the UI goroutine
// each time a domain arrives: collect the warnings of 10 domains of 1,000
// each (repeats among them said once).
func BenchmarkFindWarnings(b *testing.B) {
	c := newProgramContext(Options{NoColor: true, Static: true})
	f := newFind(c)
	for d := range 10 {
		slot := domainSlot{}
		for i := range 1000 {
			// Every domain repeats the account-wide half of its warnings.
			slot.warnings = append(slot.warnings, fmt.Sprintf("warning %d of domain %d", i, d*(i%2)))
		}
		f.domains = append(f.domains, slot)
	}
	b.ReportAllocs()
	for b.Loop() {
		f.collectWarnings()
	}
	if len(f.warnings) != 500+10*500 {
		b.Fatalf("%d warnings, want %d", len(f.warnings), 500+10*500)
	}
}
