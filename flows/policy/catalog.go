package policy

import (
	"slices"

	"github.com/sagerole/sagerole/awsops/rules"
)

// Choice is one name the command line and the wizard offer.
type Choice struct {
	Name        string
	Description string   // one line, for help and multi-selects
	Activities  []string // what a persona includes; empty otherwise
}

// Activity names (the CLI contract uses them).
const (
	Training   = "training"
	Processing = "processing"
	Tuning     = "tuning"
	Hosting    = "hosting"
	AutoML     = "automl"
	Notebook   = "notebook"
	Images     = "images"
	DomainKMS  = "domain-kms"
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

// Persona names.
const (
	DataScientist = "data-scientist"
	MLOps         = "mlops"
	Compute       = "compute"
)

// Activities lists the ML activities a custom scope is assembled from, in
// the order they are offered. Each is the per-API policy of seed 000.
func Activities() []Choice {
	return []Choice{
		{Name: Training, Description: "run training jobs (CreateTrainingJob): S3 data, ECR images, logs, metrics"},
		{Name: Processing, Description: "run processing jobs (CreateProcessingJob): S3 data, ECR images, logs, metrics"},
		{Name: Tuning, Description: "run hyperparameter tuning jobs (CreateHyperParameterTuningJob)"},
		{Name: Hosting, Description: "host models (CreateModel): read model artifacts from S3, pull ECR images"},
		{Name: AutoML, Description: "run AutoML jobs (CreateAutoMLJob): create models and endpoints, pass this role to SageMaker"},
		{Name: Notebook, Description: "work from a notebook instance (CreateNotebookInstance): notebook instances, jobs, models and endpoints in this account, ECR push, CodeCommit, pass this role"},
		{Name: Images, Description: "build SageMaker images (CreateImage/UpdateImage): pull from ECR"},
		{Name: DomainKMS, Description: "use a domain encrypted with a customer managed KMS key (CreateDomain KmsKeyId); needs --kms-key"},
	}
}

// Guardrails lists the restrictions of seed 002 a custom scope can add, as
// Deny statements that hold whatever else the role allows.
func Guardrails() []Choice {
	return []Choice{
		{Name: InstanceTypes, Description: "create jobs and endpoint configs only on the allowed instance types (sagemaker:InstanceTypes); needs --instance-type"},
		{Name: NetworkIsolation, Description: "create training and tuning jobs only with network isolation (sagemaker:NetworkIsolation)"},
		{Name: VPCOnly, Description: "create jobs, models and notebooks only inside a VPC (sagemaker:VpcSubnets, sagemaker:VpcSecurityGroupIds)"},
		{Name: VolumeKMS, Description: "create jobs only with a volume KMS key (sagemaker:VolumeKmsKeyArn)"},
		{Name: NotebookNoRoot, Description: "create and update notebook instances only with root access disabled (sagemaker:RootAccess)"},
		{Name: NotebookNoInternet, Description: "create notebook instances only with direct internet access disabled (sagemaker:DirectInternetAccess)"},
		{Name: SourceIP, Description: "call SageMaker APIs only from the given IP ranges (aws:SourceIp); needs --source-ip"},
		{Name: SourceVPCE, Description: "call SageMaker APIs only through the given VPC endpoints (aws:SourceVpce); needs --source-vpce"},
		{Name: TagAccess, Description: "act only on SageMaker resources tagged KEY=VALUE or untagged (aws:ResourceTag/KEY); needs --tag-key and --tag-value"},
		{Name: AddTagsOnCreate, Description: "add tags only while creating a resource (sagemaker:AddTags with sagemaker:TaggingAction)"},
	}
}

// Personas lists the presets, the way SageMaker Role Manager offers them.
func Personas() []Choice {
	return []Choice{
		{Name: DataScientist, Description: "data scientist: train, process, tune, host, AutoML and notebooks, on the given buckets",
			Activities: []string{Training, Processing, Tuning, Hosting, AutoML, Notebook}},
		{Name: MLOps, Description: "MLOps: host models, run processing, build images, on the given buckets",
			Activities: []string{Hosting, Processing, Images}},
		{Name: Compute, Description: "compute: what a job's own role needs — S3, ECR pull, logs, metrics",
			Activities: []string{Training, Processing}},
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
	for _, p := range Personas() {
		if p.Name == persona {
			return slices.Clone(p.Activities), nil
		}
	}
	return nil, rules.OneOf("persona", persona, names(Personas()))
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
