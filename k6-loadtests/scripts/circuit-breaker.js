// @ts-check
// circuit-breaker.js: the demo upstream starts failing mid-run; the gateways must shed load within the promised
// time, and recover once it is healthy again.
//
// Proves: SharedCircuitBreaker on the demo route /breaker/** (demo-breaker: 10 s window, 50 % failure rate,
// 20 calls minimum, wait-in-open 10 s) under RATE (50/s) through the load balancer:
//   1. healthy for HEALTHY_SECONDS (20): every call 200;
//   2. at that moment the `fault_on` scenario switches the upstream to 100 % errors (PUT /faults?path=/breaker
//      &rate=1&status=500). Within SHED_WITHIN_MS (default 7000: half the window to reach 50 % failures after
//      healthy traffic, plus the 200 ms flush and propagation) every replica answers 503 from the breaker
//      without calling the upstream (time_to_shed_ms is each VU's first breaker 503 after the switch);
//      once shed, at most 5 % of calls reach the failing upstream (upstream_reached{phase:open}, half-open trials);
//   3. after FAULTY_SECONDS (30) the `fault_off` scenario heals the upstream; within RECOVER_WITHIN_MS (default
//      15000: wait-in-open 10 s, trial calls, propagation) calls succeed again (time_to_recover_ms), and in the
//      last phase more than 99 % succeed (ok{phase:recovered}).
//
// Read it: time_to_shed_ms min/avg, upstream_reached{phase:open}, time_to_recover_ms min, ok{phase:recovered}.
// Breaker 503s carry a problem body with "breaker":"demo-breaker" and Retry-After; upstream failures are 500s.
//
//   k6 run -e CLUSTER_ENV=... k6-loadtests/scripts/circuit-breaker.js
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import { Rate, Trend } from 'k6/metrics';
import { BASE_URL, UPSTREAM_URL, num, jsonBody } from './lib/config.js';

const RATE = num('RATE', 50);
const HEALTHY = num('HEALTHY_SECONDS', 20);
const FAULTY = num('FAULTY_SECONDS', 30);
const RECOVERY = num('RECOVERY_SECONDS', 30);
const SHED_WITHIN = num('SHED_WITHIN_MS', 7000);
const RECOVER_WITHIN = num('RECOVER_WITHIN_MS', 15000);

const timeToShed = new Trend('time_to_shed_ms', true);
const timeToRecover = new Trend('time_to_recover_ms', true);
const upstreamReached = new Rate('upstream_reached');
const ok = new Rate('ok');

export const options = {
  scenarios: {
    traffic: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: `${HEALTHY + FAULTY + RECOVERY}s`,
      preAllocatedVUs: 10,
      maxVUs: 100,
      exec: 'traffic',
    },
    fault_on: { executor: 'per-vu-iterations', vus: 1, iterations: 1, startTime: `${HEALTHY}s`, exec: 'faultOn' },
    fault_off: { executor: 'per-vu-iterations', vus: 1, iterations: 1, startTime: `${HEALTHY + FAULTY}s`, exec: 'faultOff' },
  },
  thresholds: {
    'ok{phase:healthy}': ['rate>0.999'],
    time_to_shed_ms: [`min<${SHED_WITHIN}`],
    'upstream_reached{phase:open}': ['rate<0.05'],
    time_to_recover_ms: [`min<${RECOVER_WITHIN}`],
    'ok{phase:recovered}': ['rate>0.99'],
  },
};

export function setup() {
  const res = http.del(`${UPSTREAM_URL}/faults?path=/breaker`, null, { tags: { route: 'faults' } });
  if (res.status !== 200) throw new Error(`the demo upstream's fault switch at ${UPSTREAM_URL}/faults answered ${res.status}`);
}

export function faultOn() {
  const res = http.put(`${UPSTREAM_URL}/faults?path=/breaker&rate=1&status=500`, null, { tags: { route: 'faults' } });
  check(res, { 'upstream switched to failing': (r) => r.status === 200 });
}

export function faultOff() {
  const res = http.del(`${UPSTREAM_URL}/faults?path=/breaker`, null, { tags: { route: 'faults' } });
  check(res, { 'upstream healed': (r) => r.status === 200 });
}

// per-VU: has this VU already seen the breaker shed / the route recover?
let shedSeen = false;
let recoverSeen = false;

export function traffic() {
  const t = exec.instance.currentTestRunDuration;
  const onAt = HEALTHY * 1000;
  const offAt = (HEALTHY + FAULTY) * 1000;
  const phase = t < onAt ? 'healthy'
    : t < onAt + SHED_WITHIN ? 'opening'
      : t < offAt ? 'open'
        : t < offAt + RECOVER_WITHIN ? 'recovering' : 'recovered';
  const res = http.get(`${BASE_URL}/breaker/hello`, {
    tags: { route: 'breaker', phase },
    responseCallback: http.expectedStatuses(200, 500, 503),
  });
  const shed = res.status === 503 && jsonBody(res).breaker === 'demo-breaker';
  ok.add(res.status === 200, { phase });
  if (phase === 'open' || phase === 'opening') {
    if (phase === 'open') upstreamReached.add(!shed, { phase });
    if (shed && !shedSeen) {
      shedSeen = true;
      timeToShed.add(t - onAt);
    }
  }
  if ((phase === 'recovering' || phase === 'recovered') && res.status === 200 && !recoverSeen) {
    recoverSeen = true;
    timeToRecover.add(t - offAt);
  }
}
