package policy

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sagerole/sagerole/awsops/rules"
)

// BucketGrant is access to one bucket, or to one prefix of it.
type BucketGrant struct {
	Bucket string
	Prefix string // optional; "data/train" grants arn:aws:s3:::BUCKET/data/train/*
}

// ParseGrant reads BUCKET or BUCKET/PREFIX, as --bucket takes it.
func ParseGrant(s string) BucketGrant {
	bucket, prefix, _ := strings.Cut(s, "/")
	return BucketGrant{Bucket: bucket, Prefix: prefix}
}

// Validate checks the bucket name and the prefix (slashes around the
// prefix are ignored: "/data/" is "data").
func (g BucketGrant) Validate() error {
	if err := rules.BucketName(g.Bucket); err != nil {
		return err
	}
	return rules.S3Prefix(g.prefix())
}

// prefix returns the prefix without surrounding slashes ("" for none).
func (g BucketGrant) prefix() string { return strings.Trim(g.Prefix, "/") }

// String is BUCKET or BUCKET/PREFIX.
func (g BucketGrant) String() string {
	if p := g.prefix(); p != "" {
		return g.Bucket + "/" + p
	}
	return g.Bucket
}

// bucketARNs returns the object ARNs (BUCKET/* or BUCKET/PREFIX/*) and the
// bucket ARNs of grants, sorted and each once.
func bucketARNs(partition string, grants []BucketGrant) (objects, buckets []string) {
	for _, g := range grants {
		base := fmt.Sprintf("arn:%s:s3:::%s", partition, g.Bucket)
		obj := base + "/*"
		if p := g.prefix(); p != "" {
			obj = base + "/" + p + "/*"
		}
		objects = append(objects, obj)
		buckets = append(buckets, base)
	}
	return sortedSet(objects), sortedSet(buckets)
}

// bucketStatements puts the bucket-level actions of template statement s
// on the granted buckets only. A bucket granted whole gets every action of
// s. A bucket granted only under prefixes gets the reads alone (a prefix
// grant never reconfigures or creates the bucket), and ListBucket — which
// acts on the bucket, so only a condition can narrow it — only for the
// prefixes, through s3:prefix: PREFIX itself (what SDKs send for
// s3://BUCKET/PREFIX) and anything under PREFIX/.
func bucketStatements(s Statement, partition string, grants []BucketGrant) []Statement {
	whole := map[string]bool{}
	prefixes := map[string][]string{}
	for _, g := range grants {
		if p := g.prefix(); p == "" {
			whole[g.Bucket] = true
		} else {
			prefixes[g.Bucket] = append(prefixes[g.Bucket], p)
		}
	}
	arn := func(b string) string { return fmt.Sprintf("arn:%s:s3:::%s", partition, b) }
	var out []Statement
	if len(whole) > 0 {
		st := Statement{Sid: s.Sid, Effect: s.Effect, Action: s.Action}
		for _, b := range sortedKeys(whole) {
			st.Resource = append(st.Resource, arn(b))
		}
		out = append(out, st)
	}
	var reads []string
	list := ""
	for _, a := range s.Action {
		switch l := strings.ToLower(a); {
		case l == "s3:listbucket":
			list = a
		case isS3Read(l):
			reads = append(reads, a)
		}
	}
	var partial []string
	for _, b := range sortedKeys(prefixes) {
		if whole[b] {
			continue
		}
		partial = append(partial, arn(b))
		if list == "" {
			continue
		}
		var values []string
		for _, p := range prefixes[b] {
			values = append(values, p, p+"/*")
		}
		out = append(out, Statement{Sid: s.Sid, Effect: s.Effect, Action: []string{list}, Resource: []string{arn(b)},
			Condition: Condition{"StringLike": {"s3:prefix": sortedSet(values)}}})
	}
	if len(partial) > 0 && len(reads) > 0 {
		out = append(out, Statement{Sid: s.Sid, Effect: s.Effect, Action: reads, Resource: partial})
	}
	return out
}

