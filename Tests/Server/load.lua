-- wrk script: the page's default simulation (POST /api/summary with the default scenario), the request the
-- page sends on every change. Prints one LOAD line (requests, errors, answers not 2xx, latency percentiles) for
-- the driver (.ci/serve) to check.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"weightKilograms": 70, "doses": ["0.5 mg/kg over 40 min at 0 min"], "drug": "racemic"}'

function done(summary, latency, requests)
  io.write(string.format("LOAD requests=%d errors=%d non200=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
