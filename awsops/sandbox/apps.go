package sandbox

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

// Studio apps as SageMaker runs them: DeleteApp moves an app to Deleting
// and, some DescribeApp calls later, Deleted; CreateApp to Pending and then
// InService (or Failed, when a failure is injected). A deleted app stays
// described and listed, as SageMaker keeps it for a day; CreateApp of the
// same space or profile, type and name starts it again in its place.

const apiDescribeApp = "sagemaker:DescribeApp"

// defaultAppPolls is how many DescribeApp calls see an app Deleting or
// Pending before it settles, unless Options.AppPolls says otherwise.
const defaultAppPolls = 2

// activeUserLag is how long ago a user who works in an app now
// (fileApp.UserActive) last did something in it.
const activeUserLag = 90 * time.Second

var appTypes = []string{awsops.AppJupyterServer, awsops.AppKernelGateway, awsops.AppDetailedProfiler, awsops.AppTensorBoard,
	awsops.AppCodeEditor, awsops.AppJupyterLab, awsops.AppRStudioServerPro, awsops.AppRSessionGateway, awsops.AppCanvas}

// clockNow is the account's time now, without moving its clock on: the
// clock of Options.Now, or the deterministic clock where it stands.
// Called with the lock held.
func (a *Account) clockNow() time.Time {
	if a.now != nil {
		return a.now().UTC()
	}
	return a.st.clock
}

func (a *Account) appARN(r awsops.AppRef) string {
	return a.smARN("app", r.Path())
}

// checkAppRef is SageMaker's request validation of an app's key.
func checkAppRef(api string, r awsops.AppRef) error {
	if (r.SpaceName == "") == (r.UserProfile == "") {
		return awsops.NewError(api, "ValidationException", "Exactly one of UserProfileName and SpaceName must be specified.")
	}
	if !slices.Contains(appTypes, r.AppType) {
		return smConstraint(api, r.AppType, "appType", "Member must satisfy enum value set: [JupyterServer, KernelGateway, DetailedProfiler, TensorBoard, CodeEditor, JupyterLab, RStudioServerPro, RSessionGateway, Canvas]")
	}
	if err := checkSageMakerName(api, "appName", r.AppName); err != nil {
		return err
	}
	return nil
}

// appLocked finds an app, after checking that its domain and its space or
// profile exist. A missing app is nil, not an error. Called with the lock
// held.
func (a *Account) appLocked(api string, r awsops.AppRef) (*domain, *fileApp, error) {
	d, err := a.domainLocked(api, r.DomainID)
	if err != nil {
		return nil, nil, err
	}
	if r.SpaceName != "" {
		if _, err := a.spaceLocked(api, r.DomainID, r.SpaceName); err != nil {
			return nil, nil, err
		}
	} else if _, _, err := a.profileLocked(api, r.DomainID, r.UserProfile); err != nil {
		return nil, nil, err
	}
	for _, ap := range d.apps {
		if ap.UserProfile == r.UserProfile && ap.SpaceName == r.SpaceName && ap.AppType == r.AppType && ap.AppName == r.AppName {
			return d, ap, nil
		}
	}
	return d, nil, nil
}

func (a *Account) appNotFound(api string, r awsops.AppRef) error {
	return awsops.NewError(api, "ResourceNotFound", fmt.Sprintf("App %s does not exist.", a.appARN(r)))
}

func (a *Account) appPolls() int {
	if a.appPollsOpt > 0 {
		return a.appPollsOpt
	}
	return defaultAppPolls
}

// DescribeApp is sagemaker:DescribeApp. A status on its way (Deleting,
// Pending) moves on once enough calls have seen it; the move is committed
// like a write.
func (a *Account) DescribeApp(ctx context.Context, r awsops.AppRef) (awsops.AppDetail, error) {
	if err := a.begin(ctx, apiDescribeApp); err != nil {
		return awsops.AppDetail{}, err
	}
	if err := checkAppRef(apiDescribeApp, r); err != nil {
		return awsops.AppDetail{}, err
	}
	if err := a.enter(ctx, apiDescribeApp); err != nil {
		return awsops.AppDetail{}, err
	}
	defer a.leave()
	_, ap, err := a.appLocked(apiDescribeApp, r)
	if err != nil {
		return awsops.AppDetail{}, err
	}
	if ap == nil {
		return awsops.AppDetail{}, a.appNotFound(apiDescribeApp, r)
	}
	out := awsops.AppDetail{AppRef: r, ARN: a.appARN(r), Status: ap.Status, FailureReason: ap.FailureReason,
		CreationTime: ap.CreationTime, LastUserActivity: ap.LastUserActivity, LastHealthCheck: ap.LastHealthCheck,
		RecoveryMode: ap.RecoveryMode}
	if ap.ResourceSpec != nil {
		out.ResourceSpec = *ap.ResourceSpec
	}
	if ap.UserActive && ap.Status == awsops.StatusInService {
		out.LastUserActivity = a.clockNow().Add(-activeUserLag)
	}
	if ap.NextStatus != "" {
		if ap.Polls > 1 {
			ap.Polls--
		} else {
			ap.Status, ap.NextStatus, ap.Polls = ap.NextStatus, "", 0
			if ap.Status == awsops.StatusFailed {
				ap.FailureReason, ap.NextFailure = ap.NextFailure, ""
			}
		}
		if err := a.commit(apiDescribeApp); err != nil {
			return awsops.AppDetail{}, err
		}
	}
	return out, nil
}

