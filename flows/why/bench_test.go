package why

import (
	"context"
	"testing"
)

// BenchmarkExplain is one explanation with its fix proven: the role read
// from the sandbox, the request evaluated, the layers read, the simulator
// asked, the candidate planned and its neighbours decided before and after.
func BenchmarkExplain(b *testing.B) {
	a := newAccountB(b)
	in := Input{Role: "AmazonSageMaker-ExecutionRole-Research", Action: "s3:GetObject", Resource: "s3://team-raw-data/curated/part-0001.parquet"}
	b.ReportAllocs()
	for b.Loop() {
		r, err := Explain(context.Background(), a, in, Options{})
		if err != nil || !r.Fix.Offered {
			b.Fatalf("%v %+v", err, r.Fix)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	text := corpus[len(corpus)-1].text
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}
