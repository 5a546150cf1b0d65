import type { Context, TextMapGetter, TextMapSetter, Tracer } from '@opentelemetry/api';
import type { SpanExporter, SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/**
 * OpenTelemetry spans for the pipeline: ingest → ledger → projector → dispatcher → command.
 * Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (or a test hands in a span processor): then
 * every helper below returns before touching the OpenTelemetry API, so tracing costs a
 * boolean test per batch, and the OpenTelemetry packages are not even loaded (they add
 * a quarter of a second to the start of every command).
 *
 * Context crosses processes in Kafka headers (W3C `traceparent`/`tracestate`): from the
 * producer of a lifecycle event into ingest, and from the dispatcher into the deletion
 * command a regional store receives. The ledger → projector → dispatcher hops go through
 * the stores, which carry no trace context; inside one process `traceLinks` remembers the
 * span of each appended event and of each obligation it changed, so the command's trace
 * is the lifecycle event's. Where those roles run in separate processes, the projector
 * and dispatcher spans start traces of their own.
 */
type OtelApi = typeof import('@opentelemetry/api');

interface TracingState {
  provider: TracerProvider;
  tracer: Tracer;
  api: OtelApi;
  propagator: { inject: OtelPropagator['inject']; extract: OtelPropagator['extract'] };
}
type OtelPropagator = InstanceType<typeof import('@opentelemetry/core').W3CTraceContextPropagator>;

let state: TracingState | undefined;
type Headers = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** consumer / producer / internal, as OpenTelemetry's SpanKind (loaded only when on). */
export type TraceSpanKind = 'consumer' | 'producer' | 'internal';

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
  // Loaded only when tracing is on (see above).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const api = require('@opentelemetry/api') as OtelApi;
  const sdk = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const { W3CTraceContextPropagator } =
    require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { resourceFromAttributes } =
    require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  let processor = opts.processor;
  if (!processor) {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as {
      OTLPTraceExporter: new (c: { url: string }) => SpanExporter;
    };
    const url = `${opts.endpoint!.replace(/\/+$/, '')}/v1/traces`;
    processor = new sdk.BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) });
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName ?? 'retention-ledger' }),
    spanProcessors: [processor],
  });
  const mine: TracingState = {
    provider,
    tracer: provider.getTracer('retention-ledger'),
    api,
    propagator: new W3CTraceContextPropagator(),
  };
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
  const ctx = state.propagator.extract(state.api.ROOT_CONTEXT, headers, headerGetter);
  return state.api.trace.getSpanContext(ctx) ? ctx : undefined;
}

/** W3C headers for a Kafka record sent within `ctx`; {} when off or without a context. */
export function headersFor(ctx: Context | undefined): Record<string, string> {
  if (!state || !ctx) return {};
  const carrier: Record<string, string> = {};
  state.propagator.inject(ctx, carrier, headerSetter);
  return carrier;
}

export interface SpanOptions {
  parent?: Context;
  kind?: TraceSpanKind;
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
  const span = openSpan(name, opts);
  if (!span) return fn(undefined);
  try {
    const result = await fn(span.ctx);
    span.end();
    return result;
  } catch (err) {
    span.end(err);
    throw err;
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
  const { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } = s.api;
  const parent = opts.parent ?? ROOT_CONTEXT;
  const kind = { consumer: SpanKind.CONSUMER, producer: SpanKind.PRODUCER, internal: SpanKind.INTERNAL }[
    opts.kind ?? 'internal'
  ];
  const span = s.tracer.startSpan(
    name,
    { kind, attributes: opts.attributes, startTime: opts.startMs },
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
