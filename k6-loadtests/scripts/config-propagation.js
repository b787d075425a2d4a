// @ts-check
// config-propagation.js: publish an API through the Admin API and measure the time until every replica serves it.
//
// Written against the Admin API contract of issue #8 (API management), which is not built yet: until it is,
// this script fails at setup with a message saying so.
//   PUT  {ADMIN_URL}/admin/v1/apis/{id}   create or replace an API (JSON; JWT with scope tollgate:admin)
//   GET  {ADMIN_URL}/admin/v1/status      {"revision": N, "replicas": [{"id", "revision", "lagMillis"}]}
//   DELETE {ADMIN_URL}/admin/v1/apis/{id}
// Proves: the goal of #8, every replica serves a published API within 1 s of the write (p50 <= 300 ms).
// Each iteration publishes a new API (basePath /k6-prop-<run>-<n>, public, upstream = the demo upstream), then
// polls, every POLL_MS (20), each replica's data port (REPLICA_URLS) until all answer 200 on it, and
// /admin/v1/status until every replica there reports a revision at least that of the write:
//   serving_ms     write -> every replica serves the API (what a client sees)
//   applied_ms     write -> every replica in /admin/v1/status has applied the new revision
//   replicas_seen  replicas listed by /admin/v1/status, must equal the REPLICA_URLS count
//
// Read it: serving_ms p(50) and max against the thresholds; applied_ms shows the same from the replicas' own
// reports; a replica missing from /admin/v1/status fails the replicas check.
//
//   k6 run -e CLUSTER_ENV=... -e ITERATIONS=50 k6-loadtests/scripts/config-propagation.js
// ADMIN_URL defaults to the first replica's management port; ADMIN_TOKEN to a demo-issuer token with scope
// tollgate:admin.
import http from 'k6/http';
import { check, fail, sleep } from 'k6';
import exec from 'k6/execution';
import { Trend } from 'k6/metrics';
import { MGMT_URLS, REPLICA_URLS, UPSTREAM_URL, num, setting, jsonBody, bearer, token } from './lib/config.js';

const ADMIN_URL = setting('ADMIN_URL', MGMT_URLS[0]);
const ITERATIONS = num('ITERATIONS', 20);
const POLL_MS = num('POLL_MS', 20);
const GIVE_UP_MS = num('GIVE_UP_MS', 10000);

const servingMs = new Trend('serving_ms', true);
const appliedMs = new Trend('applied_ms', true);

export const options = {
  scenarios: {
    propagation: { executor: 'per-vu-iterations', vus: 1, iterations: ITERATIONS, maxDuration: '10m' },
  },
  thresholds: {
    serving_ms: ['p(50)<=300', 'max<1000'],
    applied_ms: ['max<1000'],
    checks: ['rate==1'],
  },
};

export function setup() {
  const admin = __ENV.ADMIN_TOKEN || token({ name: 'admin', sub: 'k6-admin', scope: 'tollgate:admin' });
  const status = http.get(`${ADMIN_URL}/admin/v1/status`, { headers: bearer(admin), tags: { route: 'admin' } });
  if (status.status === 404) {
    fail(`${ADMIN_URL}/admin/v1/status answered 404: this gateway has no Admin API yet (issue #8)`);
  }
  if (status.status !== 200) fail(`${ADMIN_URL}/admin/v1/status answered ${status.status}: ${status.body}`);
  return { admin, run: `${Date.now()}` };
}

/** @param {string} admin */
function adminStatus(admin) {
  const res = http.get(`${ADMIN_URL}/admin/v1/status`, { headers: bearer(admin), tags: { route: 'admin' } });
  const body = jsonBody(res);
  return {
    revision: Number(body.revision),
    /** @type {{ id: string, revision: number }[]} */
    replicas: Array.isArray(body.replicas) ? body.replicas : [],
  };
}

/** @param {ReturnType<typeof setup>} data */
export default function (data) {
  const n = exec.scenario.iterationInTest;
  const id = `k6-prop-${data.run}-${n}`;
  const basePath = `/${id}`;
  const before = adminStatus(data.admin).revision;
  const api = {
    name: `k6 propagation ${n}`,
    version: 'v1',
    basePath,
    upstream: UPSTREAM_URL,
    stripBasePath: true,
    status: 'published',
    auth: { mode: 'public' },
  };
  const start = Date.now();
  const put = http.put(`${ADMIN_URL}/admin/v1/apis/${id}`, JSON.stringify(api), {
    headers: { ...bearer(data.admin), 'Content-Type': 'application/json' },
    tags: { route: 'admin' },
  });
  if (!check(put, { 'PUT /admin/v1/apis/{id}: 200 or 201': (r) => r.status === 200 || r.status === 201 })) {
    fail(`PUT /admin/v1/apis/${id} answered ${put.status}: ${put.body}`);
  }
  const written = Date.now();

  const pending = new Set(REPLICA_URLS);
  let served = false;
  let applied = false;
  while ((!served || !applied) && Date.now() - written < GIVE_UP_MS) {
    for (const replica of Array.from(pending)) {
      const res = http.get(`${replica}${basePath}/hello`, {
        tags: { route: 'managed-api', name: 'REPLICA/k6-prop-*/hello' },
        responseCallback: http.expectedStatuses(200, 404),
      });
      if (res.status === 200) pending.delete(replica);
    }
    if (!served && pending.size === 0) {
      served = true;
      servingMs.add(Date.now() - start);
    }
    if (!applied) {
      const status = adminStatus(data.admin);
      check(status, { 'status lists every replica': (s) => s.replicas.length >= REPLICA_URLS.length });
      if (status.revision > before && status.replicas.every((r) => Number(r.revision) >= status.revision)) {
        applied = true;
        appliedMs.add(Date.now() - start);
      }
    }
    if (!served || !applied) sleep(POLL_MS / 1000);
  }
  check(served, { 'every replica serves the new API': (v) => v });
  check(applied, { 'every replica applied the new revision': (v) => v });
}

/** @param {ReturnType<typeof setup>} data */
export function teardown(data) {
  for (let n = 0; n < ITERATIONS; n++) {
    http.del(`${ADMIN_URL}/admin/v1/apis/k6-prop-${data.run}-${n}`, null, {
      headers: bearer(data.admin),
      tags: { route: 'admin' },
      responseCallback: http.expectedStatuses(200, 204, 404),
    });
  }
}
