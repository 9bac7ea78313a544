package policy

import (
	"slices"

	"github.com/sagerole/sagerole/awsops/rules"
)

// Choice is one name the command line and the wizard offer.
type Choice struct {
	Name string
	// Title is what a person calls it: Role Manager's name for the ML
	// activities and personas it has ("Run Studio applications"), the
	// SageMaker API section's for the others.
	Title       string
	Description string   // one line, for help and multi-selects
	Activities  []string // what a persona includes; empty otherwise
}

// Label is "Title (name)", how the review and the wizard name a choice.
func (c Choice) Label() string { return c.Title + " (" + c.Name + ")" }

// Activity names (the CLI contract uses them). The first eight are the
// per-API policies of seed 000; the others are SageMaker Role Manager's ML
// activities (docs: sagemaker/latest/dg/role-manager-ml-activities.html;
// the templates of github.com/cdklabs/cdk-aws-sagemaker-role-manager,
// assets/templates), scoped tighter — see doc.go.
const (
	Training   = "training"
	Processing = "processing"
	Tuning     = "tuning"
	Hosting    = "hosting"
	AutoML     = "automl"
	Notebook   = "notebook"
	Images     = "images"
	DomainKMS  = "domain-kms"

	AWSServices       = "aws-services"       // Access required AWS services (SM_ComputeExecutionRole)
	StudioApps        = "studio-apps"        // Run Studio applications (SM_StudioAppPermissions)
	MLJobs            = "ml-jobs"            // Manage ML jobs (SM_CommonJobManagement)
	Models            = "models"             // Manage models (SM_ModelManagement)
	Endpoints         = "endpoints"          // Manage endpoints (SM_EndpointDeployment)
	Pipelines         = "pipelines"          // Manage pipelines (SM_PipelineManagement)
	Experiments       = "experiments"        // Manage experiments (SM_ExperimentsManagement)
	SearchExperiments = "search-experiments" // Search and visualize experiments (SM_ExperimentsVisualization)
	Monitoring        = "monitoring"         // Manage model monitoring (SM_ModelMonitoring)
	S3Buckets         = "s3-buckets"         // S3 bucket access (SageMakerS3BucketPolicyTemplate)
	GlueTables        = "glue-tables"        // Manage AWS Glue tables (SM_GlueTableManagement)
	GlueSessions      = "glue-sessions"      // Glue interactive sessions from Studio
	Athena            = "athena"             // Query Athena workgroups (SM_AthenaQueryAccess)
	EMRServerless     = "emr-serverless"     // EMR Serverless applications from Studio
	MLflow            = "mlflow"             // Use MLflow, Manage MLflow tracking servers
	Canvas            = "canvas"             // SageMaker Canvas core access
	CanvasMLOps       = "canvas-mlops"       // SageMaker Canvas MLOps: deploy and register Canvas models
	CanvasAIServices  = "canvas-ai-services" // SageMaker Canvas AI services (ready-to-use models)
)

// Guardrail names.
const (
	InstanceTypes      = "instance-types"
	NetworkIsolation   = "network-isolation"
	VPCOnly            = "vpc-only"
	VolumeKMS          = "volume-kms"
	NotebookNoRoot     = "notebook-no-root"
	NotebookNoInternet = "notebook-no-internet"
	SourceIP           = "source-ip"
	SourceVPCE         = "source-vpce"
	TagAccess          = "tag-access"
	AddTagsOnCreate    = "addtags-on-create"
)

// Persona names. They are Role Manager's three personas (docs:
// sagemaker/latest/dg/role-manager-personas.html), under the names
// sagerole has always used for them.
const (
	DataScientist = "data-scientist"
	MLOps         = "mlops"
	Compute       = "compute"
)

