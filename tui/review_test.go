package tui

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/createrole"
	"github.com/sagerole/sagerole/flows/policy"
)

// reviewOf is a review of plan on the sandbox, its snapshots read, laid
// out at width.
func reviewOf(t *testing.T, plan awsops.Plan, width int) (*review, []string) {
	t.Helper()
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := newProgramContext(Options{Backend: acct, Mode: ModeSandbox, NoColor: true, Static: true})
	c.Width = width
	c.Styles = NewStyles(true, true)
	rv := newReview(c, "Test", plan)
	states, err := snapshots(context.Background(), acct, plan.Steps)
	if err != nil {
		t.Fatal(err)
	}
	rv.before = states
	lines := rv.lines()
	for i := range lines {
		lines[i] = ansi.Strip(lines[i])
	}
	return rv, lines
}

// The review keeps each aws command runnable as shown: the lines of a
// command, copied from its "aws" to its end, are the same words to the
// shell (bug: it cut --assume-role-policy-document mid-token).
func TestReviewCommandsRunAsShown(t *testing.T) {
	plan := awsops.Plan{Command: "test", Steps: []awsops.Op{
		awsops.CreateRoleOp(awsops.CreateRoleInput{Name: "ds-role", TrustPolicy: policy.TrustDocument().String()}),
		awsops.UpdateUserProfileRoleOp("d-research1", "alice", "arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted"),
	}}
	for _, width := range []int{80, 100} {
		_, lines := reviewOf(t, plan, width)
		var blocks []string
		for i := 0; i < len(lines); i++ {
			l := lines[i]
			_, cmd, ok := strings.Cut(l, "$ aws ")
			if !ok {
				continue
			}
			block := "aws " + cmd
			for strings.HasSuffix(lines[i], `\`) || strings.Count(block, "'")%2 == 1 {
				i++
				block += "\n" + lines[i]
			}
			blocks = append(blocks, block)
		}
		// Each step's command, then its undo's.
		if len(blocks) != 4 {
			t.Fatalf("at %d: %d commands shown, want 4:\n%s", width, len(blocks), strings.Join(lines, "\n"))
		}
		for i, op := range plan.Steps {
			want := shellWords(t, op.CLI(awsops.CLIOptions{}))
			got := shellWords(t, blocks[2*i])
			if len(got) != len(want) {
				t.Fatalf("at %d: %s shows %d words, want %d:\n%s", width, op.API, len(got), len(want), blocks[2*i])
			}
			for j := range want {
				if !sameArg(got[j], want[j]) {
					t.Errorf("at %d: %s word %d = %q, want %q", width, op.API, j, got[j], want[j])
				}
			}
		}
	}
}

// The review of a DeleteRolePolicy step shows the document it deletes
// (bug: "deletes this document:" followed by nothing), as an undo of a
// new inline policy is.
func TestReviewDeleteRolePolicyShowsTheDocument(t *testing.T) {
	plan := awsops.Plan{Command: "undo", Steps: []awsops.Op{awsops.DeleteRolePolicyOp("DataScientistRestricted", "studio-apps")}}
	_, lines := reviewOf(t, plan, 80)
	text := strings.Join(lines, "\n")
	at := strings.Index(text, "deletes this document:")
	if at < 0 {
		t.Fatalf("no document announced:\n%s", text)
	}
	for _, want := range []string{`- {`, `-   "Version": "2012-10-17",`, `"sagemaker:CreatePresignedDomainUrl"`} {
		if !strings.Contains(text[at:], want) {
			t.Errorf("the deleted document lacks %q:\n%s", want, text)
		}
	}
}

// The review's notes name the wizard's controls, not the command line's
// flags: a broad custom scope says where to narrow it in the wizard.
func TestReviewNotesNameNoFlags(t *testing.T) {
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := createrole.Plan(context.Background(), acct, createrole.Input{Name: "broad", Scope: createrole.ScopeCustom,
		Custom: policy.Scope{Activities: []string{policy.Training}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(plan.Notes, " "), "--") {
		t.Fatalf("the plan's notes name no flag; the test proves nothing: %q", plan.Notes)
	}
	_, lines := reviewOf(t, plan, 80)
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.Contains(l, "$ aws ") {
			// A command, with aws's own flags as they must be: skip it
			// whole, as the shell reads it.
			block := l
			for strings.HasSuffix(lines[i], `\`) || strings.Count(block, "'")%2 == 1 {
				i++
				block += "\n" + lines[i]
			}
			continue
		}
		if regexp.MustCompile(`(^|[\s(])--[a-z]`).MatchString(l) {
			t.Errorf("a review line names a flag: %q", l)
		}
	}
}
