// Package rolemanager recognises the roles Amazon SageMaker Role Manager
// made — from its console or from its CDK library — and says which
// sagerole activities and options they correspond to, what does not
// match, and the sagerole modify line that puts the role in sagerole's
// terms, so that a role Role Manager built can be edited with activities
// instead of raw JSON.
//
// What Role Manager writes, from its sources (read, not copied):
//   - role names: the console adds the prefix "sagemaker-" to the name given
//     (sagemaker/latest/dg/role-manager-faqs.html, "How can I view the
//     roles…"); the CDK library names its roles "SageMaker-"+suffix
//     (cdklabs/cdk-aws-sagemaker-role-manager, src/activity.ts and
//     src/persona.ts, createRole);
//   - policy names: one policy per ML activity, named after the activity's
//     template — SM_CommonJobManagement, SM_StudioAppPermissions… — with
//     _VPC and/or _KMS when the VPC or KMS customization is on, then
//     _V<version>_<timestamp> (src/util.ts getTemplateFile, src/activity.ts
//     createPolicy: `${templateFile.name}_V${this.version}_${timestamp}`);
//     the CDK's are inline policies, the console's customer managed ones of
//     the same names;
//   - the templates' documents: assets/templates/*.json of the same
//     repository, one per activity and customization.
package rolemanager

import (
	"regexp"
	"strconv"

	"github.com/sagerole/sagerole/flows/policy"
)

// template is one of Role Manager's policy templates: its name (the policy
// name's stem), the ML activity's name in Role Manager, and the sagerole
// activity that does its job ("" when sagerole has none).
type template struct {
	Name     string
	Title    string
	Activity string
	// NoEquivalent says, for a template sagerole has no activity for, what
	// to do instead.
	NoEquivalent string
}

// templates are Role Manager's templates (src/activity.ts, the activity
// name constants; role-manager-ml-activities.html for the titles).
var templates = []template{
	{Name: "SM_ComputeExecutionRole", Title: "Access Required AWS Services", Activity: policy.AWSServices},
	{Name: "SM_StudioAppPermissions", Title: "Run Studio Applications", Activity: policy.StudioApps},
	{Name: "SM_CommonJobManagement", Title: "Manage ML Jobs", Activity: policy.MLJobs},
	{Name: "SM_ModelManagement", Title: "Manage Models", Activity: policy.Models},
	{Name: "SM_EndpointDeployment", Title: "Manage Endpoints", Activity: policy.Endpoints},
	{Name: "SM_PipelineManagement", Title: "Manage Pipelines", Activity: policy.Pipelines},
	{Name: "SM_ExperimentsManagement", Title: "Manage Experiments", Activity: policy.Experiments},
	{Name: "SM_ExperimentsVisualization", Title: "Search and Visualize Experiments", Activity: policy.SearchExperiments},
	{Name: "SM_ModelMonitoring", Title: "Manage Model Monitoring", Activity: policy.Monitoring},
	{Name: "SageMakerS3BucketPolicyTemplate", Title: "S3 Bucket Access", Activity: policy.S3Buckets},
	{Name: "SageMakerS3AllResourcesPolicyTemplate", Title: "S3 Full Access",
		NoEquivalent: "sagerole grants S3 only on buckets it is given: name them with --add-bucket"},
	{Name: "SM_AthenaQueryAccess", Title: "Query Athena Workgroups", Activity: policy.Athena},
	{Name: "SM_GlueTableManagement", Title: "Manage AWS Glue Tables", Activity: policy.GlueTables},
}

// managed are the AWS managed policies Role Manager's console attaches for
// its Canvas activities (sagemaker/latest/dg/security-iam-awsmanpol-canvas.html),
// and the sagerole activity for each.
var managed = map[string]template{
	"AmazonSageMakerCanvasFullAccess":       {Name: "AmazonSageMakerCanvasFullAccess", Title: "SageMaker Canvas Core Access", Activity: policy.Canvas},
	"AmazonSageMakerCanvasAIServicesAccess": {Name: "AmazonSageMakerCanvasAIServicesAccess", Title: "SageMaker Canvas AI Services", Activity: policy.CanvasAIServices},
	"AmazonSageMakerCanvasDirectDeployAccess": {Name: "AmazonSageMakerCanvasDirectDeployAccess", Title: "SageMaker Canvas MLOps",
		Activity: policy.CanvasMLOps},
	"AmazonSageMakerCanvasDataPrepFullAccess": {Name: "AmazonSageMakerCanvasDataPrepFullAccess", Title: "SageMaker Canvas Data Preparation",
		NoEquivalent: "sagerole has no Data Wrangler activity: keep the managed policy attached"},
}

// policyNameRE reads a Role Manager policy name: the template, the
// customizations, the version and the timestamp.
var policyNameRE = regexp.MustCompile(`^([A-Za-z0-9]+(?:_[A-Za-z][A-Za-z0-9]*)*?)(_VPC)?(_KMS)?(?:_V(\d+))?(?:_(\d{10,}))?$`)

// parsed is what a policy's name says.
type parsed struct {
	template
	VPC, KMS bool
	Version  int
}

// parseName returns the template a policy name is made from, if any.
func parseName(name string) (parsed, bool) {
	m := policyNameRE.FindStringSubmatch(name)
	if m == nil {
		return parsed{}, false
	}
	for _, t := range templates {
		if t.Name == m[1] {
			v := 1
			if m[4] != "" {
				v, _ = strconv.Atoi(m[4])
			}
			return parsed{template: t, VPC: m[2] != "", KMS: m[3] != "", Version: v}, true
		}
	}
	return parsed{}, false
}

// personas are Role Manager's personas by their preselected activities
// (role-manager-personas.html), to name the one a role was made from.
var personas = []struct {
	Title, Persona string
	Activities     []string
}{
	{"Data Scientist", policy.DataScientist, []string{policy.StudioApps, policy.MLJobs, policy.Models, policy.Experiments, policy.SearchExperiments, policy.S3Buckets}},
	{"MLOps", policy.MLOps, []string{policy.StudioApps, policy.Models, policy.Endpoints, policy.Pipelines, policy.SearchExperiments}},
	{"SageMaker Compute Role", policy.Compute, []string{policy.AWSServices}},
}

// IsTemplateName reports whether a policy name is made from one of Role
// Manager's templates.
func IsTemplateName(name string) bool {
	_, ok := parseName(name)
	return ok
}
