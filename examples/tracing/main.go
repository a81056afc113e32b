// Command tracing traces the SDK's requests with OpenTelemetry: one client
// span per attempt (otelhttp, through which50.WithTransportWrapper) under
// the caller's own span, and log records that carry the trace id (the SDK
// logs with the caller's context).
//
//	cd examples/tracing && go run .
//
// It runs against an embedded which50test server whose first answer is a
// 503, so the call is retried and shows two attempt spans; it prints the
// spans it recorded. With WHICH50_TOKEN set it calls the real API (at
// WHICH50_BASE_URL if set) for the contact given with -contact.
//
// It is a module of its own, so that the SDK itself does not depend on
// OpenTelemetry.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

func main() {
	contact := flag.String("contact", "", "encrypted contact id (required with WHICH50_TOKEN)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Spans are kept in memory and printed at the end; a real program
	// would use an exporter (OTLP, stdouttrace) in a batch span processor.
	recorder := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder))
	defer tp.Shutdown(context.Background())

	opts := []which50.Option{
		// One span per attempt, with the W3C traceparent sent along. The
		// wrapper sits below the SDK's retries and above its credentials:
		// it never sees a token.
		which50.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
			return otelhttp.NewTransport(rt,
				otelhttp.WithTracerProvider(tp),
				otelhttp.WithPropagators(propagation.TraceContext{}))
		}),
		which50.WithLogger(slog.New(traceHandler{slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})})),
		which50.WithRetryWait(10*time.Millisecond, time.Second),
	}
	if token := os.Getenv("WHICH50_TOKEN"); token != "" {
		if *contact == "" {
			log.Fatal("tracing: -contact is required with WHICH50_TOKEN")
		}
		opts = append(opts, which50.WithAuth(which50.BearerToken(token)))
		if base := os.Getenv("WHICH50_BASE_URL"); base != "" {
			opts = append(opts, which50.WithBaseURL(base))
		}
	} else {
		srv := which50test.NewServer()
		defer srv.Close()
		ids := srv.SeedDemo(1, 5)
		if *contact == "" {
			*contact = ids[0]
		}
		srv.QueueFaults(which50test.Fault{Status: http.StatusServiceUnavailable})
		opts = append(opts, which50.WithBaseURL(srv.URL))
	}
	client, err := which50.NewClient(opts...)
	if err != nil {
		log.Fatal(err)
	}

	ctx, span := tp.Tracer("which50-example").Start(ctx, "export contact")
	var resp which50.Response
	items, err := client.Contacts.Communications(ctx, *contact, which50.WithResponse(&resp))
	span.End()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d communications: status %d after %d attempt(s) in %s\n",
		len(items), resp.StatusCode, resp.Attempts, resp.Duration.Round(time.Millisecond))

	for _, s := range recorder.Ended() {
		parent := "-"
		if s.Parent().IsValid() {
			parent = s.Parent().SpanID().String()
		}
		fmt.Printf("span %-16q trace %s span %s parent %-16s %s\n",
			s.Name(), s.SpanContext().TraceID(), s.SpanContext().SpanID(), parent, statusOf(s.Attributes()))
	}
}

// statusOf returns the HTTP status a client span recorded.
func statusOf(attrs []attribute.KeyValue) string {
	for _, a := range attrs {
		if a.Key == "http.response.status_code" {
			return "status " + a.Value.Emit()
		}
	}
	return ""
}

// traceHandler adds the trace and span ids of each record's context, so
// that the SDK's log records line up with the spans.
type traceHandler struct{ slog.Handler }

func (h traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return traceHandler{h.Handler.WithAttrs(as)}
}

func (h traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{h.Handler.WithGroup(name)}
}
