package modify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy"
)

// sageMakerTrustStatement is the statement of seed 000's trust policy, as
// compact JSON, taken from the embedded template so that there is one
// source for it.
func sageMakerTrustStatement() (string, error) {
	return onlyStatement("the embedded trust policy", policy.TrustDocument())
}

// onlyStatement is the one statement of d, as compact JSON.
func onlyStatement(what string, d policy.Document) (string, error) {
	b, err := d.MarshalJSON()
	if err != nil {
		return "", err
	}
	var top struct{ Statement []json.RawMessage }
	if err := json.Unmarshal(b, &top); err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if len(top.Statement) != 1 {
		return "", fmt.Errorf("%s has %d statements, want 1", what, len(top.Statement))
	}
	return string(top.Statement[0]), nil
}

// AddServiceTrust returns the trust policy doc with the statements that let
// each of services (TrustServices principals: scheduler.amazonaws.com…)
// assume a role of account, appended as AddSageMakerTrust appends
// SageMaker's — every other byte kept. added lists the services whose
// statement was added (those doc did not trust yet).
func AddServiceTrust(doc string, services []string, account string) (fixed string, added []string, err error) {
	parsed, err := policy.Parse(doc)
	if err != nil {
		return "", nil, &rules.InputError{Field: "trust policy",
			Msg: fmt.Sprintf("the role's trust policy cannot be read (%v), so sagerole will not edit it; fix it by hand", err)}
	}
	fixed = doc
	for _, svc := range services {
		if policy.Trusts(parsed, svc) {
			continue
		}
		d, err := policy.TrustStatementsFor(svc, account)
		if err != nil {
			return "", nil, err
		}
		stmt, err := onlyStatement("the trust template of "+svc, d)
		if err != nil {
			return "", nil, err
		}
		if fixed, err = spliceStatement(fixed, stmt); err != nil {
			return "", nil, err
		}
		added = append(added, svc)
	}
	if len(added) > 0 {
		after, err := policy.Parse(fixed)
		if err != nil {
			return "", nil, fmt.Errorf("the fixed trust policy does not parse: %w", err)
		}
		for _, svc := range added {
			if !policy.Trusts(after, svc) {
				return "", nil, &rules.InputError{Field: "trust policy",
					Msg: "the role's trust policy denies sts:AssumeRole to " + svc + " without a condition, so adding an Allow would not let it in; remove that Deny by hand"}
			}
		}
	}
	return fixed, added, nil
}

// AddSageMakerTrust returns the trust policy doc with SageMaker's statement
// (seed 000: the sagemaker.amazonaws.com service principal may call
// sts:AssumeRole) appended to its Statement array; changed is false when
// doc already trusts SageMaker.
//
// Everything else is kept byte for byte: the document is not re-rendered
// (policy.FixTrust would, through MergeDocuments), only the new statement
// is spliced in before the array's closing bracket. A Statement that is a
// single object becomes an array holding the original object's bytes and
// the new statement. People read and diff trust policies; a fix that also
// reorders or reformats the statements it did not touch hides what it did.
func AddSageMakerTrust(doc string) (fixed string, changed bool, err error) {
	parsed, err := policy.Parse(doc)
	if err != nil {
		return "", false, &rules.InputError{Field: "trust policy",
			Msg: fmt.Sprintf("the role's trust policy cannot be read (%v), so --fix-trust will not edit it; fix it by hand", err)}
	}
	if policy.TrustsSageMaker(parsed) {
		return doc, false, nil
	}
	stmt, err := sageMakerTrustStatement()
	if err != nil {
		return "", false, err
	}
	if fixed, err = spliceStatement(doc, stmt); err != nil {
		return "", false, err
	}
	after, err := policy.Parse(fixed)
	if err != nil {
		return "", false, fmt.Errorf("the fixed trust policy does not parse: %w", err)
	}
	if !policy.TrustsSageMaker(after) {
		// An unconditioned Deny of SageMaker wins over any Allow; removing
		// it is a judgement for a person, not for --fix-trust.
		return "", false, &rules.InputError{Field: "trust policy",
			Msg: "the role's trust policy denies sts:AssumeRole to " + policy.SageMakerService + " without a condition, so adding an Allow would not let SageMaker in; remove that Deny by hand"}
	}
	return fixed, true, nil
}

// spliceStatement appends stmt (compact JSON) to the Statement of doc,
// keeping every other byte: after the last element of an array, or a
// single object turned into an array of it and stmt.
func spliceStatement(doc, stmt string) (string, error) {
	start, end, err := statementSpan(doc)
	if err != nil {
		return "", &rules.InputError{Field: "trust policy",
			Msg: fmt.Sprintf("the role's trust policy cannot be edited in place (%v); fix it by hand", err)}
	}
	raw := doc[start:end]
	var spliced string
	switch raw[0] {
	case '[':
		// Insert after the last element, before the whitespace that
		// precedes the closing bracket.
		body := strings.TrimRight(raw[:len(raw)-1], " \t\r\n")
		sep := ","
		if body == "[" {
			sep = ""
		}
		spliced = body + sep + stmt + raw[len(body):]
	case '{':
		spliced = "[" + raw + "," + stmt + "]"
	default:
		return "", &rules.InputError{Field: "trust policy", Msg: "the role's trust policy has a Statement that is neither an object nor an array; fix it by hand"}
	}
	return doc[:start] + spliced + doc[end:], nil
}

// statementSpan returns the byte offsets of the value of the top-level
// "Statement" member of doc.
func statementSpan(doc string) (start, end int, err error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	tok, err := dec.Token()
	if err != nil {
		return 0, 0, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return 0, 0, errors.New("not a JSON object")
	}
	found := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return 0, 0, err
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return 0, 0, err
		}
		if key != "Statement" {
			continue
		}
		if found {
			return 0, 0, errors.New("Statement appears twice")
		}
		found = true
		end = int(dec.InputOffset())
		start = end - len(raw)
		// The decoder hands over the value's own bytes; check rather than
		// trust it, since the splice depends on it.
		if start < 0 || !bytes.Equal([]byte(doc[start:end]), raw) {
			return 0, 0, errors.New("the Statement value could not be located")
		}
	}
	if !found {
		return 0, 0, errors.New("no Statement")
	}
	return start, end, nil
}
