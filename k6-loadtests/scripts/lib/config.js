// @ts-check
// Settings shared by every script: each comes from `-e NAME=value`, else from the cluster.env that
// k6-loadtests/cluster/up.sh wrote (`-e CLUSTER_ENV=/abs/path/cluster.env`), else a default that matches up.sh.
import http from 'k6/http';

/** @param {string} path */
function readEnvFile(path) {
  /** @type {Record<string, string>} */
  const values = {};
  let text;
  try {
    text = open(path);
  } catch (e) {
    throw new Error(`CLUSTER_ENV=${path} cannot be read (${e}); start the cluster with k6-loadtests/cluster/up.sh`);
  }
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (line.startsWith('#') || eq < 1) continue;
    let value = line.substring(eq + 1);
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    values[line.substring(0, eq)] = value;
  }
  return values;
}

const fromFile = __ENV.CLUSTER_ENV ? readEnvFile(__ENV.CLUSTER_ENV) : {};

/**
 * @param {string} name
 * @param {string} [fallback]
 * @returns {string}
 */
export function setting(name, fallback) {
  const value = __ENV[name] !== undefined ? __ENV[name] : fromFile[name] !== undefined ? fromFile[name] : fallback;
  if (value === undefined) throw new Error(`set ${name} (-e ${name}=...) or CLUSTER_ENV`);
  return value;
}

/**
 * @param {string} name
 * @param {number} fallback
 */
export function num(name, fallback) {
  const raw = setting(name, String(fallback));
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, was '${raw}'`);
  return value;
}

/** @param {string} list */
const words = (list) => list.split(/\s+/).filter((w) => w.length > 0);

/** The load balancer (or a single gateway). */
export const BASE_URL = setting('BASE_URL', 'http://127.0.0.1:8080');
/** The token issuer: the demo's, or set TOKEN / TOKEN_* for a real identity provider. */
export const ISSUER_URL = setting('ISSUER_URL', 'http://127.0.0.1:9000');
/** The demo upstream (fault switch at /faults). */
export const UPSTREAM_URL = setting('UPSTREAM_URL', ISSUER_URL);
/** Each replica's data port, and management port (actuator, Admin API). */
export const REPLICA_URLS = words(setting('REPLICA_URLS', BASE_URL));
export const MGMT_URLS = words(setting('MGMT_URLS', 'http://127.0.0.1:8081'));

/**
 * A bearer token: the TOKEN_<NAME> (or TOKEN for 'default') variable if set, else one minted by the demo issuer.
 * Call it in setup(): it makes an HTTP request.
 * @param {{ name?: string, sub: string, scope: string, tier?: string, ttl?: number }} spec
 */
export function token(spec) {
  const variable = spec.name && spec.name !== 'default' ? `TOKEN_${spec.name.toUpperCase()}` : 'TOKEN';
  if (__ENV[variable]) return __ENV[variable];
  let url = `${ISSUER_URL}/token?sub=${encodeURIComponent(spec.sub)}&scope=${encodeURIComponent(spec.scope)}`;
  if (spec.tier) url += `&tier=${encodeURIComponent(spec.tier)}`;
  url += `&ttl=${spec.ttl || 3600}`;
  const res = http.get(url, { tags: { route: 'issuer' } });
  if (res.status !== 200 || typeof res.body !== 'string') {
    throw new Error(`could not mint a token at ${ISSUER_URL} (status ${res.status}); set ${variable} instead`);
  }
  return res.body.trim();
}

/**
 * Case-insensitive response header (k6 canonicalises names: 'Www-Authenticate', 'Ratelimit').
 * @param {import('k6/http').RefinedResponse<any>} res
 * @param {string} name
 * @returns {string | undefined}
 */
export function header(res, name) {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(res.headers)) {
    if (key.toLowerCase() === wanted) return res.headers[key];
  }
  return undefined;
}

/**
 * Parsed JSON object body, or an empty object.
 * @param {import('k6/http').RefinedResponse<any>} res
 * @returns {Record<string, any>}
 */
export function jsonBody(res) {
  try {
    const value = typeof res.body === 'string' ? JSON.parse(res.body) : null;
    return value && typeof value === 'object' ? value : {};
  } catch (e) {
    return {};
  }
}

/**
 * Authorization header for a bearer token.
 * @param {string} value
 * @returns {Record<string, string>}
 */
export const bearer = (value) => ({ Authorization: `Bearer ${value}` });
