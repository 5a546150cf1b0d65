import {
  Context,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  TextMapGetter,
  TextMapSetter,
  trace,
  Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SpanExporter, SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/**
 * OpenTelemetry spans for the pipeline: ingest → ledger → projector → dispatcher → command.
 * Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (or a test hands in a span processor): then
 * every helper below returns before touching the OpenTelemetry API, so tracing costs a
 * boolean test per batch.
 *
 * Context crosses processes in Kafka headers (W3C `traceparent`/`tracestate`): from the
 * producer of a lifecycle event into ingest, and from the dispatcher into the deletion
 * command a regional store receives. The ledger → projector → dispatcher hops go through
 * the stores, which carry no trace context; inside one process `traceLinks` remembers the
 * span of each appended event and of each obligation it changed, so the command's trace
 * is the lifecycle event's. Where those roles run in separate processes, the projector
 * and dispatcher spans start traces of their own.
 */
interface TracingState {
  provider: TracerProvider;
  tracer: Tracer;
}

let state: TracingState | undefined;
const propagator = new W3CTraceContextPropagator();
type Headers = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

const headerGetter: TextMapGetter<Headers> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key] ?? carrier[key.toLowerCase()];
    const one = Array.isArray(value) ? value[0] : value;
    return one === undefined ? undefined : one.toString();
  },
};
const headerSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

export interface TracingOptions {
  /** OTLP/HTTP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); `/v1/traces` is appended as the spec says. */
  endpoint?: string;
  /** Instead of the OTLP exporter (tests: an InMemorySpanExporter in a SimpleSpanProcessor). */
  processor?: SpanProcessor;
  serviceName?: string;
}

/** Starts tracing when an endpoint or processor is given; returns how to flush and stop it. */
export function startTracing(opts: TracingOptions): { shutdown(): Promise<void> } {
  if (!opts.endpoint && !opts.processor) return { shutdown: async () => {} };
  let processor = opts.processor;
  if (!processor) {
    // Loaded only when tracing is on: the exporter is not free to import.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as {
      OTLPTraceExporter: new (c: { url: string }) => SpanExporter;
    };
    const url = `${opts.endpoint!.replace(/\/+$/, '')}/v1/traces`;
    processor = new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) });
  }
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName ?? 'retention-ledger' }),
    spanProcessors: [processor],
  });
  const mine: TracingState = { provider, tracer: provider.getTracer('retention-ledger') };
  state = mine;
  return {
    shutdown: async () => {
      if (state === mine) state = undefined;
      await provider.shutdown();
    },
  };
}

export function tracingOn(): boolean {
  return state !== undefined;
}

/** The trace context a Kafka record carries, if tracing is on and it carries one. */
export function contextFromHeaders(headers: Headers | undefined): Context | undefined {
  if (!state || !headers) return undefined;
  const ctx = propagator.extract(ROOT_CONTEXT, headers, headerGetter);
  return trace.getSpanContext(ctx) ? ctx : undefined;
}

/** W3C headers for a Kafka record sent within `ctx`; {} when off or without a context. */
export function headersFor(ctx: Context | undefined): Record<string, string> {
  if (!state || !ctx) return {};
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, headerSetter);
  return carrier;
}

export interface SpanOptions {
  parent?: Context;
  kind?: SpanKind;
  attributes?: Record<string, string | number | boolean>;
}

/**
 * Runs `fn` inside a span (child of `parent`), ending it with the outcome; `fn` gets the
 * span's context to pass on. Off: just runs `fn(undefined)`.
 */
export async function inSpan<T>(
  name: string,
  opts: SpanOptions,
  fn: (ctx: Context | undefined) => Promise<T>,
): Promise<T> {
  const s = state;
  if (!s) return fn(undefined);
  const span: Span = s.tracer.startSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes },
    opts.parent ?? ROOT_CONTEXT,
  );
  try {
    const result = await fn(trace.setSpan(opts.parent ?? ROOT_CONTEXT, span));
    span.setStatus({ code: SpanStatusCode.OK });
    return result;
  } catch (err) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}

/** A span opened by `openSpan`: its context for children, and how to end it. */
export interface OpenSpan {
  ctx: Context;
  /** A finished child span from `startMs` to now (for one step of a batch shared by many traces). */
  child(name: string, startMs: number, attributes?: Record<string, string | number | boolean>): void;
  end(err?: unknown): void;
}

/** A span to end later (a record's way through a batch); undefined when tracing is off. */
export function openSpan(name: string, opts: SpanOptions & { startMs?: number }): OpenSpan | undefined {
  const s = state;
  if (!s) return undefined;
  const parent = opts.parent ?? ROOT_CONTEXT;
  const span = s.tracer.startSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes, startTime: opts.startMs },
    parent,
  );
  const ctx = trace.setSpan(parent, span);
  return {
    ctx,
    child(childName, startMs, attributes) {
      s.tracer.startSpan(childName, { startTime: startMs, attributes }, ctx).end();
    },
    end(err) {
      if (err !== undefined) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: err instanceof Error ? err.message : String(err),
        });
      }
      span.end();
    },
  };
}

/**
 * Span contexts by key (an event's eventId, an obligation's id) for the hops through the
 * stores inside one process. Bounded: the oldest go first; a key not found starts a new trace.
 */
class TraceLinks {
  private readonly links = new Map<string, Context>();

  constructor(private readonly max: number) {}

  remember(key: string, ctx: Context | undefined): void {
    if (!state || !ctx) return;
    this.links.delete(key);
    this.links.set(key, ctx);
    if (this.links.size > this.max) {
      const oldest = this.links.keys().next();
      if (!oldest.done) this.links.delete(oldest.value);
    }
  }

  recall(key: string): Context | undefined {
    return state ? this.links.get(key) : undefined;
  }
}

export const traceLinks = new TraceLinks(100_000);

export { SpanKind };
