// @ts-check
// smoke.js: every route type answers as documented, once, through the load balancer.
//
// Proves: public route (200), JWT route without a token (401 + WWW-Authenticate: Bearer), with a valid token
// (200, identity relayed upstream as X-User-Id), with a token lacking the scope (403 insufficient_scope), with a
// forged token (401 invalid_token), claim routing (tier=gold goes to the premium route), the rate-limited route
// (5 admitted, then 429 with Retry-After and RateLimit fields), the breaker-protected route (200 and breaker
// CLOSED on every replica), and an API key (X-API-Key) once the Admin API of issue #8 exists.
//
// Read it: every `check` must pass (threshold checks rate==1). The summary lists each check by name with
// its pass/fail count; a failed one names the route type.
//
//   k6 run -e CLUSTER_ENV=k6-loadtests/cluster/.run/cluster.env k6-loadtests/scripts/smoke.js
// API key (needs the Admin API: POST /admin/v1/consumers/{id}/keys answers {"key": "tg_..."}):
//   k6 run -e CLUSTER_ENV=... -e API_KEY=tg_... -e API_KEY_PATH=/shop/v1/hello k6-loadtests/scripts/smoke.js
import http from 'k6/http';
import { check, group } from 'k6';
import { BASE_URL, MGMT_URLS, token, header, jsonBody, bearer } from './lib/config.js';

export const options = {
  scenarios: {
    smoke: { executor: 'shared-iterations', vus: 1, iterations: 1, maxDuration: '1m' },
  },
  thresholds: {
    checks: ['rate==1'],
    'http_req_duration{route:public}': ['p(95)<500'],
  },
};

export function setup() {
  const run = `${Date.now()}`;
  return {
    reader: token({ name: 'reader', sub: `smoke-reader-${run}`, scope: 'orders:read' }),
    noScope: token({ name: 'noscope', sub: `smoke-bob-${run}`, scope: 'profile' }),
    gold: token({ name: 'gold', sub: `smoke-carol-${run}`, scope: 'orders:read', tier: 'gold' }),
    limited: token({ name: 'limited', sub: `smoke-dave-${run}`, scope: 'orders:read' }),
  };
}

/** @param {ReturnType<typeof setup>} t */
export default function (t) {
  group('public', () => {
    const res = http.get(`${BASE_URL}/public/hello`, { tags: { route: 'public' } });
    check(res, {
      'public: 200': (r) => r.status === 200,
      'public: reached the demo upstream': (r) => jsonBody(r).upstream === 'demo',
    });
  });

  group('jwt', () => {
    const none = http.get(`${BASE_URL}/orders/1`, { tags: { route: 'jwt' } });
    check(none, {
      'jwt, no token: 401': (r) => r.status === 401,
      'jwt, no token: WWW-Authenticate Bearer': (r) => (header(r, 'WWW-Authenticate') || '').startsWith('Bearer'),
    });
    const ok = http.get(`${BASE_URL}/orders/1`, { headers: bearer(t.reader), tags: { route: 'jwt' } });
    check(ok, {
      'jwt, valid token: 200': (r) => r.status === 200,
      'jwt, valid token: X-User-Id relayed': (r) => String((jsonBody(r).headers || {})['x-user-id']).startsWith('smoke-reader-'),
    });
    const forged = http.get(`${BASE_URL}/orders/1`, { headers: bearer(`${t.reader.slice(0, -4)}AAAA`), tags: { route: 'jwt' } });
    check(forged, {
      'jwt, forged token: 401 invalid_token': (r) => r.status === 401 && (header(r, 'WWW-Authenticate') || '').includes('invalid_token'),
    });
  });

  group('scopes', () => {
    const res = http.get(`${BASE_URL}/orders/1`, { headers: bearer(t.noScope), tags: { route: 'scopes' } });
    check(res, {
      'scopes, missing scope: 403': (r) => r.status === 403,
      'scopes, missing scope: insufficient_scope': (r) => (header(r, 'WWW-Authenticate') || '').includes('insufficient_scope'),
      'scopes, missing scope: problem+json': (r) => (header(r, 'Content-Type') || '').startsWith('application/problem+json'),
    });
  });

  group('claim routing', () => {
    const res = http.get(`${BASE_URL}/orders/1`, { headers: bearer(t.gold), tags: { route: 'claim' } });
    check(res, {
      'claim tier=gold: 200': (r) => r.status === 200,
      'claim tier=gold: premium route (X-Lane: premium)': (r) => (jsonBody(r).headers || {})['x-lane'] === 'premium',
    });
  });

  group('rate-limited', () => {
    // the demo's orders route: ClusterRateLimit=5/10s per principal, shared by every replica
    const statuses = [];
    /** @type {import('k6/http').RefinedResponse<any> | undefined} */
    let refused;
    for (let i = 0; i < 6; i++) {
      const res = http.get(`${BASE_URL}/orders/1`, { headers: bearer(t.limited), tags: { route: 'ratelimit' } });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    check(statuses, { 'rate limit: 5 admitted, then 429 (across replicas)': (s) => s.join(',') === '200,200,200,200,200,429' });
    check(refused, {
      'rate limit: 429 has Retry-After': (r) => r !== undefined && Number(header(r, 'Retry-After')) >= 1,
      'rate limit: 429 has RateLimit fields': (r) => r !== undefined && (header(r, 'RateLimit') || '').includes('r=0'),
    });
  });

  group('breaker-protected', () => {
    const res = http.get(`${BASE_URL}/breaker/hello`, { tags: { route: 'breaker' } });
    check(res, { 'breaker route: 200': (r) => r.status === 200 });
    for (const mgmt of MGMT_URLS) {
      const state = http.get(`${mgmt}/actuator/circuitbreakers/demo-breaker`, { tags: { route: 'actuator' } });
      check(state, { 'breaker: CLOSED on every replica': (r) => r.status === 200 && jsonBody(r).state === 'CLOSED' });
    }
  });

  group('api key', () => {
    const key = __ENV.API_KEY;
    const path = __ENV.API_KEY_PATH;
    if (!key || !path) {
      console.warn('api key: skipped. Set API_KEY (from POST /admin/v1/consumers/{id}/keys, issue #8) and '
        + 'API_KEY_PATH (a path of an API with auth mode api-key) to check it.');
      return;
    }
    const ok = http.get(`${BASE_URL}${path}`, { headers: { 'X-API-Key': key }, tags: { route: 'apikey' } });
    check(ok, {
      'api key: 200': (r) => r.status === 200,
      'api key: X-API-Key not forwarded upstream': (r) => !('x-api-key' in (jsonBody(r).headers || {})),
      'api key: X-Consumer-Id set upstream': (r) => Boolean((jsonBody(r).headers || {})['x-consumer-id']),
    });
    const bad = http.get(`${BASE_URL}${path}`, { headers: { 'X-API-Key': 'tg_not-a-valid-key' }, tags: { route: 'apikey' } });
    check(bad, { 'api key, malformed key: 401': (r) => r.status === 401 });
  });
}
