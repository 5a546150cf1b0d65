/** A tiny HTTP client for the API tests: real requests over loopback, nothing mocked. */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
}

export function apiClient(baseUrl: string) {
  return async (
    path: string,
    opts: { key?: string; method?: string; headers?: Record<string, string>; body?: unknown } = {},
  ) => {
    const res = await fetch(baseUrl + path, {
      method: opts.method ?? 'GET',
      headers: {
        ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json } satisfies ApiAnswer;
  };
}

/** The value of one sample in Prometheus text format, e.g. `metricValue(text, 'x_total{outcome="a"}')`. */
export function metricValue(exposition: string, sample: string): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith(sample + ' ')) return Number(line.slice(sample.length + 1));
  }
  return undefined;
}
