package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/which50-go/which50"
)

// BenchmarkCommunications compares, for each format, shape of names and
// way of delimiting the body, one call of Contacts.Communications on a
// 2,000-item history (impl=sdk) with what a user would write by hand
// (impl=stdlib: encoding/json or encoding/xml; impl=sonic, goccy,
// segmentio, jsonexp: the third-party JSON libraries), and with reading and
// discarding the same body (impl=floor). One loopback server and one
// transport serve every implementation.
//
// Names are key=value pairs so that benchstat can put the implementations
// side by side (-col /impl).
func BenchmarkCommunications(b *testing.B) {
	e := newEnv(b)
	for _, f := range formats {
		b.Run("format="+f.String(), func(b *testing.B) {
			for _, names := range nameModes {
				b.Run("names="+names, func(b *testing.B) {
					key := e.srv.list(b, commItems, names)
					bodyLen := len(e.srv.lists[key][f])
					for _, length := range lengthModes {
						b.Run("length="+length, func(b *testing.B) {
							for _, im := range e.commImpls(f, length, key) {
								b.Run("impl="+im.name, func(b *testing.B) {
									benchCalls(b, commItems, bodyLen, im.call)
								})
							}
						})
					}
				})
			}
		})
	}
}

// commImpls returns the implementations compared for format f on the list
// key sent as length says: sdk, stdlib, floor and, for JSON, each
// third-party library.
func (e *env) commImpls(f which50.Format, length, key string) []impl {
	ctx := context.Background()
	id, u := commID(length, key), e.srv.commURL(length, key)
	client := e.sdk[f]
	impls := []impl{
		{"sdk", func() (int, error) {
			items, err := client.Contacts.Communications(ctx, id)
			return len(items), err
		}},
	}
	if f == which50.FormatXML {
		impls = append(impls, impl{"stdlib", func() (int, error) {
			items, err := getXML(e.hc, u)
			return len(items), err
		}})
	} else {
		for _, lib := range jsonLibs {
			impls = append(impls, impl{lib.name, func() (int, error) {
				items, err := getJSON(e.hc, u, lib)
				return len(items), err
			}})
		}
	}
	return append(impls, impl{"floor", func() (int, error) {
		_, err := floor(e.hc, u, acceptOf(f))
		return commItems, err
	}})
}

// BenchmarkDecodeMemory is BenchmarkCommunications without the network:
// the SDK reads the body from an in-memory transport (a bytes.Reader with
// its Content-Length), each library decodes the whole body from memory
// with its Unmarshal, encoding/xml with xml.Unmarshal. It shows how much of
// a call is decoding, and where the libraries stand at their best (no
// reads, the whole input at hand).
func BenchmarkDecodeMemory(b *testing.B) {
	ctx := context.Background()
	lists := map[string]bodies{}
	for _, names := range nameModes {
		lists[names] = commBodies(b, commItems, names)
	}
	for _, f := range formats {
		b.Run("format="+f.String(), func(b *testing.B) {
			for _, names := range nameModes {
				b.Run("names="+names, func(b *testing.B) {
					payload := lists[names][f]
					client, err := which50.NewClient(
						which50.WithBaseURL("http://memory.invalid/"),
						which50.WithHTTPClient(&http.Client{Transport: memTransport(payload)}),
						which50.WithFormat(f),
						which50.WithMaxResponseBytes(maxBody),
					)
					if err != nil {
						b.Fatal(err)
					}
					impls := []impl{{"sdk", func() (int, error) {
						items, err := client.Contacts.Communications(ctx, "memory")
						return len(items), err
					}}}
					if f == which50.FormatXML {
						impls = append(impls, impl{"stdlib", func() (int, error) {
							items, err := unmarshalXML(payload)
							return len(items), err
						}})
					} else {
						for _, lib := range jsonLibs {
							impls = append(impls, impl{lib.name, func() (int, error) {
								var items []Interaction
								err := lib.unmarshal(payload, &items)
								return len(items), err
							}})
						}
					}
					for _, im := range impls {
						b.Run("impl="+im.name, func(b *testing.B) {
							benchCalls(b, commItems, len(payload), im.call)
						})
					}
				})
			}
		})
	}
}

// memTransport answers every request with 200 and body, read from memory.
type memTransport []byte

func (body memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	mt := "application/json; charset=utf-8"
	if len(body) > 0 && body[0] == '<' {
		mt = "application/xml; charset=utf-8"
	}
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {mt}, "Content-Length": {strconv.Itoa(len(body))}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       r,
	}, nil
}
