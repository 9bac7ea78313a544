package undo

import (
	"context"
	"fmt"

	"github.com/sagerole/sagerole/awsops"
)

// Settle reads back the steps of e whose outcome is not known (the run
// ended while they were being sent, or an earlier read back failed),
// records what it found in j (nil: not recorded, as in a dry run), and
// says it, one sentence per step that changed.
func Settle(ctx context.Context, r awsops.Reader, j *awsops.Journal, e *awsops.Entry) ([]string, error) {
	prev := make([]awsops.StepStatus, len(e.Steps))
	for i, s := range e.Steps {
		prev[i] = s.Status
	}
	if !awsops.Settle(ctx, r, e) {
		return nil, nil
	}
	var out []string
	for i, s := range e.Steps {
		if s.Status != prev[i] {
			out = append(out, fmt.Sprintf("Step %d of entry %s (%s %s): %s.", i+1, e.ID, s.Op.API, s.Op.Target, s.Outcome))
		}
	}
	if j != nil {
		if err := j.Save(e); err != nil {
			return out, fmt.Errorf("recording what was read back: %w", err)
		}
	}
	return out, nil
}