// DeleteApp is sagemaker:DeleteApp: an InService or Failed app is Deleting,
// then Deleted. Anything else is refused as SageMaker refuses it.
func (a *Account) DeleteApp(ctx context.Context, r awsops.AppRef) error {
	const api = awsops.APIDeleteApp
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	if err := checkAppRef(api, r); err != nil {
		return err
	}
	if err := a.enter(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	_, ap, err := a.appLocked(api, r)
	if err != nil {
		return err
	}
	switch {
	case ap == nil || ap.Status == awsops.StatusDeleted:
		return a.appNotFound(api, r)
	case ap.Status != awsops.StatusInService && ap.Status != awsops.StatusFailed:
		return awsops.NewError(api, "ResourceInUse", fmt.Sprintf("App %s is %s: it can be deleted once it is InService or Failed.", a.appARN(r), ap.Status))
	}
	ap.Status, ap.NextStatus, ap.Polls = awsops.StatusDeleting, awsops.StatusDeleted, a.appPolls()
	ap.UserActive = false
	return a.commit(api)
}

// CreateApp is sagemaker:CreateApp: the app is Pending, then InService (or
// Failed, with the failure SetAppFailure injected). An app of that key
// that is not Deleted is refused with ResourceInUse, as SageMaker refuses
// it; a deleted one is started again in its place, with the spec given.
func (a *Account) CreateApp(ctx context.Context, r awsops.AppRef, spec awsops.ResourceSpec) error {
	const api = awsops.APICreateApp
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	if err := checkAppRef(api, r); err != nil {
		return err
	}
	if r.SpaceName != "" && r.AppType == awsops.AppCanvas {
		return awsops.NewError(api, "ValidationException", "Canvas apps belong to a user profile, not to a space.")
	}
	if err := a.enter(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	d, ap, err := a.appLocked(api, r)
	if err != nil {
		return err
	}
	if ap != nil && ap.Status != awsops.StatusDeleted {
		return awsops.NewError(api, "ResourceInUse", fmt.Sprintf("App %s already exists with status %s.", a.appARN(r), ap.Status))
	}
	if ap == nil {
		ap = &fileApp{UserProfile: r.UserProfile, SpaceName: r.SpaceName, AppType: r.AppType, AppName: r.AppName}
		d.apps = append(d.apps, ap)
	}
	if spec.InstanceType == "" {
		spec.InstanceType = defaultInstanceType(r.AppType)
	}
	next, failure := awsops.StatusInService, ap.NextFailure
	if failure != "" {
		next = awsops.StatusFailed
	}
	*ap = fileApp{UserProfile: r.UserProfile, SpaceName: r.SpaceName, AppType: r.AppType, AppName: r.AppName,
		Status: awsops.StatusPending, NextStatus: next, Polls: a.appPolls(), NextFailure: failure,
		CreationTime: a.tick(), ResourceSpec: &spec}
	return a.commit(api)
}

// defaultInstanceType is what SageMaker gives an app started without an
// instance type and no default of its space or profile: Studio Classic's
// Jupyter server runs on "system", the rest on ml.t3.medium.
func defaultInstanceType(appType string) string {
	switch appType {
	case awsops.AppJupyterServer, awsops.AppCanvas, awsops.AppRStudioServerPro:
		return "system"
	}
	return "ml.t3.medium"
}

// SetAppFailure makes the next CreateApp of app r be accepted and end
// Failed with reason (reason "" clears it): a test's knob, like SetFault
// for a refused request.
func (a *Account) SetAppFailure(r awsops.AppRef, reason string) error {
	const api = "sandbox:SetAppFailure"
	if err := a.enter(context.Background(), api); err != nil {
		return err
	}
	defer a.leave()
	d, ap, err := a.appLocked(api, r)
	if err != nil {
		return err
	}
	if ap == nil {
		// A failure for an app not created yet: kept on a Deleted stub.
		ap = &fileApp{UserProfile: r.UserProfile, SpaceName: r.SpaceName, AppType: r.AppType, AppName: r.AppName, Status: awsops.StatusDeleted}
		d.apps = append(d.apps, ap)
	}
	ap.NextFailure = reason
	return a.commit(api)
}

// PutApp adds an app as DescribeApp would describe it (its spec, creation
// time, last activity; UserActive: someone works in it now), or replaces
// the app of that key: setup for tests, not a call under test.
func (a *Account) PutApp(d awsops.AppDetail, userActive bool) error {
	const api = "sagemaker:CreateApp"
	if err := checkAppRef(api, d.AppRef); err != nil {
		return err
	}
	if d.Status == "" {
		d.Status = awsops.StatusInService
	}
	if err := a.enter(context.Background(), api); err != nil {
		return err
	}
	defer a.leave()
	dom, ap, err := a.appLocked(api, d.AppRef)
	if err != nil {
		return err
	}
	if ap == nil {
		ap = &fileApp{}
		dom.apps = append(dom.apps, ap)
	}
	spec := d.ResourceSpec
	*ap = fileApp{UserProfile: d.UserProfile, SpaceName: d.SpaceName, AppType: d.AppType, AppName: d.AppName, Status: d.Status,
		FailureReason: d.FailureReason, CreationTime: d.CreationTime, ResourceSpec: &spec, LastUserActivity: d.LastUserActivity,
		LastHealthCheck: d.LastHealthCheck, UserActive: userActive, RecoveryMode: d.RecoveryMode}
	return a.commit(api)
}

// Now is the account's time now (Options.Now, or the deterministic clock
// where it stands), without moving the clock on: what a test measures an
// app's last activity from.
func (a *Account) Now() time.Time {
	if a.now != nil {
		return a.now().UTC()
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.st.clock
}
