package lint

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/sagerole/sagerole/flows/policy/iamref"
)

var (
	refOnce sync.Once
	theRef  *iamref.Reference
	refErr  error
)

func ref(t testing.TB) *iamref.Reference {
	t.Helper()
	refOnce.Do(func() { theRef, refErr = iamref.Load() })
	if refErr != nil {
		t.Fatal(refErr)
	}
	return theRef
}

// want is a finding the corpus expects: its code, level and statement
// (0: the document), and the value it is about when that matters.
type want struct {
	code  string
	level Level
	stmt  int
	value string
}

func (w want) String() string { return fmt.Sprintf("%s/%s/%d/%s", w.code, w.level, w.stmt, w.value) }

func got(fs []Finding, withValue map[string]bool) []string {
	var out []string
	for _, f := range fs {
		v := ""
		if withValue[f.Code] {
			v = f.Value
		}
		out = append(out, want{f.Code, f.Level, f.Statement, v}.String())
	}
	sort.Strings(out)
	return out
}

func doc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

// badCorpus holds documents with known faults: each case lists exactly the
// findings it must give, no more. Together they find every code of Codes.
var badCorpus = []struct {
	name string
	kind Kind
	text string
	want []want
}{
	{"no version, with a policy variable", Auto,
		`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}`,
		[]want{{"no-version", Warning, 0, ""}}},
	{"old version without variables", Auto,
		`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`,
		[]want{{"no-version", Suggestion, 0, ""}}},
	{"Sids: a character IAM refuses, and a repeat", Auto,
		doc(`{"Sid":"read-data","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
			`{"Sid":"Write","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}`,
			`{"Sid":"Write","Effect":"Allow","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}`),
		[]want{{"invalid-sid", Error, 1, ""}, {"duplicate-sid", Error, 3, ""}}},
	{"actions that do not exist", Auto,
		doc(`{"Effect":"Allow","Action":["s3:GetObjekt","s3:Fetch*","GetObject","nosuchsvc:Get","appflow:ListFlows"],"Resource":"*"}`),
		[]want{{"unknown-action", Error, 1, "s3:GetObjekt"}, {"unknown-action", Error, 1, "s3:Fetch*"},
			{"unknown-action", Error, 1, "GetObject"}, {"unknown-service", Error, 1, "nosuchsvc:Get"},
			{"not-checked", Suggestion, 1, "appflow:ListFlows"}}},
	{"RoboMaker ended, athena:RunQuery deprecated", Auto,
		doc(`{"Effect":"Allow","Action":["robomaker:CreateSimulationJob","robomaker:DescribeSimulationJob","athena:RunQuery"],"Resource":"*"}`),
		[]want{{"ended-service", Warning, 1, "robomaker:CreateSimulationJob"}, {"deprecated-action", Warning, 1, "athena:RunQuery"}}},
	{"PutObjectAcl on a bucket ARN (seed 000's policy)", Auto,
		doc(`{"Effect":"Allow","Action":["s3:GetBucketAcl","s3:PutObjectAcl"],"Resource":"arn:aws:s3:::team-data"}`),
		[]want{{"resource-mismatch", Error, 1, "s3:PutObjectAcl"}}},
	{"ListBucket on objects only, and an ARN nothing acts on", Auto,
		doc(`{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::team-data/*","arn:aws:sagemaker:*:*:model/*"]}`),
		[]want{{"resource-mismatch", Error, 1, "s3:ListBucket"}, {"resource-unused", Warning, 1, "arn:aws:sagemaker:*:*:model/*"}}},
	{"KMS on an alias ARN", Auto,
		doc(`{"Effect":"Allow","Action":["kms:Decrypt","kms:Encrypt"],"Resource":"arn:aws:kms:us-east-1:111122223333:alias/team"}`),
		[]want{{"resource-mismatch", Error, 1, "kms:Decrypt"}, {"resource-mismatch", Error, 1, "kms:Encrypt"},
			{"resource-unused", Warning, 1, "arn:aws:kms:us-east-1:111122223333:alias/team"}}},
	{"a wildcard none of whose actions acts on the ARNs", Auto,
		doc(`{"Effect":"Deny","Action":"s3:Get*","Resource":"arn:aws:sagemaker:us-east-1:111122223333:training-job/x"}`),
		[]want{{"resource-mismatch", Error, 1, "s3:Get*"}, {"resource-unused", Warning, 1, "arn:aws:sagemaker:us-east-1:111122223333:training-job/x"}}},
	{"an action without resource types on an ARN", Auto,
		doc(`{"Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:ListBucket"],"Resource":"arn:aws:s3:::team-data"}`),
		[]want{{"resource-star", Error, 1, "s3:ListAllMyBuckets"}}},
	{"Resources that are not ARNs", Auto,
		doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":["team-data/*","arn:aws:s3"]}`,
			`{"Effect":"Deny","Action":"s3:DeleteObject","NotResource":"bucket"}`),
		[]want{{"invalid-resource", Error, 1, "team-data/*"}, {"invalid-resource", Error, 1, "arn:aws:s3"},
			{"invalid-resource", Error, 2, "bucket"}}},
	{"a permissions statement without Resource, and one with a Principal", Identity,
		doc(`{"Effect":"Allow","Action":"s3:GetObject"}`,
			`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`),
		[]want{{"missing-resource", Error, 1, ""}, {"principal-in-identity", Error, 2, ""}}},
	{"CreateGrant without GrantIsForAWSResource", Auto,
		doc(`{"Effect":"Allow","Action":["kms:CreateGrant","kms:DescribeKey"],"Resource":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}`),
		[]want{{"grant-unconditioned", Suggestion, 1, ""}}},
	{"an IfExists Allow on a key most of its actions lack, as AmazonSageMakerFullAccess writes it", Auto,
		doc(`{"Effect":"Allow","Action":"sagemaker:*","Resource":"arn:aws:sagemaker:*:*:flow-definition/*","Condition":{"StringEqualsIfExists":{"sagemaker:WorkteamType":["private-crowd","vendor-crowd"]}}}`),
		[]want{{"unsupported-key", Suggestion, 1, "sagemaker:WorkteamType"}}},
	{"ARNs are case-sensitive: stateMachine, not statemachine", Auto,
		doc(`{"Effect":"Allow","Action":["states:StartExecution","states:DescribeExecution"],"Resource":["arn:aws:states:*:*:statemachine:*sagemaker*","arn:aws:states:*:*:execution:*sagemaker*:*"]}`),
		// (the first ARN can still be an execution of a state machine named
		// "statemachine", so DescribeExecution uses it)
		[]want{{"resource-mismatch", Error, 1, "states:StartExecution"}}},
	{"PassRole on *", Auto,
		doc(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"sagemaker.amazonaws.com"}}}`),
		[]want{{"pass-role-wildcard", Warning, 1, ""}}},
	{"operators IAM does not have", Auto,
		doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{
			"StringEqualz":{"aws:SourceVpce":"vpce-1"},"NullIfExists":{"aws:SourceVpce":"true"},"SomeValue:StringEquals":{"aws:SourceVpce":"vpce-1"}}}`),
		[]want{{"unknown-operator", Error, 1, "StringEqualz"}, {"unknown-operator", Error, 1, "NullIfExists"},
			{"unknown-operator", Error, 1, "SomeValue:StringEquals"}}},
	{"condition keys that do not exist", Auto,
		doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{
			"aws:SourceVcpe":"vpce-1","s3:existingobjecttags":"x","nosuchsvc:key":"x","appflow:foo":"x","token.actions.githubusercontent.com:sub":"repo:o/r:*"}}}`),
		[]want{{"unknown-key", Error, 1, "aws:SourceVcpe"}, {"unknown-key", Error, 1, "s3:existingobjecttags"},
			{"unknown-key", Error, 1, "nosuchsvc:key"}, {"not-checked", Suggestion, 1, "appflow:foo"},
			{"not-checked", Suggestion, 1, "token.actions.githubusercontent.com:sub"},
			{"literal-wildcard", Suggestion, 0 + 1, ""}}},
	{"volume-kms as sagerole wrote it: a deprecated key no action carries, in a Deny", Auto,
		doc(`{"Sid":"DenyWithoutVolumeKmsKey","Effect":"Deny","Action":["sagemaker:CreateTrainingJob","sagemaker:CreateProcessingJob"],"Resource":"*","Condition":{"Null":{"sagemaker:VolumeKmsKey":"true"}}}`),
		[]want{{"deprecated-key", Warning, 1, "sagemaker:VolumeKmsKey"}, {"unsupported-key", Error, 1, "sagemaker:VolumeKmsKey"}}},
	{"an Allow whose key some of its actions lack", Auto,
		doc(`{"Effect":"Allow","Action":["sagemaker:CreateTrainingJob","sagemaker:ListTrainingJobs"],"Resource":"*","Condition":{"ForAnyValue:StringLike":{"sagemaker:InstanceTypes":"ml.m5.*"}}}`),
		[]want{{"unsupported-key", Warning, 1, "sagemaker:InstanceTypes"}}},
	{"operators that do not fit the key's type", Auto,
		doc(`{"Effect":"Deny","Action":"sagemaker:CreateTrainingJob","Resource":"*","Condition":{
			"NumericEquals":{"sagemaker:NetworkIsolation":"1"},"IpAddress":{"aws:SecureTransport":"10.0.0.0/8"},
			"StringEquals":{"aws:MultiFactorAuthPresent":"true"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"},
			"StringLike":{"aws:SourceArn":"arn:aws:sagemaker:*"}}}`),
		[]want{{"operator-type", Error, 1, "sagemaker:NetworkIsolation"}, {"operator-type", Error, 1, "aws:SecureTransport"},
			{"operator-type", Warning, 1, "aws:MultiFactorAuthPresent"}, {"operator-type", Suggestion, 1, "aws:SourceArn"}}},
	{"set operators on single-valued keys, and a multivalued key without one", Auto,
		doc(`{"Effect":"Allow","Action":"sagemaker:CreateTrainingJob","Resource":"*","Condition":{
			"ForAllValues:StringEquals":{"aws:RequestedRegion":"us-east-1"},"ForAnyValue:StringEquals":{"aws:PrincipalAccount":"111122223333"},
			"StringLike":{"sagemaker:InstanceTypes":"ml.m5.*"}}}`),
		[]want{{"set-operator", Warning, 1, "aws:RequestedRegion"}, {"set-operator", Suggestion, 1, "aws:PrincipalAccount"},
			{"set-operator", Warning, 1, "sagemaker:InstanceTypes"}}},
	{"values that do not fit their operators", Auto,
		doc(`{"Effect":"Deny","Action":"sagemaker:CreateTrainingJob","Resource":"*","Condition":{
			"Bool":{"sagemaker:NetworkIsolation":"yes"},"Null":{"sagemaker:VolumeKmsKeyArn":"absent"},
			"NumericLessThan":{"sagemaker:MaxRuntimeInSeconds":"an hour"},"DateLessThan":{"aws:CurrentTime":"next week"},
			"NotIpAddress":{"aws:SourceIp":"10.0.0.300/8"},"ArnNotLike":{"sagemaker:OutputKmsKeyArn":"alias/team"}}}`),
		[]want{{"condition-value", Error, 1, "sagemaker:NetworkIsolation"}, {"condition-value", Error, 1, "sagemaker:VolumeKmsKeyArn"},
			{"condition-value", Error, 1, "sagemaker:MaxRuntimeInSeconds"}, {"condition-value", Error, 1, "aws:CurrentTime"},
			{"condition-value", Error, 1, "aws:SourceIp"}, {"condition-value", Error, 1, "sagemaker:OutputKmsKeyArn"}}},
	{"a trust policy with a Resource, a permissions action and no principal", Trust,
		doc(`{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":["sts:AssumeRole","s3:GetObject"],"Resource":"*"}`,
			`{"Effect":"Allow","Action":"sts:AssumeRole"}`),
		[]want{{"trust-resource", Error, 1, ""}, {"trust-action", Error, 1, "s3:GetObject"}, {"missing-principal", Error, 2, ""}}},
	{"a trust policy with sts:* and principals IAM refuses", Auto,
		doc(`{"Effect":"Allow","Principal":{"Service":["sagemaker","*.amazonaws.com"],"AWS":"arn:aws:iam::1234:role/x","CanonicalUser":"abc"},"Action":"sts:*"}`),
		[]want{{"trust-action", Warning, 1, "sts:*"}, {"invalid-principal", Error, 1, "sagemaker"},
			{"invalid-principal", Error, 1, "*.amazonaws.com"}, {"invalid-principal", Error, 1, "arn:aws:iam::1234:role/x"},
			{"invalid-principal", Error, 1, "abc"}}},
	{"principals that cannot use the statement's assume action", Auto,
		doc(`{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`,
			`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/corp"},"Action":"sts:AssumeRole"}`),
		[]want{{"principal-action", Error, 1, "sagemaker.amazonaws.com"}, {"principal-action", Error, 2, "arn:aws:iam::111122223333:saml-provider/corp"}}},
	{"a role anyone may assume, and an Allow with NotPrincipal", Auto,
		doc(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`,
			`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}`),
		[]want{{"open-trust", Warning, 1, ""}, {"not-principal-allow", Warning, 2, ""}}},
}

// valueMatters are the codes whose tests name the value they are about.
func valueMatters(ws []want) map[string]bool {
	m := map[string]bool{}
	for _, w := range ws {
		if w.value != "" {
			m[w.code] = true
		}
	}
	return m
}

func TestBadCorpus(t *testing.T) {
	r := ref(t)
	seen := map[string]bool{}
	for _, tt := range badCorpus {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := Text(r, tt.text, Options{Kind: tt.kind})
			if err != nil {
				t.Fatalf("Text: %v", err)
			}
			vm := valueMatters(tt.want)
			var wantS []string
			for _, w := range tt.want {
				if !vm[w.code] {
					w.value = ""
				}
				wantS = append(wantS, w.String())
			}
			sort.Strings(wantS)
			if g := got(fs, vm); !slices.Equal(g, wantS) {
				t.Errorf("findings\n got %v\nwant %v", g, wantS)
				for _, f := range fs {
					t.Logf("  %s [%s %q]", f, f.Code, f.Value)
				}
			}
			for _, f := range fs {
				seen[f.Code] = true
				checkSentence(t, f)
			}
		})
	}
	for code := range Codes {
		if !seen[code] {
			t.Errorf("no document of the corpus finds %s (%s)", code, Codes[code])
		}
	}
	for code := range seen {
		if _, ok := Codes[code]; !ok {
			t.Errorf("code %s is not in Codes", code)
		}
	}
}

// checkSentence holds a finding's message to the project's rule: one
// sentence, which says what is wrong and how to fix it.
func checkSentence(t *testing.T, f Finding) {
	t.Helper()
	m := f.Message
	first, _, _ := strings.Cut(m, " ")
	if m == "" || strings.Contains(m, "\n") || !unicode.IsUpper([]rune(m)[0]) && !strings.Contains(first, ":") {
		t.Errorf("message %q is not one sentence", m)
	}
	if !strings.HasSuffix(m, ".") && !strings.HasSuffix(m, "?") {
		t.Errorf("message %q does not end its sentence", m)
	}
	if strings.Count(strings.TrimRight(m, ".?"), ". ") > 0 && !strings.Contains(m, "says:") {
		t.Errorf("message %q holds more than one sentence", m)
	}
}

// TestKnownBadFixture pins the number of findings of one realistic bad
// policy, so the validator cannot silently stop finding them.
func TestKnownBadFixture(t *testing.T) {
	b, err := os.ReadFile("testdata/known-bad.json")
	if err != nil {
		t.Fatal(err)
	}
	fs, err := Text(ref(t), string(b), Options{})
	if err != nil {
		t.Fatal(err)
	}
	errs, warns, suggs := Count(fs)
	// Errors (11): s3:GetObjekt; ListBucket on object ARNs only (PutObjectAcl
	// is right there); Decrypt and GenerateDataKey on an alias; ListAliases
	// on an ARN; a Bool of "yes"; NetworkIsolation, which ListTrainingJobs
	// lacks, and VolumeKmsKey, which no action has, in a Deny; StringEqualz;
	// the repeated Sid; nosuchsvc. Warnings (4): the alias nothing acts on;
	// the deprecated key; PassRole on "*"; RoboMaker.
	const wantErrors, wantWarnings = 11, 4
	if errs != wantErrors || warns != wantWarnings || suggs != 0 {
		for _, f := range fs {
			t.Logf("%d:%d %s [%s]", f.Line, f.Column, f, f.Code)
		}
		t.Fatalf("known-bad.json gives %d errors, %d warnings, %d suggestions; want %d, %d, 0", errs, warns, suggs, wantErrors, wantWarnings)
	}
}