// Activities lists the ML activities a custom scope is assembled from, in
// the order they are offered: Role Manager's first, then seed 000's
// per-API policies.
func Activities() []Choice {
	return []Choice{
		{Name: AWSServices, Title: "Access required AWS services", Description: "what a job's or endpoint's own role needs: S3 on the buckets, ECR pull, metrics in SageMaker namespaces, logs on /aws/sagemaker/*"},
		{Name: StudioApps, Title: "Run Studio applications", Description: "JupyterLab, Code Editor: apps and spaces of the caller's own user profile, shared spaces, the caller's own presigned URL"},
		{Name: MLJobs, Title: "Manage ML jobs", Description: "training, processing, tuning, transform and AutoML jobs in this account: create, watch, stop, list; pass this role"},
		{Name: Models, Title: "Manage models", Description: "models and the model registry (model packages and groups) in this account; pass this role"},
		{Name: Endpoints, Title: "Manage endpoints", Description: "endpoint configs and endpoints in this account: deploy, update, delete, invoke"},
		{Name: Pipelines, Title: "Manage pipelines", Description: "SageMaker Pipelines and their executions, schedules through EventBridge Scheduler; pass this role"},
		{Name: Experiments, Title: "Manage experiments", Description: "experiments, trials, trial components and lineage entities in this account"},
		{Name: SearchExperiments, Title: "Search and visualize experiments", Description: "describe, list, search and query the lineage of experiments"},
		{Name: Monitoring, Title: "Manage model monitoring", Description: "Model Monitor schedules, job definitions and their processing jobs; pass this role"},
		{Name: S3Buckets, Title: "S3 bucket access", Description: "list, read, write and delete in the buckets named with --bucket (and nowhere else)"},
		{Name: GlueTables, Title: "Manage AWS Glue tables", Description: "search and read Glue tables of sagemaker_featurestore and the --glue-database databases, update Feature Store's"},
		{Name: GlueSessions, Title: "Glue interactive sessions", Description: "Glue interactive sessions from Studio; the role trusts glue.amazonaws.com and passes itself to it"},
		{Name: Athena, Title: "Query Athena workgroups", Description: "run and read Athena queries in the --athena-workgroup workgroups (primary by default)"},
		{Name: EMRServerless, Title: "Use EMR Serverless", Description: "start, stop and run jobs on the account's EMR Serverless applications from Studio; the role trusts emr-serverless.amazonaws.com and passes itself as the runtime role"},
		{Name: MLflow, Title: "Use MLflow", Description: "MLflow tracking servers in this account: create, start, stop, open, and log experiments, runs and models to them; pass this role"},
		{Name: Canvas, Title: "SageMaker Canvas core access", Description: "the caller's own Canvas app, AutoML jobs and models named for Canvas, Canvas's folders of the default bucket; pass this role"},
		{Name: CanvasMLOps, Title: "SageMaker Canvas MLOps", Description: "deploy Canvas models to endpoints named for Canvas, register them in the model registry"},
		{Name: CanvasAIServices, Title: "SageMaker Canvas AI services", Description: "Canvas's ready-to-use models: Textract, Comprehend, Rekognition (no resource types: \"*\")"},
		{Name: Training, Title: "Training jobs", Description: "run training jobs (CreateTrainingJob): S3 data, ECR images, logs, metrics"},
		{Name: Processing, Title: "Processing jobs", Description: "run processing jobs (CreateProcessingJob): S3 data, ECR images, logs, metrics"},
		{Name: Tuning, Title: "Tuning jobs", Description: "run hyperparameter tuning jobs (CreateHyperParameterTuningJob)"},
		{Name: Hosting, Title: "Hosting", Description: "host models (CreateModel): read model artifacts from S3, pull ECR images"},
		{Name: AutoML, Title: "AutoML jobs", Description: "run AutoML jobs (CreateAutoMLJob): create models and endpoints, pass this role to SageMaker"},
		{Name: Notebook, Title: "Notebook instances", Description: "work from a notebook instance (CreateNotebookInstance): notebook instances, jobs, models and endpoints in this account, ECR push, CodeCommit, pass this role"},
		{Name: Images, Title: "SageMaker images", Description: "build SageMaker images (CreateImage/UpdateImage): pull from ECR"},
		{Name: DomainKMS, Title: "Domain KMS key", Description: "use a domain encrypted with a customer managed KMS key (CreateDomain KmsKeyId); needs --kms-key"},
	}
}

