package eval

import (
	"encoding/json"
	"strings"
	"testing"
)

// condCase is one condition block evaluated on its own: the statement
// allows everything under it, so the decision is the condition's answer.
type condCase struct {
	name  string
	block string              // the Condition element's JSON
	ctx   map[string][]string // nil: no keys
	multi []string
	want  bool
}

func runConditions(t *testing.T, cases []condCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			role := Role{Policies: []Policy{inline(t, "p", `{"Effect":"Allow","Action":"*","Resource":"*","Condition":`+c.block+`}`)}}
			r := Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: c.ctx, MultiValued: c.multi}
			res := decide(t, role, r)
			if got := res.Decision == Allow; got != c.want {
				var why []string
				for _, cr := range res.Statements[0].Conditions {
					why = append(why, cr.String())
				}
				t.Fatalf("condition %s with %v: matched %v, want %v\n%s", c.block, c.ctx, got, c.want, strings.Join(why, "\n"))
			}
		})
	}
}

func one(k, v string) map[string][]string { return map[string][]string{k: {v}} }

// TestStringOperators: reference_policies_elements_condition_operators.html
// #Conditions_String, and the "Important" rule on missing keys.
func TestStringOperators(t *testing.T) {
	runConditions(t, []condCase{
		{"StringEquals matches", `{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`, one("aws:PrincipalTag/job-category", "iamuser-admin"), nil, true},
		{"StringEquals is case-sensitive", `{"StringEquals":{"aws:username":"john"}}`, one("aws:username", "John"), nil, false},
		{"StringEquals: * is not a wildcard", `{"StringEquals":{"k":"a*"}}`, one("k", "abc"), nil, false},
		{"StringEquals of a missing key does not match", `{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`, nil, nil, false},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"aws:username":"john"}}`, one("aws:username", "John"), nil, true},
		{"StringNotEquals of another value", `{"StringNotEquals":{"k":"a"}}`, one("k", "b"), nil, true},
		{"StringNotEquals of the value", `{"StringNotEquals":{"k":"a"}}`, one("k", "a"), nil, false},
		{"StringNotEquals of a missing key matches", `{"StringNotEquals":{"k":"a"}}`, nil, nil, true},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"k":"ABC"}}`, one("k", "abc"), nil, false},
		{"StringLike with *", `{"StringLike":{"s3:prefix":"home/*"}}`, one("s3:prefix", "home/david/"), nil, true},
		{"StringLike with ?", `{"StringLike":{"k":"ml.?5.large"}}`, one("k", "ml.m5.large"), nil, true},
		{"StringLike is case-sensitive", `{"StringLike":{"k":"Home/*"}}`, one("k", "home/x"), nil, false},
		{"StringLike * crosses colons", `{"StringLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`,
			one("aws:SourceArn", "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"), nil, true},
		{"StringNotLike of a missing key matches", `{"StringNotLike":{"k":"a*"}}`, nil, nil, true},
		{"StringNotLike of a matching value", `{"StringNotLike":{"k":"a*"}}`, one("k", "ab"), nil, false},
		// Several values of one key are ORed; a negated operator needs the
		// value to match none of them.
		{"values are ORed", `{"StringEquals":{"k":["a","b"]}}`, one("k", "b"), nil, true},
		{"negated: matches none of the values", `{"StringNotEquals":{"k":["a","b"]}}`, one("k", "c"), nil, true},
		{"negated: matches one of the values", `{"StringNotEquals":{"k":["a","b"]}}`, one("k", "b"), nil, false},
		// Several keys, and several operators, are ANDed.
		{"keys are ANDed: both hold", `{"StringEquals":{"a":"1","b":"2"}}`, map[string][]string{"a": {"1"}, "b": {"2"}}, nil, true},
		{"keys are ANDed: one fails", `{"StringEquals":{"a":"1","b":"2"}}`, map[string][]string{"a": {"1"}, "b": {"3"}}, nil, false},
		{"operators are ANDed", `{"StringEquals":{"a":"1"},"StringLike":{"b":"x*"}}`, map[string][]string{"a": {"1"}, "b": {"y"}}, nil, false},
		// A multivalued key needs a set operator.
		{"several values without a set operator", `{"StringEquals":{"aws:TagKeys":"a"}}`, map[string][]string{"aws:TagKeys": {"a", "b"}}, nil, false},
		{"negated, several values without a set operator", `{"StringNotEquals":{"aws:TagKeys":"c"}}`, map[string][]string{"aws:TagKeys": {"a", "b"}}, nil, false},
		{"a key typed multivalued, with one value", `{"StringEquals":{"aws:TagKeys":"a"}}`, one("aws:TagKeys", "a"), []string{"aws:tagkeys"}, false},
		{"operator names are case-insensitive", `{"stringequals":{"k":"a"}}`, one("k", "a"), nil, true},
	})
}

