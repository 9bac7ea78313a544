package tui

import (
	"context"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
)

// The find screen: the account as a tree with provenance, the details of
// the selected identity, a filter, who runs as a role, the warnings, and
// the jumps into change and modify.
func TestFindTree(t *testing.T) {
	h := newHarness(t)
	h.press("3")
	h.golden("tree", "2 domains · 2 notebook instances", "domain ml-platform (d-mlplatform)")
	h.press("down", "down", "down", "down")
	h.golden("details-erin", "user erin in d-mlplatform", "role does not exist")
	h.press("/")
	h.typeText("alice")
	h.golden("filter", "/alice", "user alice in d-research1")
	h.press("enter")
	h.press("u")
	h.golden("who-runs-as", "runs as", "notebook legacy-xgboost-training")
	h.press("esc")
	h.press("G")
	h.golden("bottom", "notebook churn-prediction")
	h.press("w")
	h.golden("warnings", "3 warnings")
	h.press("w")

	// c on a private space: the change flow, told which space, asks only
	// for the role.
	h.press("/")
	h.typeText("bob-exp")
	h.press("enter")
	h.waitFor("space bob-experiments in d-research1")
	h.press("c")
	h.golden("change-space", "New execution role for user bob (owner of private space bob-experiments)",
		"Space bob-experiments is private")
	h.press("esc")
	h.waitFor("space bob-experiments in d-research1")

	// m: modify the role the selected identity runs as.
	h.press("m")
	h.golden("modify", "role/sagemaker/DataScientistRestricted", "What to change in DataScientistRestricted")
	h.press("esc", "esc")
	h.waitFor("space bob-experiments in d-research1")
	h.press("esc", "esc")
	h.waitFor("Main menu")
}

// blockDomain holds one domain's description until released, so that a
// test sees the tree while the inventory is still reading.
type blockDomain struct {
	awsops.Backend
	id      string
	release chan struct{}
}

func (b blockDomain) DescribeDomain(ctx context.Context, id string) (awsops.Domain, error) {
	if id == b.id {
		select {
		case <-b.release:
		case <-ctx.Done():
			return awsops.Domain{}, ctx.Err()
		}
	}
	return b.Backend.DescribeDomain(ctx, id)
}

// The tree fills in domain by domain, with a progress indicator, while the
// inventory runs.
func TestFindFillsIn(t *testing.T) {
	release := make(chan struct{})
	h := newHarness(t, setup{wrap: func(b awsops.Backend) awsops.Backend {
		return blockDomain{Backend: b, id: "d-research1", release: release}
	}})
	h.press("3")
	h.golden("loading", "reading the account", "user dave", "domain research (d-research1)  reading…")
	close(release)
	h.golden("loaded", "2 domains · 2 notebook instances", "domain research (d-research1) · InService")
}

// An app that started before its identity's role last changed is marked in
// the details, as find's text and JSON mark it.
func TestFindMarksStaleApps(t *testing.T) {
	h := newHarness(t, setup{width: 120, height: 30})
	h.press("3")
	h.waitFor("2 domains")
	h.press("/")
	h.typeText("frank-work")
	h.press("enter")
	h.waitFor("space frank-workspace in d-mlplatform", "JupyterLab/default · InService (started", find.StaleWords)
}