// S3Policy is the policy of seed 000 for buckets that
// AmazonSageMakerFullAccess does not cover, checked against the Service
// Authorization Reference: object actions (PutObjectAcl among them, which
// acts on objects only) on BUCKET/* (or BUCKET/PREFIX/*), bucket actions on
// the bucket (see bucketStatements for prefixes). The seed's six actions on
// "*" are left out: a role with AmazonSageMakerFullAccess has them already,
// and a custom scope must not list or reconfigure every bucket of the
// account. readOnly keeps only the reads. partition "" means aws.
func S3Policy(partition string, buckets []BucketGrant, readOnly bool) (Document, error) {
	if len(buckets) == 0 {
		return Document{}, &rules.InputError{Field: "bucket", Msg: "no bucket given; name at least one S3 bucket"}
	}
	if partition != "" {
		if err := rules.Partition(partition); err != nil {
			return Document{}, err
		}
	}
	for _, b := range buckets {
		if err := b.Validate(); err != nil {
			return Document{}, err
		}
	}
	name := "s3"
	if readOnly {
		name = "s3-read-only"
	}
	t, err := template(name)
	if err != nil {
		return Document{}, err
	}
	objects, _ := bucketARNs(partitionOf(partition), buckets)
	v := &vars{lists: map[string][]string{"S3Objects": objects}, used: map[string]bool{},
		buckets: buckets, partition: partitionOf(partition)}
	d, err := v.fill(t)
	if err != nil {
		return Document{}, fmt.Errorf("policy template %s: %w", name, err)
	}
	return MergeDocuments(d), nil
}

// MergeS3 adds buckets to the role's existing sagerole bucket policy
// (an empty Document when the role has none). Adding a bucket that is
// already there changes nothing; a new bucket appears once. changed reports
// whether the merged policy allows anything existing did not.
func MergeS3(existing Document, partition string, add []BucketGrant, readOnly bool) (merged Document, changed bool, err error) {
	addDoc, err := S3Policy(partition, add, readOnly)
	if err != nil {
		return Document{}, false, err
	}
	if len(existing.Statement) == 0 {
		return addDoc, true, nil
	}
	before := MergeDocuments(existing)
	addDoc.Statement = slices.DeleteFunc(addDoc.Statement, func(s Statement) bool { return allowedWithout(before, s) })
	merged = MergeDocuments(existing, addDoc)
	return merged, merged.String() != before.String(), nil
}

// allowedWithout reports whether conditioned Allow statement s grants
// nothing doc does not already grant unconditioned — a prefix's
// ListBucket on a bucket granted whole — so merging it in would only add
// bytes.
func allowedWithout(doc Document, s Statement) bool {
	if s.Effect != "Allow" || len(s.Condition) == 0 || s.Action == nil || s.Resource == nil {
		return false
	}
	for _, a := range s.Action {
		for _, r := range s.Resource {
			if !slices.ContainsFunc(doc.Statement, func(d Statement) bool {
				return d.Effect == "Allow" && len(d.Condition) == 0 && d.Principal == nil && d.NotPrincipal == nil &&
					slices.ContainsFunc(d.Action, func(da string) bool { return actionCovers(da, a) }) &&
					slices.ContainsFunc(d.Resource, func(dr string) bool { return resourceCovers(dr, r) })
			}) {
				return false
			}
		}
	}
	return true
}

// BucketsIn lists the grants whose object ARNs appear in Allow statements
// of doc (arn:PARTITION:s3:::BUCKET/* or BUCKET/PREFIX/*), sorted: what a
// sagerole bucket policy gives access to.
func BucketsIn(doc Document) []BucketGrant {
	seen := map[BucketGrant]bool{}
	for _, s := range doc.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, r := range s.Resource {
			_, rest, ok := strings.Cut(r, ":s3:::")
			if !ok || !strings.HasPrefix(r, "arn:") || !strings.HasSuffix(rest, "/*") {
				continue
			}
			bucket, prefix, _ := strings.Cut(strings.TrimSuffix(rest, "/*"), "/")
			if strings.ContainsAny(bucket, "*?") || strings.ContainsAny(prefix, "*?") {
				continue
			}
			seen[BucketGrant{Bucket: bucket, Prefix: prefix}] = true
		}
	}
	out := make([]BucketGrant, 0, len(seen))
	for g := range seen {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// fullAccessS3Patterns are the object resources AmazonSageMakerFullAccess
// allows (seed 000); it also allows GetObject on objects tagged
// SageMaker=true, which depends on tags, not names, and is not counted here.
func fullAccessS3Patterns() []string {
	return []string{
		"arn:aws:s3:::*SageMaker*",
		"arn:aws:s3:::*Sagemaker*",
		"arn:aws:s3:::*sagemaker*",
		"arn:aws:s3:::*aws-glue*",
	}
}

// FullAccessCovers reports whether AmazonSageMakerFullAccess already allows
// the object actions on every object of bucket (under prefix, when given),
// matching its resource patterns case-sensitively as IAM does.
func FullAccessCovers(bucket, prefix string) bool {
	stem := "arn:aws:s3:::" + bucket + "/"
	if p := strings.Trim(prefix, "/"); p != "" {
		stem += p + "/"
	}
	for _, pat := range fullAccessS3Patterns() {
		// The patterns are *NAME*: every object under the stem matches
		// exactly when the stem itself does.
		if globMatch(pat, stem) {
			return true
		}
	}
	return false
}