// TestOtherOperators: numeric, date, Bool, binary, IP address and ARN
// operators, each section of
// reference_policies_elements_condition_operators.html.
func TestOtherOperators(t *testing.T) {
	runConditions(t, []condCase{
		{"NumericLessThanEquals s3:max-keys 10", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, one("s3:max-keys", "10"), nil, true},
		{"NumericLessThanEquals 11", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, one("s3:max-keys", "11"), nil, false},
		{"NumericLessThanEquals missing", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, nil, nil, false},
		{"NumericEquals decimal and JSON number", `{"NumericEquals":{"k":2.50}}`, one("k", "2.5"), nil, true},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"k":"5"}}`, one("k", "6"), nil, true},
		{"NumericNotEquals missing", `{"NumericNotEquals":{"k":"5"}}`, nil, nil, true},
		{"Numeric of a non-number", `{"NumericGreaterThan":{"k":"5"}}`, one("k", "six"), nil, false},
		{"NumericNotEquals of a non-number", `{"NumericNotEquals":{"k":"5"}}`, one("k", "six"), nil, false},
		{"DateGreaterThan aws:TokenIssueTime", `{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}`, one("aws:TokenIssueTime", "2020-06-01T08:00:00Z"), nil, true},
		{"DateGreaterThan earlier", `{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}`, one("aws:TokenIssueTime", "2019-12-31T23:59:59Z"), nil, false},
		{"DateGreaterThan missing (access keys)", `{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}`, nil, nil, false},
		{"DateLessThan epoch against ISO", `{"DateLessThan":{"aws:EpochTime":"2021-01-01T00:00:00Z"}}`, one("aws:EpochTime", "1609459199"), nil, true},
		{"DateLessThan epoch at the instant", `{"DateLessThan":{"aws:EpochTime":"2021-01-01T00:00:00Z"}}`, one("aws:EpochTime", "1609459200"), nil, false},
		{"DateEquals with offset", `{"DateEquals":{"aws:CurrentTime":"2021-01-01T01:00:00+01:00"}}`, one("aws:CurrentTime", "2021-01-01T00:00:00Z"), nil, true},
		{"DateLessThanEquals day only", `{"DateLessThanEquals":{"aws:CurrentTime":"2021-01-01"}}`, one("aws:CurrentTime", "2020-12-31T23:00:00Z"), nil, true},
		{"DateNotEquals missing", `{"DateNotEquals":{"aws:CurrentTime":"2021-01-01"}}`, nil, nil, true},
		{"Bool false", `{"Bool":{"aws:SecureTransport":"false"}}`, one("aws:SecureTransport", "false"), nil, true},
		{"Bool as a JSON boolean", `{"Bool":{"aws:SecureTransport":false}}`, one("aws:SecureTransport", "true"), nil, false},
		{"Bool ignores case", `{"Bool":{"aws:MultiFactorAuthPresent":"TRUE"}}`, one("aws:MultiFactorAuthPresent", "true"), nil, true},
		{"Bool of a missing key", `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`, nil, nil, false},
		{"BinaryEquals", `{"BinaryEquals":{"k":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, one("k", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="), nil, true},
		{"BinaryEquals of other bytes", `{"BinaryEquals":{"k":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, one("k", "QQ=="), nil, false},
		{"IpAddress in the block", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, one("aws:SourceIp", "203.0.113.7"), nil, true},
		{"IpAddress outside the block", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, one("aws:SourceIp", "198.51.100.7"), nil, false},
		{"IpAddress IPv6", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}`, one("aws:SourceIp", "2001:db8:1234:5678::1"), nil, true},
		{"IpAddress without a prefix is /32", `{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`, one("aws:SourceIp", "203.0.113.8"), nil, false},
		// aws:SourceIp is absent through a VPC endpoint: IpAddress is
		// false, NotIpAddress true.
		{"IpAddress through a VPC endpoint", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, nil, nil, false},
		{"NotIpAddress through a VPC endpoint", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, nil, nil, true},
		{"NotIpAddress outside", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, one("aws:SourceIp", "198.51.100.7"), nil, true},
		// An IPv6 caller is outside IPv4-only ranges, a single address
		// included: why the guide asks to add IPv6 ranges.
		{"NotIpAddress IPv4 list, IPv6 caller", `{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.1"]}}`, one("aws:SourceIp", "2001:db8::1"), nil, true},
		{"IpAddress IPv4 list, IPv6 caller", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.1"]}}`, one("aws:SourceIp", "2001:db8::1"), nil, false},
		{"ArnEquals", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic"}}`, one("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic"), nil, true},
		{"ArnLike: * stays within its part", `{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`,
			one("aws:SourceArn", "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"), nil, false},
		{"ArnLike matching", `{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`,
			one("aws:SourceArn", "arn:aws:someservice:us-east-2:111122223333:finance/document.txt"), nil, true},
		{"ArnLike of a non-ARN", `{"ArnLike":{"aws:SourceArn":"arn:aws:*"}}`, one("aws:SourceArn", "not-an-arn"), nil, false},
		{"ArnNotLike missing", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:*"}}`, nil, nil, true},
		{"ArnLike with a variable", `{"ArnLike":{"sagemaker:OwnerUserProfileArn":"arn:aws:sagemaker:*:*:user-profile/*/${aws:PrincipalTag/user}"}}`,
			map[string][]string{"sagemaker:OwnerUserProfileArn": {"arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-1/alice"}, "aws:PrincipalTag/user": {"alice"}}, nil, true},
	})
}

// TestExistenceOperators: …IfExists and Null
// (#Conditions_IfExists, #Conditions_Null).
func TestExistenceOperators(t *testing.T) {
	runConditions(t, []condCase{
		{"StringLikeIfExists without the key", `{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}`, nil, nil, true},
		{"StringLikeIfExists with an allowed type", `{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}`, one("ec2:InstanceType", "t2.micro"), nil, true},
		{"StringLikeIfExists with another type", `{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}`, one("ec2:InstanceType", "p4d.24xlarge"), nil, false},
		{"StringNotEqualsIfExists without the key", `{"StringNotEqualsIfExists":{"k":"a"}}`, nil, nil, true},
		{"BoolIfExists present", `{"BoolIfExists":{"sagemaker:NetworkIsolation":"false"}}`, one("sagemaker:NetworkIsolation", "true"), nil, false},
		{"NumericLessThanIfExists", `{"NumericLessThanIfExists":{"k":"3"}}`, one("k", "2"), nil, true},
		{"Null true, key absent", `{"Null":{"aws:TokenIssueTime":"true"}}`, nil, nil, true},
		{"Null true, key present", `{"Null":{"aws:TokenIssueTime":"true"}}`, one("aws:TokenIssueTime", "2020-01-01T00:00:00Z"), nil, false},
		{"Null false, key present", `{"Null":{"k":"false"}}`, one("k", "v"), nil, true},
		{"Null false, key absent", `{"Null":{"k":false}}`, nil, nil, false},
		{"Null false, key an empty set", `{"Null":{"k":"false"}}`, map[string][]string{"k": {}}, nil, true},
	})
}

// TestSetOperators: ForAnyValue and ForAllValues on multivalued keys, from
// reference_policies_multi-value-conditions.html (the DynamoDB examples and
// "If the key values in the request resolve to an empty data set ...
// ForAllValues returns true, and ... ForAnyValue returns false"), and the
// multivalued context keys examples ("ForAllValues also returns true if
// there are no context keys in the request").
func TestSetOperators(t *testing.T) {
	attrs := func(v ...string) map[string][]string { return map[string][]string{"dynamodb:requestedAttributes": v} }
	const allowed = `{"ForAllValues:StringLike":{"dynamodb:requestedAttributes":["PostDateTime","Message","Tags"]}}`
	const forbidden = `{"ForAnyValue:StringLike":{"dynamodb:requestedAttributes":["ID","PostDateTime"]}}`
	const types = `{"ForAnyValue:StringNotLike":{"sagemaker:InstanceTypes":["ml.m5.*","ml.c5.xlarge"]}}`
	runConditions(t, []condCase{
		{"ForAllValues: every value is allowed", allowed, attrs("PostDateTime", "Message"), nil, true},
		{"ForAllValues: UserName is not", allowed, attrs("PostDateTime", "UserName"), nil, false},
		{"ForAllValues: key absent", allowed, nil, nil, true},
		{"ForAllValues: empty set", allowed, attrs(), nil, true},
		{"ForAllValues: single value", allowed, attrs("Tags"), nil, true},
		{"ForAnyValue: PostDateTime is one", forbidden, attrs("UserName", "Message", "PostDateTime"), nil, true},
		{"ForAnyValue: none is", forbidden, attrs("UserName"), nil, false},
		{"ForAnyValue: key absent", forbidden, nil, nil, false},
		{"ForAnyValue: empty set", forbidden, attrs(), nil, false},
		{"ForAnyValue:StringNotLike: one type not allowed", types, map[string][]string{"sagemaker:InstanceTypes": {"ml.m5.xlarge", "ml.p4d.24xlarge"}}, nil, true},
		{"ForAnyValue:StringNotLike: all allowed", types, map[string][]string{"sagemaker:InstanceTypes": {"ml.m5.xlarge", "ml.c5.xlarge"}}, nil, false},
		{"ForAnyValue:StringNotLike: key absent", types, nil, nil, false},
		{"ForAllValues:StringNotEquals: none forbidden", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["owner","cost"]}}`, map[string][]string{"aws:TagKeys": {"team", "env"}}, nil, true},
		{"ForAllValues:StringNotEquals: one forbidden", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["owner","cost"]}}`, map[string][]string{"aws:TagKeys": {"team", "owner"}}, nil, false},
		{"ForAnyValue …IfExists without the key", `{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"a"}}`, nil, nil, true},
		{"qualifiers are case-insensitive", `{"foranyvalue:StringEquals":{"aws:TagKeys":"a"}}`, map[string][]string{"aws:TagKeys": {"b", "a"}}, nil, true},
	})
}

// TestConditionDetails checks the values an explanation shows.
func TestConditionDetails(t *testing.T) {
	role := Role{Policies: []Policy{inline(t, "p", `{"Effect":"Deny","Action":"sagemaker:CreateTrainingJob","Resource":"*","Condition":{"ForAnyValue:StringNotLike":{"sagemaker:InstanceTypes":"ml.m5.*"},"StringNotEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}`)}}
	r := Request{Action: "sagemaker:CreateTrainingJob", Resource: "arn:aws:sagemaker:us-east-1:111122223333:training-job/j",
		Context: map[string][]string{"sagemaker:InstanceTypes": {"ml.p3.2xlarge"}, "aws:ResourceTag/team": {"red"}, "aws:PrincipalTag/team": {"blue"}}}
	res := decide(t, role, r)
	if res.Decision != ExplicitDeny {
		t.Fatalf("decision %v", res.Decision)
	}
	conds := res.Statements[0].Conditions
	types, tag := conds[0], conds[1]
	if types.Operator != "ForAnyValue:StringNotLike" || !types.Matched || strings.Join(types.Request, ",") != "ml.p3.2xlarge" || !strings.Contains(types.Why, `"ml.p3.2xlarge" is not like "ml.m5.*"`) {
		t.Errorf("instance types condition: %+v", types)
	}
	if !tag.Matched || strings.Join(tag.Resolved, ",") != "blue" || !strings.Contains(tag.Why, `"red" does not equal "blue"`) {
		t.Errorf("tag condition: %+v", tag)
	}
	b, err := json.Marshal(res.Deciding)
	if err != nil || !strings.Contains(string(b), `"statementIndex":0`) {
		t.Errorf("deciding JSON %s (%v)", b, err)
	}
}
