/**
 * Integration and e2e tests start real processes (the compiled CLI, brokers, PostgreSQL
 * connections); on a 2-core machine shared with a parallel jest worker a cold CLI start
 * alone can pass jest's 5 s default. Each test still waits for a condition, never a
 * fixed time: this only moves the point at which a hung one is reported. Tests that set
 * their own timeout keep it.
 */
jest.setTimeout(30_000);
