// Checks a running `kaifang serve` against docs/api/openapi.yaml: for every
// request below, the route, method and status must be in the document and the
// body must match the response schema (a small JSON Schema validator covering
// the keywords the document uses). Every operation of the document must be
// exercised with a 2xx. Run by tests/server/test_openapi.sh.
//   node openapi_check.mjs SPEC MAIN_URL FAULT_URL REGISTRY_URL
// (REGISTRY_URL: a server with a seeded registry; KF_REG_ADMIN its admin token)
import { readFileSync } from 'node:fs';
import YAML from 'yaml';

const [spec_path, base, faultBase, regBase] = process.argv.slice(2);
const spec = YAML.parse(readFileSync(spec_path, 'utf8'));
let pass = 0, fail = 0;
const ok = () => pass++;
const bad = (msg) => { fail++; console.error('FAIL: ' + msg); };

// ---- a small JSON Schema (2020-12 subset) validator -----------------------------
function resolve(ref) {
  if (!ref.startsWith('#/')) throw new Error('external $ref ' + ref);
  return ref.slice(2).split('/').reduce((o, k) => o[k], spec);
}
function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}
function validate(s, v, at, errs) {
  if (s === undefined || s === true) return;
  if (s.$ref) return validate(resolve(s.$ref), v, at, errs);
  if (s.type) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const t = typeOf(v);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) {
      errs.push(`${at}: type ${t}, expected ${types.join('|')}`);
      return;
    }
  }
  if (s.const !== undefined && v !== s.const) errs.push(`${at}: ${JSON.stringify(v)} is not ${JSON.stringify(s.const)}`);
  if (s.enum && !s.enum.includes(v)) errs.push(`${at}: ${JSON.stringify(v)} not in ${s.enum.join(', ')}`);
  if (s.pattern && typeof v === 'string' && !new RegExp(s.pattern).test(v)) errs.push(`${at}: '${v}' does not match ${s.pattern}`);
  if (s.format === 'date' && typeof v === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) errs.push(`${at}: '${v}' is not a date`);
  if (s.allOf) for (const x of s.allOf) validate(x, v, at, errs);
  if (s.oneOf) {
    const n = s.oneOf.filter((x) => { const e = []; validate(x, v, at, e); return e.length === 0; }).length;
    if (n !== 1) errs.push(`${at}: matches ${n} of oneOf, expected 1`);
  }
  if (typeOf(v) === 'object') {
    for (const r of s.required || []) if (!(r in v)) errs.push(`${at}: missing '${r}'`);
    for (const [k, x] of Object.entries(v)) {
      if (s.properties && k in s.properties) validate(s.properties[k], x, `${at}.${k}`, errs);
      else if (s.additionalProperties === false) errs.push(`${at}: unexpected property '${k}'`);
    }
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) errs.push(`${at}: more than ${s.maxItems} items`);
    if (s.items) v.forEach((x, i) => validate(s.items, x, `${at}[${i}]`, errs));
  }
}

// ---- matching a request to the document -------------------------------------------
function findPath(path) {
  for (const tpl of Object.keys(spec.paths)) {
    const re = new RegExp('^' + tpl.replace(/\{[^}]+\}/g, '[^/]+') + '$');
    if (re.test(path)) return tpl;
  }
  if (['/index.html', '/app.css', '/app.js', '/timeline.js', '/registry.js'].includes(path)) return '/';
  return null;
}

