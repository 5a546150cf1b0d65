/** One prefix, base units, `_total` for counters, `_seconds` for durations (Prometheus naming practices). */
export const METRIC = {
  eventsIngested: 'retention_ledger_events_ingested_total',
  deadLetters: 'retention_ledger_dead_letters_total',
  consumerLag: 'retention_ledger_ingest_consumer_lag_records',
  consumerUp: 'retention_ledger_ingest_consumer_up',
  commandsIssued: 'retention_ledger_deletion_commands_issued_total',
  commandsPublished: 'retention_ledger_deletion_commands_published_total',
  commandsRetried: 'retention_ledger_deletion_commands_retried_total',
  commandLatency: 'retention_ledger_deletion_command_latency_seconds',
  obligations: 'retention_ledger_obligations',
  overdue: 'retention_ledger_obligations_overdue',
  dueSoon: 'retention_ledger_obligations_due_within_7d',
  ledgerEntries: 'retention_ledger_ledger_entries',
  ledgerStreams: 'retention_ledger_ledger_streams',
  httpDuration: 'retention_ledger_http_request_duration_seconds',
} as const;
