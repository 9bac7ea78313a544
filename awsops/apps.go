package awsops

import (
	"encoding/json"
	"fmt"
	"time"
)

// App statuses (sagemaker:DescribeApp's AppStatus) that are not among the
// statuses the other resources share.
const StatusDeleted = "Deleted"

// Studio app types (sagemaker:CreateApp's AppType).
const (
	AppJupyterServer    = "JupyterServer"
	AppKernelGateway    = "KernelGateway"
	AppDetailedProfiler = "DetailedProfiler"
	AppTensorBoard      = "TensorBoard"
	AppCodeEditor       = "CodeEditor"
	AppJupyterLab       = "JupyterLab"
	AppRStudioServerPro = "RStudioServerPro"
	AppRSessionGateway  = "RSessionGateway"
	AppCanvas           = "Canvas"
)

// AppRef names one Studio app: its domain, the space or the user profile
// it belongs to (exactly one of them), its type and its name — the key
// sagemaker:DescribeApp, DeleteApp and CreateApp take.
type AppRef struct {
	DomainID    string `json:"domainId"`
	UserProfile string `json:"userProfile,omitempty"`
	SpaceName   string `json:"spaceName,omitempty"`
	AppType     string `json:"appType"`
	AppName     string `json:"appName"`
}

// Ref is the key of a listed app.
func (a App) Ref() AppRef {
	return AppRef{DomainID: a.DomainID, UserProfile: a.UserProfile, SpaceName: a.SpaceName, AppType: a.AppType, AppName: a.AppName}
}

// Owner is the space or user profile the app belongs to, in words.
func (r AppRef) Owner() string {
	if r.SpaceName != "" {
		return "space " + r.SpaceName
	}
	return "user profile " + r.UserProfile
}

// String is the app in words: "JupyterLab/default in space alice-lab".
func (r AppRef) String() string { return fmt.Sprintf("%s/%s in %s", r.AppType, r.AppName, r.Owner()) }

// Path is the app as its ARN ends, app/DOMAIN/OWNER/TYPE/NAME without
// "app/": the target of its Ops.
func (r AppRef) Path() string {
	owner := r.SpaceName
	if owner == "" {
		owner = r.UserProfile
	}
	return r.DomainID + "/" + owner + "/" + r.AppType + "/" + r.AppName
}

// ResourceSpec is an app's ResourceSpec: what it runs on and with. Empty
// fields are not set.
type ResourceSpec struct {
	InstanceType       string `json:"instanceType,omitempty"`
	ImageARN           string `json:"sageMakerImageArn,omitempty"`
	ImageVersionARN    string `json:"sageMakerImageVersionArn,omitempty"`
	ImageVersionAlias  string `json:"sageMakerImageVersionAlias,omitempty"`
	LifecycleConfigARN string `json:"lifecycleConfigArn,omitempty"`
	TrainingPlanARN    string `json:"trainingPlanArn,omitempty"`
}

// IsZero reports whether no field of the spec is set.
func (s ResourceSpec) IsZero() bool { return s == ResourceSpec{} }

// AppDetail is sagemaker:DescribeApp, reduced to what restarting an app
// and warning about it need.
type AppDetail struct {
	AppRef
	ARN           string       `json:"arn,omitempty"`
	Status        string       `json:"status"`
	FailureReason string       `json:"failureReason,omitempty"`
	ResourceSpec  ResourceSpec `json:"resourceSpec"`
	CreationTime  time.Time    `json:"creationTime,omitzero"`
	// LastUserActivity is LastUserActivityTimestamp. AWS also moves it on
	// a health check without user activity, to LastHealthCheck's value.
	LastUserActivity time.Time `json:"lastUserActivity,omitzero"`
	LastHealthCheck  time.Time `json:"lastHealthCheck,omitzero"`
	RecoveryMode     bool      `json:"recoveryMode,omitempty"`
}

// API names and argument keys of the app writes.
const (
	APIDeleteApp = "sagemaker:DeleteApp"
	APICreateApp = "sagemaker:CreateApp"

	ArgSpaceName          = "spaceName"
	ArgAppType            = "appType"
	ArgAppName            = "appName"
	ArgInstanceType       = "instanceType"
	ArgImageARN           = "sageMakerImageArn"
	ArgImageVersionARN    = "sageMakerImageVersionArn"
	ArgImageVersionAlias  = "sageMakerImageVersionAlias"
	ArgLifecycleConfigARN = "lifecycleConfigArn"
	ArgTrainingPlanARN    = "trainingPlanArn"

	// StResourceSpec is an app's ResourceSpec, as JSON, in a State.
	StResourceSpec = "resourceSpec"
)