const exercised = new Set();
async function check(c) {
  const url = (c.base || base) + c.path;
  const init = { method: c.method, headers: {} };
  if (c.token) init.headers.Authorization = 'Bearer ' + c.token;
  if (c.body !== undefined) {
    init.body = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    init.headers['Content-Type'] = c.ctype || 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  const name = `${c.method} ${c.path} -> ${res.status}`;
  if (c.status && res.status !== c.status) return bad(`${name}: expected ${c.status}`);
  const tpl = findPath(c.path.split('?')[0]);
  if (!tpl) {
    // Only unknown routes may be missing from the document, and they must give the error shape.
    if (res.status !== 404) return bad(`${name}: route not in the document`);
    const errs = [];
    validate({ $ref: '#/components/schemas/Error' }, JSON.parse(text), '$', errs);
    return errs.length ? bad(`${name}: ${errs.join('; ')}`) : ok();
  }
  const ops = spec.paths[tpl];
  let op = ops[c.method.toLowerCase()];
  if (!op && res.status === 405) op = Object.values(ops).find((o) => o.responses && o.responses['405']);
  if (!op) return bad(`${name}: method not in the document for ${tpl}`);
  let r = op.responses[String(res.status)];
  if (!r) return bad(`${name}: status not in the document for ${c.method} ${tpl}`);
  if (r.$ref) r = resolve(r.$ref);
  if (res.status === 405 && !res.headers.get('allow')) bad(`${name}: no Allow header`);
  const ctype = (res.headers.get('content-type') || '').split(';')[0].trim();
  const media = r.content && r.content[ctype];
  if (!media) return bad(`${name}: content type '${ctype}' not in the document (${Object.keys(r.content || {}).join(', ')})`);
  if (ctype === 'application/json') {
    let v;
    try { v = JSON.parse(text); } catch (e) { return bad(`${name}: body is not JSON`); }
    const errs = [];
    validate(media.schema, v, '$', errs);
    if (errs.length) return bad(`${name}: ${errs.slice(0, 5).join('; ')}`);
  } else if (typeof text !== 'string' || !text.length) return bad(`${name}: empty body`);
  if (res.status < 300) exercised.add(`${c.method.toLowerCase()} ${tpl}`);
  ok();
}

const Q = { service: 'ip-vpn', region: '330100', date: '2025-05-01', foreign_share: '50' };
const bods = [
  { statementID: 'e1', statementType: 'entityStatement', entityType: 'registeredEntity', name: 'Target', incorporatedInJurisdiction: { code: 'CN' } },
  { statementID: 'p1', statementType: 'personStatement', personType: 'knownPerson', names: [{ fullName: 'One' }], nationalities: [{ code: 'US' }] },
  { statementID: 'r1', statementType: 'ownershipOrControlStatement', subject: { describedByEntityStatement: 'e1' }, interestedParty: { describedByPersonStatement: 'p1' }, interests: [{ type: 'shareholding', interestLevel: 'direct', share: { exact: 40 } }] },
];
const cases = [
  { method: 'GET', path: '/healthz', status: 200 },
  { method: 'GET', path: '/metrics', status: 200 },
  { method: 'GET', path: '/', status: 200 },
  { method: 'GET', path: '/app.js', status: 200 },
  { method: 'GET', path: '/v1/services', status: 200 },
  { method: 'GET', path: '/v1/regions', status: 200 },
  { method: 'GET', path: '/v1/investors', status: 200 },
  { method: 'GET', path: '/v1/documents', status: 200 },
  { method: 'GET', path: '/v1/measures', status: 200 },
  { method: 'GET', path: '/v1/measures/pilot-ipvpn-cap', status: 200 },
  { method: 'GET', path: '/v1/measures/nothing-like-it', status: 404 },
  { method: 'GET', path: '/v1/sources', status: 200 },
  { method: 'GET', path: '/v1/sources/T1-b', status: 200 },
  { method: 'GET', path: '/v1/sources/S3', status: 404 },
  { method: 'GET', path: '/v1/rulebook', status: 200 },
  { method: 'GET', path: '/v1/matrix?date=2025-05-01&regions=pilot,310000&services=ip-vpn,isp-end-user,B21', status: 200 },
  { method: 'GET', path: '/v1/matrix', status: 200 },
  { method: 'GET', path: '/v1/matrix?date=2025-02-30', status: 400 },
  { method: 'GET', path: '/v1/matrix?regions=Hangzou', status: 400 },
  { method: 'GET', path: '/v1/matrix?services=,', status: 400 },
  { method: 'GET', path: '/v1/timeline?service=ip-vpn&region=330100&from=2024-01-01', status: 200 },
  { method: 'GET', path: '/v1/timeline?service=isp-end-user&regions=zone-a,pilot&foreign_share=50&to=2026-01-01', status: 200 },
  { method: 'GET', path: '/v1/timeline?service=ipvnp&region=330100', status: 400 },
  { method: 'GET', path: '/v1/timeline?service=ip-vpn&region=330100&from=2025-01-01&to=2024-01-01', status: 400 },
  { method: 'GET', path: '/v1/timeline', status: 400 },
  { method: 'POST', path: '/v1/timeline', body: Q, status: 405 },
  { method: 'GET', path: '/v1/diff?from=2025-04-10&to=2025-04-11', status: 200 },
  { method: 'GET', path: '/v1/diff?from=2025-04-10&to=2025-04-11&regions=330100&services=ip-vpn', status: 200 },
  { method: 'GET', path: '/v1/diff?from=2025-04-10', status: 400 },
  { method: 'GET', path: '/timeline.js', status: 200 },
  { method: 'POST', path: '/v1/decisions', body: Q, status: 200 },
  { method: 'POST', path: '/v1/decisions', body: { service: 'isp-end-user', region: '310000', date: '2025-05-01' }, status: 200 },
  { method: 'POST', path: '/v1/decisions', body: { service: 'ip-vpn', region: '310000', date: '2025-05-01', investor: 'hk-cepa', foreign_share: 49.5 }, status: 200 },
  { method: 'POST', path: '/v1/decisions', body: { service: 'internet-news', region: 'CN', date: '2025-05-01' }, status: 200 },
  { method: 'POST', path: '/v1/decisions', body: [Q, { service: 'ipvnp', region: '330100' }], status: 200 },
  { method: 'POST', path: '/v1/decisions', body: '{"service":', status: 400 },
  { method: 'POST', path: '/v1/decisions', body: '['.repeat(40) + ']'.repeat(40), status: 400 },
  { method: 'POST', path: '/v1/decisions', body: { service: 'ipvnp', region: '330100' }, status: 422 },
  { method: 'POST', path: '/v1/decisions', body: { service: 'ip-vpn', region: '330100', foreign_share: 49.9999999999 }, status: 200 },
  { method: 'POST', path: '/v1/decisions', body: { service: 'ip-vpn', region: '330100', foreign_share: 101 }, status: 422 },
  { method: 'POST', path: '/v1/decisions', body: JSON.stringify(Q), ctype: 'text/plain', status: 415 },
  { method: 'POST', path: '/v1/decisions', body: ' '.repeat(1100000), status: 413 },
  { method: 'POST', path: '/v1/decisions', body: '[' + Array(10001).fill('{}').join(',') + ']', status: 413 },
  { method: 'GET', path: '/v1/decisions', status: 405 },
  { method: 'DELETE', path: '/v1/measures', status: 405 },
  { method: 'PUT', path: '/healthz', status: 405 },
  { method: 'POST', path: '/v1/explanations', body: Q, status: 200 },
  { method: 'POST', path: '/v1/explanations', body: [Q], status: 422 },
  { method: 'POST', path: '/v1/explanations', body: '{', status: 400 },
  { method: 'POST', path: '/v1/ownership/look-through?entity=e1', body: bods, status: 200 },
  { method: 'POST', path: '/v1/ownership/look-through?entity=zz', body: bods, status: 404 },
  { method: 'POST', path: '/v1/ownership/look-through', body: bods, status: 400 },
  { method: 'POST', path: '/v1/ownership/look-through?entity=e1&graph=20', body: bods, status: 200 },
  { method: 'POST', path: '/v1/ownership/entities', body: bods, status: 200 },
  { method: 'POST', path: '/v1/ownership/entities', body: { format: 'csv' }, status: 422 },
  // a bad_ownership error with its place (file, line, column members)
  { method: 'POST', path: '/v1/ownership/look-through?entity=X', body: { format: 'csv', entities: 'id\nX\n', holdings: 'owner,owned,share\nX,X,abc\n' }, status: 422 },
  { method: 'POST', path: '/v1/decisions', body: { service: 'ip-vpn', region: '330100', date: '2025-05-01', applicant: 'e1', ownership: bods }, status: 200 },
  { method: 'POST', path: '/v1/batch', body: 'service,region,date\nip-vpn,330100,2025-05-01\nB21,CN\n', ctype: 'text/csv', status: 200 },
  { method: 'POST', path: '/v1/batch', body: JSON.stringify(Q) + '\n', ctype: 'application/x-ndjson', status: 200 },
  { method: 'POST', path: '/v1/batch', body: 'service;region;date\n', ctype: 'text/csv', status: 422 },
  { method: 'POST', path: '/v1/batch?delimiter=ab', body: 'service,region,date\n', ctype: 'text/csv', status: 400 },
  { method: 'POST', path: '/v1/batch?columns=full', body: 'service,region,date\nip-vpn,330100,2025-05-01\n', ctype: 'text/csv', status: 200 },
  { method: 'POST', path: '/v1/batch?columns=full&format=xlsx', body: 'service,region,date\nip-vpn,330100,2025-05-01\n', ctype: 'text/csv', status: 200 },
  { method: 'POST', path: '/v1/batch?columns=wide', body: 'service,region,date\n', ctype: 'text/csv', status: 400 },
  { method: 'POST', path: '/v1/batch?format=xlsx', body: JSON.stringify(Q) + '\n', ctype: 'application/x-ndjson', status: 422 },
  { method: 'POST', path: '/v1/batch', body: 'x', ctype: 'text/plain', status: 415 },
  { method: 'GET', path: '/v1/batch', status: 405 },
  { method: 'GET', path: '/v2/none', status: 404 },
  { method: 'GET', path: '/v1/memo?service=ip-vpn&region=330100&date=2025-05-01&foreign_share=50', status: 200 },
  { method: 'GET', path: '/v1/memo?service=ip-vpn&region=330100&date=2025-05-01&format=md&lang=zh', status: 200 },
  { method: 'GET', path: '/v1/memo?service=ip-vpn&region=330100&date=2025-05-01&format=text', status: 200 },
  { method: 'GET', path: '/v1/memo?service=ip-vpn&region=Hangzou', status: 400 },
  { method: 'GET', path: '/v1/memo?service=ip-vpn&region=330100&format=pdf', status: 400 },
  { method: 'GET', path: '/v1/memo?service=ip-vpn&region=330100&lang=fr', status: 400 },
  { method: 'POST', path: '/v1/memo', status: 405 },
  { method: 'POST', path: '/v1/explanations?lang=zh', body: Q, status: 200 },
  { method: 'POST', path: '/v1/explanations?lang=fr', body: Q, status: 400 },
  // sectors (docs/api.md "Sectors"): the main server has mini (default) and cn-services
  { method: 'GET', path: '/v1/sectors', status: 200 },
  { method: 'POST', path: '/v1/sectors', status: 405 },
  { method: 'GET', path: '/v1/services?sector=nope', status: 400 },
  { method: 'GET', path: '/v1/measures/plan2024-wfoe-hospital?sector=nope', status: 400 },
  { method: 'POST', path: '/v1/decisions?sector=nope', body: Q, status: 400 },
  { method: 'POST', path: '/v1/batch?sector=nope', body: 'service,region\n', ctype: 'text/csv', status: 400 },
  { method: 'GET', path: '/v1/services?sector=services', status: 200 },
  { method: 'GET', path: '/v1/regions?sector=services', status: 200 },
  { method: 'GET', path: '/v1/measures?sector=services', status: 200 },
  { method: 'GET', path: '/v1/measures/plan2024-wfoe-hospital?sector=services', status: 200 },
  { method: 'GET', path: '/v1/documents?sector=services', status: 200 },
  { method: 'GET', path: '/v1/sources?sector=services', status: 200 },
  { method: 'GET', path: '/v1/rulebook?sector=services', status: 200 },
  { method: 'GET', path: '/v1/matrix?sector=services&regions=pilot-20&services=841,outbound-tours,9053', status: 200 },
  { method: 'POST', path: '/v1/decisions?sector=services', body: { service: '8411', region: 'Suzhou', date: '2025-06-01', foreign_share: 100 }, status: 200 },
  { method: 'POST', path: '/v1/decisions?sector=services', body: { service: '841', region: 'Suzhou', date: '2024-09-07', foreign_share: '100' }, status: 200 },
  { method: 'POST', path: '/v1/explanations?sector=services', body: { service: '8411', region: 'Suzhou', date: '2025-06-01', foreign_share: 100 }, status: 200 },
  { method: 'POST', path: '/v1/decisions?sector=services', body: [{ service: '7291', region: 'Chengdu', date: '2025-06-01' }, { service: 'idc', region: 'Beijing' }], status: 200 },
  { method: 'POST', path: '/v1/decisions', body: Q, status: 500, base: faultBase },
  { method: 'POST', path: '/v1/explanations', body: Q, status: 500, base: faultBase },
];

for (const c of cases) {
  try { await check(c); } catch (e) { bad(`${c.method} ${c.path}: ${e.message}`); }
}

// ---- the registry (docs/api.md "Registry"), on its own server ------------------------
if (regBase) {
  const admin = process.env.KF_REG_ADMIN;
  const R = (c) => check({ ...c, base: regBase });
  const app = { enterprise: 'Example Cloud (Pudong) Co., Ltd.', uscc: '91350100M0001TGQX1', region: '310115', services: ['idc'], foreign_share: 100, date: '2025-03-03' };
  const reg = [
    { method: 'GET', path: '/registry.js', status: 200 },
    { method: 'GET', path: '/v1/registry/applications', status: 200 },
    { method: 'GET', path: '/v1/registry/applications?state=flying', status: 400 },
    { method: 'GET', path: '/v1/registry/applications/A-000001', status: 200 },
    { method: 'GET', path: '/v1/registry/applications/A-999999', status: 404 },
    { method: 'GET', path: '/v1/registry/stats?as_of=2025-02-28', status: 200 },
    { method: 'GET', path: '/v1/registry/stats?by=colour', status: 400 },
    { method: 'GET', path: '/v1/registry/verify', status: 200 },
    { method: 'GET', path: '/v1/registry/proofs/1', status: 200 },
    { method: 'GET', path: '/v1/registry/proofs/999999', status: 404 },
    { method: 'GET', path: '/v1/registry/export?format=csv', status: 200 },
    { method: 'GET', path: '/v1/registry/export?format=xml', status: 400 },
    { method: 'POST', path: '/v1/registry/applications', body: app, status: 401 },
    { method: 'POST', path: '/v1/registry/applications', body: { bogus: 1 }, token: admin, status: 422 },
    { method: 'POST', path: '/v1/registry/applications', body: '{', token: admin, status: 400 },
    { method: 'POST', path: '/v1/registry/applications', body: app, token: admin, status: 201 },
    { method: 'POST', path: '/v1/registry/applications/A-000001/events', body: { to: 'submitted' }, token: admin, status: 409 },
    { method: 'POST', path: '/v1/registry/tokens', body: { role: 'god' }, token: admin, status: 422 },
    { method: 'POST', path: '/v1/registry/checkpoints', status: 401 },
    { method: 'POST', path: '/v1/registry/checkpoints', token: admin, status: 201 },
    { method: 'PUT', path: '/v1/registry/stats', status: 405 },
  ];
  for (const c of reg) {
    try { await R(c); } catch (e) { bad(`${c.method} ${c.path}: ${e.message}`); }
  }
  try {
    // a token for an applicant, then the last application moved by the admin
    await R({ method: 'POST', path: '/v1/registry/tokens', body: { role: 'applicant' }, token: admin, status: 201 });
    const list = await (await fetch(regBase + '/v1/registry/applications?state=submitted')).json();
    const id = list[list.length - 1].id;
    await R({ method: 'POST', path: `/v1/registry/applications/${id}/events`, body: { to: 'accepted', date: '2025-03-05' }, token: admin, status: 200 });
  } catch (e) { bad(`registry token/advance: ${e.message}`); }
}
for (const [tpl, ops] of Object.entries(spec.paths)) {
  for (const m of Object.keys(ops)) {
    if (!['get', 'post', 'put', 'delete', 'patch'].includes(m)) continue;
    if (exercised.has(`${m} ${tpl}`)) ok();
    else bad(`${m.toUpperCase()} ${tpl} is in the document but no request exercised it with a 2xx`);
  }
}
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
