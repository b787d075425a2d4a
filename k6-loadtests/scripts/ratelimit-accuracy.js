// @ts-check
// ratelimit-accuracy.js: a known rate above a configured limit, through the load balancer; the admitted
// requests per window must match the limit whichever replica answered.
//
// Proves: ClusterRateLimit is one limit for the whole cluster, not one per replica. The demo route /limited/**
// allows LIMIT (20) per second per X-Client-Id (GCRA: a burst of 20, then one every 50 ms), and HAProxy spreads
// the requests round-robin over every replica. At OFFERED (40/s, twice the limit) for DURATION (60 s):
//   - every whole second after the first admits LIMIT: rl_window_deviation records |admitted - LIMIT| per second;
//   - in total, admitted = LIMIT (burst) + LIMIT per second elapsed: rl_total_deviation_pct is the difference in %;
//   - every refusal is a 429 with Retry-After; anything else counts in rl_unexpected.
// One VU sends every request (maxVUs 1) so it can count per window; at 40/s on loopback one VU keeps up
// (dropped_iterations says when it did not). With N replicas that each limited on their own, admitted would
// be N times the limit and both deviation thresholds would fail.
//
// Read it: rl_window_deviation (max must be <= 2), rl_total_deviation_pct (value < 2), rl_admitted{replica:...}
// (admitted per replica, X-Served-By from HAProxy), rl_limited.
//
//   k6 run -e CLUSTER_ENV=... k6-loadtests/scripts/ratelimit-accuracy.js
// Java twin run by ./mvnw verify: gateway-app/src/test/java/io/tollgate/gateway/cluster/LocalClusterIT.java
import http from 'k6/http';
import { check } from 'k6';
import { Counter, Gauge, Trend } from 'k6/metrics';
import { BASE_URL, num, setting, header } from './lib/config.js';

const LIMIT = num('LIMIT', 20);
const OFFERED = num('OFFERED', 40);
const PATH = setting('LIMITED_PATH', '/limited/accuracy');

const admitted = new Counter('rl_admitted');
const limited = new Counter('rl_limited');
const unexpected = new Counter('rl_unexpected');
const windowDeviation = new Trend('rl_window_deviation');
const totalDeviationPct = new Gauge('rl_total_deviation_pct');

export const options = {
  scenarios: {
    accuracy: {
      executor: 'constant-arrival-rate',
      rate: OFFERED,
      timeUnit: '1s',
      duration: setting('DURATION', '60s'),
      preAllocatedVUs: 1,
      maxVUs: 1,
    },
  },
  thresholds: {
    rl_window_deviation: ['max<=2'],
    rl_total_deviation_pct: ['value<2'],
    rl_unexpected: ['count==0'],
    checks: ['rate==1'],
  },
};

export function setup() {
  // a fresh budget for this run: counters of earlier runs do not leak in
  return { clientId: `k6-accuracy-${Date.now()}` };
}

// this VU's state (the only VU of the scenario)
let firstAt = -1;
let window = 0;
let inWindow = 0;
let total = 0;

/** @param {ReturnType<typeof setup>} data */
export default function (data) {
  const now = Date.now();
  if (firstAt < 0) firstAt = now;
  const w = Math.floor((now - firstAt) / 1000);
  if (w !== window) {
    // window 0 holds the burst; every later whole second must admit exactly the rate
    if (window > 0) windowDeviation.add(Math.abs(inWindow - LIMIT), { window: String(window) });
    window = w;
    inWindow = 0;
    const expected = LIMIT + (LIMIT * (now - firstAt)) / 1000;
    totalDeviationPct.add((100 * Math.abs(total - expected)) / expected);
  }
  const res = http.get(`${BASE_URL}${PATH}`, {
    headers: { 'X-Client-Id': data.clientId },
    tags: { route: 'ratelimit' },
    responseCallback: http.expectedStatuses(200, 429),
  });
  const replica = header(res, 'X-Served-By') || 'unknown';
  if (res.status === 200) {
    admitted.add(1, { replica });
    inWindow++;
    total++;
  } else if (res.status === 429) {
    limited.add(1, { replica });
    check(res, { '429 has Retry-After': (r) => Number(header(r, 'Retry-After')) >= 1 });
  } else {
    unexpected.add(1, { status: String(res.status) });
  }
}