func appArgs(r AppRef) map[string]string {
	args := map[string]string{ArgDomainID: r.DomainID, ArgAppType: r.AppType, ArgAppName: r.AppName}
	if r.SpaceName != "" {
		args[ArgSpaceName] = r.SpaceName
	} else {
		args[ArgUserProfile] = r.UserProfile
	}
	return args
}

// DeleteAppOp stops and deletes an app (sagemaker:DeleteApp). What the
// app's space or profile stores stays; what runs in it — kernels, open
// terminals — is lost.
func DeleteAppOp(r AppRef) Op {
	return Op{API: APIDeleteApp, Target: r.Path(), Args: appArgs(r)}
}

// CreateAppOp starts an app (sagemaker:CreateApp) with a resource spec.
func CreateAppOp(r AppRef, spec ResourceSpec) Op {
	args := appArgs(r)
	for k, v := range map[string]string{ArgInstanceType: spec.InstanceType, ArgImageARN: spec.ImageARN,
		ArgImageVersionARN: spec.ImageVersionARN, ArgImageVersionAlias: spec.ImageVersionAlias,
		ArgLifecycleConfigARN: spec.LifecycleConfigARN, ArgTrainingPlanARN: spec.TrainingPlanARN} {
		if v != "" {
			args[k] = v
		}
	}
	return Op{API: APICreateApp, Target: r.Path(), Args: args}
}

// IsAppOp reports whether op stops or starts an app.
func IsAppOp(op Op) bool { return op.API == APIDeleteApp || op.API == APICreateApp }

// AppRefOf is the app an app Op acts on.
func AppRefOf(op Op) AppRef {
	a := op.arg
	return AppRef{DomainID: a(ArgDomainID), UserProfile: a(ArgUserProfile), SpaceName: a(ArgSpaceName), AppType: a(ArgAppType), AppName: a(ArgAppName)}
}

// SpecOf is the resource spec a CreateApp Op starts the app with.
func SpecOf(op Op) ResourceSpec {
	a := op.arg
	return ResourceSpec{InstanceType: a(ArgInstanceType), ImageARN: a(ArgImageARN), ImageVersionARN: a(ArgImageVersionARN),
		ImageVersionAlias: a(ArgImageVersionAlias), LifecycleConfigARN: a(ArgLifecycleConfigARN), TrainingPlanARN: a(ArgTrainingPlanARN)}
}

func specState(s ResourceSpec) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func specFromState(s string) ResourceSpec {
	var spec ResourceSpec
	_ = json.Unmarshal([]byte(s), &spec)
	return spec
}

// AppState is the State of an app as a snapshot records it: its status,
// and, unless it is deleted, its resource spec. A deleted app's state is
// its status alone, however AWS describes it (Deleted for a day, then not
// at all).
func AppState(d AppDetail) State {
	if d.Status == StatusDeleted {
		return State{StStatus: StatusDeleted}
	}
	return State{StStatus: d.Status, StResourceSpec: specState(d.ResourceSpec)}
}

// appRunning reports whether a recorded app state is an app that runs (or
// is starting).
func appRunning(s State) bool {
	return s[StStatus] == StatusInService || s[StStatus] == StatusPending
}

// appInverse undoes a DeleteApp or CreateApp: a deleted app that ran is
// started again with the spec it had; an app that was started, from
// nothing, is deleted.
func appInverse(op Op, before State) ([]Op, string) {
	r := AppRefOf(op)
	switch op.API {
	case APIDeleteApp:
		switch {
		case appRunning(before):
			return []Op{CreateAppOp(r, specFromState(before[StResourceSpec]))}, ""
		case before[StStatus] == StatusDeleted:
			return nil, ""
		}
		return nil, fmt.Sprintf("the app was %s, not running; undo does not start it", before[StStatus])
	case APICreateApp:
		if appRunning(before) {
			return nil, ""
		}
		return []Op{DeleteAppOp(r)}, ""
	}
	return nil, "unknown operation " + op.API
}
