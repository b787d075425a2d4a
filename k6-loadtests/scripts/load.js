// @ts-check
// load.js: a constant arrival rate through the load balancer, with latency and error goals.
//
// Proves: at RATE requests/s (default 200) for DURATION (default 2m), a mix of the public route (70 %) and the
// JWT + RequireScopes + JwtClaim premium route (30 %, one cached token per VU) stays under the p95/p99 goals and
// fails fewer than 0.1 % of requests. Open-model load: k6 starts iterations on schedule whatever the latency,
// so a slow gateway shows up as latency and dropped_iterations, not as a lower offered rate.
//
// Read it: the thresholds block at the end of the summary. http_req_duration{route:...} are the per-route
// percentiles; dropped_iterations > 0 means k6 ran out of VUs (raise MAX_VUS) or the gateway is saturated.
//
//   k6 run -e CLUSTER_ENV=... -e RATE=500 -e DURATION=5m k6-loadtests/scripts/load.js
//   K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_EXPORT=report.html k6 run ... load.js     (HTML report)
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, num, setting, token, bearer } from './lib/config.js';

const RATE = num('RATE', 200);
const P95 = num('P95_MS', 50);
const P99 = num('P99_MS', 200);

export const options = {
  scenarios: {
    load: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: setting('DURATION', '2m'),
      preAllocatedVUs: Math.max(10, Math.ceil(RATE / 20)),
      maxVUs: num('MAX_VUS', Math.max(50, Math.ceil(RATE / 4))),
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    'http_req_duration{route:public}': [`p(95)<${P95}`, `p(99)<${P99}`],
    'http_req_duration{route:jwt}': [`p(95)<${P95}`, `p(99)<${P99}`],
    checks: ['rate>0.999'],
    dropped_iterations: [`count<${Math.ceil(RATE)}`],
  },
};

export function setup() {
  return { gold: token({ name: 'gold', sub: 'k6-load', scope: 'orders:read', tier: 'gold' }) };
}

/** @param {ReturnType<typeof setup>} t */
export default function (t) {
  if (Math.random() < 0.7) {
    const res = http.get(`${BASE_URL}/public/hello`, { tags: { route: 'public' } });
    check(res, { 'public 200': (r) => r.status === 200 });
  } else {
    const res = http.get(`${BASE_URL}/orders/1`, { headers: bearer(t.gold), tags: { route: 'jwt' } });
    check(res, { 'jwt 200': (r) => r.status === 200 });
  }
}
