// @ts-check
// stress.js: raise the arrival rate step by step until the gateways fail, and report the knee.
//
// Proves: where the cluster's capacity ends. The rate climbs from START_RATE (default 100/s) by STEP (100/s)
// every STEP_SECONDS (30 s), for STEPS steps (15); the test aborts once more than 5 % of requests fail.
// Every request is tagged with its step, so the report shows p95 and error rate per offered rate; the knee is
// the first step whose error rate exceeds 1 % or whose p95 exceeds KNEE_FACTOR (3) x the first step's p95.
//
// Read it: the printed table (offered rate, achieved rate, p95, errors per step) and the "knee" line; also
// written to stress-summary.json. The last passing step is the sustainable rate on this hardware.
//
//   k6 run -e CLUSTER_ENV=... -e START_RATE=200 -e STEP=200 k6-loadtests/scripts/stress.js
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import { BASE_URL, num } from './lib/config.js';
import { thresholdReport } from './lib/summary.js';

const START = num('START_RATE', 100);
const STEP = num('STEP', 100);
const STEPS = num('STEPS', 15);
const STEP_SECONDS = num('STEP_SECONDS', 30);
const RAMP_SECONDS = 5;
const KNEE_FACTOR = num('KNEE_FACTOR', 3);

/** @type {{ target: number, duration: string }[]} */
const stages = [];
// the per-step submetrics' thresholds always hold: they are there so the summary data has each step's figures
/** @type {Record<string, any>} */
const allThresholds = { http_req_failed: [{ threshold: 'rate<0.05', abortOnFail: true, delayAbortEval: '20s' }] };
for (let s = 0; s < STEPS; s++) {
  stages.push({ target: START + s * STEP, duration: `${RAMP_SECONDS}s` });
  stages.push({ target: START + s * STEP, duration: `${STEP_SECONDS}s` });
  allThresholds[`http_req_duration{step:${s}}`] = ['p(95)>=0'];
  allThresholds[`http_req_failed{step:${s}}`] = ['rate>=0'];
  allThresholds[`http_reqs{step:${s}}`] = ['count>=0'];
}

export const options = {
  scenarios: {
    stress: {
      executor: 'ramping-arrival-rate',
      startRate: START,
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: num('MAX_VUS', 1000),
      stages,
    },
  },
  thresholds: allThresholds,
};

export default function () {
  const elapsed = exec.instance.currentTestRunDuration / 1000;
  const step = Math.min(STEPS - 1, Math.floor(elapsed / (RAMP_SECONDS + STEP_SECONDS)));
  const res = http.get(`${BASE_URL}/public/hello`, { tags: { route: 'public', step: String(step) } });
  check(res, { 'public 200': (r) => r.status === 200 });
}

/** @param {any} data */
export function handleSummary(data) {
  const rows = [];
  let knee = null;
  let baseP95 = 0;
  for (let s = 0; s < STEPS; s++) {
    const lat = data.metrics[`http_req_duration{step:${s}}`];
    const failed = data.metrics[`http_req_failed{step:${s}}`];
    const reqs = data.metrics[`http_reqs{step:${s}}`];
    if (!lat || !reqs || reqs.values.count === 0) break;
    const p95 = lat.values['p(95)'];
    const errors = failed ? failed.values.rate : 0;
    const achieved = reqs.values.count / (RAMP_SECONDS + STEP_SECONDS);
    if (s === 0) baseP95 = p95;
    const bad = errors > 0.01 || (s > 0 && p95 > KNEE_FACTOR * Math.max(baseP95, 1));
    if (bad && knee === null) knee = s;
    rows.push({ step: s, offered: START + s * STEP, achieved: Math.round(achieved), p95: Math.round(p95 * 10) / 10, errors });
  }
  const table = rows
    .map((r) => `  step ${String(r.step).padStart(2)}  offered ${String(r.offered).padStart(6)}/s  achieved ${String(r.achieved).padStart(6)}/s  p95 ${String(r.p95).padStart(8)} ms  errors ${(r.errors * 100).toFixed(2)} %`)
    .join('\n');
  const kneeLine = knee === null
    ? `knee: not reached up to ${START + (rows.length - 1) * STEP}/s`
    : `knee: step ${knee} at ${START + knee * STEP}/s offered; last good rate ${knee > 0 ? START + (knee - 1) * STEP : 'none'}/s`;
  return {
    stdout: `\n${thresholdReport(data, ['http_reqs', 'http_req_failed', 'http_req_duration', 'dropped_iterations'])}`
      + `\nstress: per-step results\n${table}\n${kneeLine}\n`,
    'stress-summary.json': JSON.stringify({ steps: rows, knee, kneeRate: knee === null ? null : START + knee * STEP }, null, 2),
  };
}
