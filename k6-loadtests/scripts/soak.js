// @ts-check
// soak.js: hours of steady traffic, watching the gateways' memory.
//
// Proves: at RATE requests/s (default 100) for DURATION (default 4h) over the public, JWT and rate-limited
// routes, latency and errors stay within the goals and memory does not grow: a second scenario reads each
// replica's /actuator/prometheus every 30 s (process_memory_rss_bytes, jvm heap used, direct buffers) and
// records the growth since its first reading.
//
// Read it: rss_growth_bytes and heap_used_bytes in the summary (value = last reading, tagged by replica in
// the JSON output); the rss_growth threshold (RSS_GROWTH_MB, default 256) fails on a leak. A rising
// heap_used_bytes minimum over hours points at a heap leak; rising RSS with a flat heap at native/direct memory.
//
//   k6 run -e CLUSTER_ENV=... -e DURATION=8h -e RATE=200 k6-loadtests/scripts/soak.js
import http from 'k6/http';
import { check } from 'k6';
import { Gauge, Trend } from 'k6/metrics';
import { BASE_URL, MGMT_URLS, num, setting, token, bearer } from './lib/config.js';

const RATE = num('RATE', 100);
const DURATION = setting('DURATION', '4h');

const rssBytes = new Gauge('rss_bytes');
const rssGrowth = new Gauge('rss_growth_bytes');
const heapUsed = new Trend('heap_used_bytes');
const directBytes = new Gauge('direct_buffer_bytes');

export const options = {
  scenarios: {
    traffic: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: Math.max(10, Math.ceil(RATE / 20)),
      maxVUs: num('MAX_VUS', 200),
      exec: 'traffic',
    },
    memory: {
      executor: 'constant-arrival-rate',
      rate: 1,
      timeUnit: '30s',
      duration: DURATION,
      preAllocatedVUs: 1,
      maxVUs: 1,
      exec: 'memory',
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    'http_req_duration{route:public}': [`p(99)<${num('P99_MS', 200)}`],
    'http_req_duration{route:jwt}': [`p(99)<${num('P99_MS', 200)}`],
    rss_growth_bytes: [`value<${num('RSS_GROWTH_MB', 256) * 1024 * 1024}`],
  },
};

export function setup() {
  return { gold: token({ name: 'gold', sub: 'k6-soak', scope: 'orders:read', tier: 'gold', ttl: 86400 }) };
}

/** @param {ReturnType<typeof setup>} t */
export function traffic(t) {
  const pick = Math.random();
  if (pick < 0.6) {
    check(http.get(`${BASE_URL}/public/hello`, { tags: { route: 'public' } }), { 'public 200': (r) => r.status === 200 });
  } else if (pick < 0.9) {
    check(http.get(`${BASE_URL}/orders/1`, { headers: bearer(t.gold), tags: { route: 'jwt' } }), { 'jwt 200': (r) => r.status === 200 });
  } else {
    // one client id per VU and iteration block: mostly admitted, sometimes 429; both are expected answers
    const res = http.get(`${BASE_URL}/limited/soak`, {
      headers: { 'X-Client-Id': `soak-${__VU}-${Math.floor(Date.now() / 60000)}` },
      tags: { route: 'ratelimit' },
      responseCallback: http.expectedStatuses(200, 429),
    });
    check(res, { 'ratelimit 200 or 429': (r) => r.status === 200 || r.status === 429 });
  }
}

/** @type {Record<string, number>} first RSS reading per replica (this scenario has one VU) */
const firstRss = {};

/**
 * Sum of the samples of one Prometheus metric whose labels contain every filter.
 * @param {string} text @param {string} name @param {string[]} filters
 */
function sample(text, name, filters) {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!filters.every((f) => line.includes(f))) continue;
    total += Number(line.substring(line.lastIndexOf(' ') + 1));
    found = true;
  }
  return found ? total : NaN;
}

export function memory() {
  for (const mgmt of MGMT_URLS) {
    const res = http.get(`${mgmt}/actuator/prometheus`, { tags: { route: 'actuator' } });
    if (res.status !== 200 || typeof res.body !== 'string') continue;
    const tags = { replica: mgmt };
    const rss = sample(res.body, 'process_memory_rss_bytes', []);
    if (!Number.isNaN(rss)) {
      if (firstRss[mgmt] === undefined) firstRss[mgmt] = rss;
      rssBytes.add(rss, tags);
      rssGrowth.add(rss - firstRss[mgmt], tags);
    }
    const heap = sample(res.body, 'jvm_memory_used_bytes', ['area="heap"']);
    if (!Number.isNaN(heap)) heapUsed.add(heap, tags);
    const direct = sample(res.body, 'jvm_buffer_memory_used_bytes', ['id="direct"']);
    if (!Number.isNaN(direct)) directBytes.add(direct, tags);
  }
}