// Guardrails lists the restrictions of seed 002 a custom scope can add, as
// Deny statements that hold whatever else the role allows.
func Guardrails() []Choice {
	return []Choice{
		{Name: InstanceTypes, Title: "Instance types", Description: "create jobs, endpoint configs, apps and spaces only on the allowed instance types (sagemaker:InstanceTypes); needs --instance-type"},
		{Name: NetworkIsolation, Title: "Network isolation", Description: "create training and tuning jobs only with network isolation (sagemaker:NetworkIsolation)"},
		{Name: VPCOnly, Title: "VPC only", Description: "create jobs, models and notebooks only inside a VPC (sagemaker:VpcSubnets, sagemaker:VpcSecurityGroupIds)"},
		{Name: VolumeKMS, Title: "Volume KMS key", Description: "create jobs only with a volume KMS key (sagemaker:VolumeKmsKeyArn)"},
		{Name: NotebookNoRoot, Title: "Notebooks without root", Description: "create and update notebook instances only with root access disabled (sagemaker:RootAccess)"},
		{Name: NotebookNoInternet, Title: "Notebooks without internet", Description: "create notebook instances only with direct internet access disabled (sagemaker:DirectInternetAccess)"},
		{Name: SourceIP, Title: "Source IP", Description: "call SageMaker APIs only from the given IP ranges (aws:SourceIp); needs --source-ip"},
		{Name: SourceVPCE, Title: "Source VPC endpoint", Description: "call SageMaker APIs only through the given VPC endpoints (aws:SourceVpce); needs --source-vpce"},
		{Name: TagAccess, Title: "Tag-based access", Description: "act only on SageMaker resources tagged KEY=VALUE or untagged (aws:ResourceTag/KEY); needs --tag-key and --tag-value"},
		{Name: AddTagsOnCreate, Title: "Tags only on create", Description: "add tags only while creating a resource (sagemaker:AddTags with sagemaker:TaggingAction)"},
	}
}

// Personas lists Role Manager's personas, each built from the activities
// Role Manager preselects for it (role-manager-personas.html), with the
// ones sagerole's issue 11 adds to the data scientist: Glue tables, Canvas,
// MLflow and EMR Serverless. S3 bucket access joins a persona when buckets
// are named (it grants nothing without them).
func Personas() []Choice {
	return []Choice{
		{Name: DataScientist, Title: "Data Scientist", Description: "general ML development and experimentation in Studio: apps, jobs, models, Glue tables, Canvas, MLflow, EMR Serverless, the named buckets",
			Activities: []string{StudioApps, MLJobs, Models, GlueTables, Canvas, MLflow, EMRServerless, S3Buckets}},
		{Name: MLOps, Title: "MLOps", Description: "operations: Studio apps, models, endpoints, pipelines, experiment search, model monitoring",
			Activities: []string{StudioApps, Models, Endpoints, Pipelines, SearchExperiments, Monitoring}},
		{Name: Compute, Title: "SageMaker AI Compute", Description: "the role jobs and endpoints run as: S3 on the named buckets, ECR pull, SageMaker metrics and logs",
			Activities: []string{AWSServices}},
	}
}

func names(l []Choice) []string {
	out := make([]string, len(l))
	for i, c := range l {
		out[i] = c.Name
	}
	return out
}

// PersonaActivities returns the activities of a persona.
func PersonaActivities(persona string) ([]string, error) {
	p, err := PersonaChoice(persona)
	if err != nil {
		return nil, err
	}
	return slices.Clone(p.Activities), nil
}

// PersonaChoice returns a persona by name.
func PersonaChoice(persona string) (Choice, error) {
	for _, p := range Personas() {
		if p.Name == persona {
			return p, nil
		}
	}
	return Choice{}, rules.OneOf("persona", persona, names(Personas()))
}

// ActivityChoice returns an activity by name; ok is false for a name that
// is none.
func ActivityChoice(name string) (Choice, bool) {
	for _, a := range Activities() {
		if a.Name == name {
			return a, true
		}
	}
	return Choice{}, false
}

// Labels gives each activity named as its Label, in the order given.
func Labels(activities []string) []string {
	out := make([]string, len(activities))
	for i, a := range activities {
		if c, ok := ActivityChoice(a); ok {
			out[i] = c.Label()
		} else {
			out[i] = a
		}
	}
	return out
}

// ordered returns the names of want that are in catalog, in catalog order,
// each once.
func ordered(catalog []Choice, want map[string]bool) []string {
	var out []string
	for _, c := range catalog {
		if want[c.Name] {
			out = append(out, c.Name)
		}
	}
	return out
}

// guardrailTemplates are the template files of each guardrail.
func guardrailTemplate(name string) string { return "guardrails/" + name }

func activityTemplate(name string) string { return "activities/" + name }

func mustKnown(field string, catalog []Choice, values []string) error {
	valid := names(catalog)
	for _, v := range values {
		if err := rules.OneOf(field, v, valid); err != nil {
			return err
		}
	}
	return nil
}
