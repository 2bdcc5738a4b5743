import { readFileSync } from 'node:fs';
import { load as parseYaml } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_PREFIX } from '@common/platform/wire';
import {
  GENERATED_MARKER,
  OPENAPI_FILE,
  regenerated,
  wireSchemas,
  type JsonValue,
} from '../../../platform/openapi-schemas';
import { startPlatform, type RunningPlatform } from '../../../platform/server';
import { inlineRefs, refsIn, resolveRef } from '../../support/json-refs';

/**
 * platform/openapi.yaml against the code it documents: its component schemas are exactly the zod
 * schemas of common/platform, every reference resolves, and its paths are exactly the platform's
 * routes. A change to a wire schema or a route fails here until the document follows.
 */



const METHODS = ['get', 'put', 'post', 'delete', 'head', 'patch', 'options'] as const;
type Method = (typeof METHODS)[number];

const Operation = z.looseObject({
  operationId: z.string().min(1),
  tags: z.array(z.string()).length(1),
  summary: z.string().min(1),
  responses: z.record(z.string().regex(/^[1-5]\d\d$/), z.unknown()).refine((responses) => Object.keys(responses).length > 0),
  parameters: z.array(z.unknown()).optional(),
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
  'x-reference-platform-only': z.literal(true).optional(),
});
type Operation = z.infer<typeof Operation>;

const PathItem = z.looseObject({
  parameters: z.array(z.unknown()).optional(),
  ...Object.fromEntries(METHODS.map((method) => [method, Operation.optional()])),
});

const Parameter = z.looseObject({ name: z.string(), in: z.enum(['path', 'query', 'header', 'cookie']), required: z.boolean().optional() });

const Document = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string().startsWith('/'), PathItem),
  components: z.looseObject({
    schemas: z.record(z.string(), z.unknown()),
    securitySchemes: z.record(z.string(), z.unknown()),
  }),
});

const text = readFileSync(OPENAPI_FILE, 'utf8');
const document = Document.parse(parseYaml(text));
const raw = parseYaml(text) as JsonValue;

const resolve = (ref: string) => resolveRef(raw, ref);
const inline = (schema: unknown) => inlineRefs(raw, schema);

function operations(): { path: string; method: Method; operation: Operation; pathParameters: unknown[] }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method] as Operation | undefined;
      return operation ? [{ path, method, operation, pathParameters: item.parameters ?? [] }] : [];
    }),
  );
}

describe('openapi.yaml: component schemas are the wire schemas', () => {
  it('has its generated part up to date', () => {
    expect(text.includes(`\n${GENERATED_MARKER}\n`)).toBe(true);
    expect(regenerated(text), 'stale: npx tsx --tsconfig tsconfig.node.json platform/openapi-schemas.ts').toBe(text);
  });

  it('has one component per schema common/platform exports, and no other', () => {
    expect(Object.keys(document.components.schemas).sort()).toEqual([...wireSchemas().keys()].sort());
  });

  it.each([...wireSchemas()])('%s, its references resolved, is z.toJSONSchema of the zod schema', (name, schema) => {
    const { $schema: _dialect, ...expected } = z.toJSONSchema(schema, { io: 'input' });
    expect(inline(document.components.schemas[name])).toEqual(JSON.parse(JSON.stringify(expected)));
  });
});

describe('openapi.yaml: a consistent document', () => {
  it('resolves every reference', () => {
    const dangling = [...refsIn(raw, '#')].filter(({ ref }) => resolve(ref) === undefined);
    expect(dangling).toEqual([]);
    expect([...refsIn(raw, '#')].length).toBeGreaterThan(100);
  });

  it('gives every operation a unique id, and declares exactly the parameters of its path', () => {
    const ops = operations();
    expect(new Set(ops.map(({ operation }) => operation.operationId)).size).toBe(ops.length);
    for (const { path, operation, pathParameters } of ops) {
      const declared = [...pathParameters, ...(operation.parameters ?? [])]
        .map((parameter) => Parameter.parse(inline(parameter)))
        .filter((parameter) => parameter.in === 'path');
      expect(declared.every((parameter) => parameter.required === true)).toBe(true);
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect(declared.map((parameter) => parameter.name).sort(), path).toEqual(inPath.sort());
    }
  });

  it('uses only declared security schemes and tags', () => {
    const schemes = Object.keys(document.components.securitySchemes);
    const tags = ((raw as { tags: { name: string }[] }).tags ?? []).map((tag) => tag.name);
    for (const { operation } of operations()) {
      expect(tags).toContain(operation.tags[0]);
      for (const requirement of operation.security ?? []) for (const scheme of Object.keys(requirement)) expect(schemes).toContain(scheme);
    }
  });

  it('marks exactly the admin operations as reference-platform-only, guarded by the admin secret', () => {
    for (const { path, operation } of operations()) {
      const admin = path.startsWith('/admin/');
      expect(operation['x-reference-platform-only'] === true, path).toBe(admin);
      expect(operation.tags[0] === 'admin', path).toBe(admin);
      if (admin) expect(operation.security).toEqual([{ adminSecret: [] }]);
    }
  });
});

describe('openapi.yaml: its paths are the platform routes', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => {
    await platform.close();
  });

  const toRoute = (path: string) => `${API_PREFIX}${path.replace(/\{(\w+)\}/g, ':$1')}`;

  it('documents only routes the platform has', () => {
    for (const { path, method } of operations()) {
      expect(platform.app.hasRoute({ method: method.toUpperCase() as 'GET', url: toRoute(path) }), `${method} ${path}`).toBe(true);
    }
  });

  it('documents every route the platform has (but the HEAD Fastify adds to each GET)', () => {
    const documented = new Set(operations().map(({ path, method }) => `${method.toUpperCase()} ${toRoute(path)}`));
    const missing = platformRoutes(platform.app.printRoutes({ commonPrefix: false }))
      .filter(({ url }) => url.startsWith(`${API_PREFIX}/`))
      .flatMap(({ url, methods }) => methods.filter((method) => method !== 'HEAD').map((method) => `${method} ${url}`))
      .filter((route) => !documented.has(route));
    expect(missing).toEqual([]);
  });
});

/** Routes from Fastify's printRoutes tree: each line is a path segment under its parent's, with its methods. */
function platformRoutes(tree: string): { url: string; methods: string[] }[] {
  const routes: { url: string; methods: string[] }[] = [];
  const parents: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const url = (parents[depth - 1] ?? '') + (match[2] ?? '');
    parents[depth] = url;
    parents.length = depth + 1;
    if (match[3]) routes.push({ url, methods: match[3].split(',').map((method) => method.trim()) });
  }
  expect(routes.length).toBeGreaterThan(20);
  return routes;
}
