// @ts-check
// spike.js: a sudden burst far above the usual rate, then back to normal.
//
// Proves: from BASE_RATE (default 50/s) to SPIKE_RATE (default 1000/s) within 10 s, held 30 s, then down again,
// the gateways keep answering (errors < 1 %, p99 under SPIKE_P99_MS during the spike), and once the spike is
// over latency returns to normal (the `recovery` scenario's p95 under P95_MS): no queue or pool stays clogged.
//
// Read it: thresholds on http_req_duration{scenario:spike} vs {scenario:recovery}; a failing recovery
// threshold with a passing spike one means something kept degrading after the burst.
//
//   k6 run -e CLUSTER_ENV=... -e SPIKE_RATE=2000 k6-loadtests/scripts/spike.js
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, num } from './lib/config.js';

const BASE = num('BASE_RATE', 50);
const SPIKE = num('SPIKE_RATE', 1000);

export const options = {
  scenarios: {
    spike: {
      executor: 'ramping-arrival-rate',
      startRate: BASE,
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: num('MAX_VUS', Math.max(200, SPIKE / 2)),
      stages: [
        { target: BASE, duration: '20s' },
        { target: SPIKE, duration: '10s' },
        { target: SPIKE, duration: '30s' },
        { target: BASE, duration: '10s' },
      ],
    },
    recovery: {
      executor: 'constant-arrival-rate',
      startTime: '75s',
      rate: BASE,
      timeUnit: '1s',
      duration: '30s',
      preAllocatedVUs: 10,
      maxVUs: 50,
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{scenario:spike}': [`p(99)<${num('SPIKE_P99_MS', 1000)}`],
    'http_req_duration{scenario:recovery}': [`p(95)<${num('P95_MS', 50)}`],
  },
};

export default function () {
  const res = http.get(`${BASE_URL}/public/hello`, { tags: { route: 'public' } });
  check(res, { 'public 200': (r) => r.status === 200 });
}
