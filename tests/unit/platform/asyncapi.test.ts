import { readdirSync, readFileSync } from 'node:fs';
import { DiagnosticSeverity, Parser, type Diagnostic } from '@asyncapi/parser';
import { load as parseYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as wire from '@common/platform';
import * as chief from '@common/platform/chief';
import * as realtime from '@common/platform/realtime';
import { ASYNCAPI_FILE, REGENERATE_COMMAND, asyncApiDocument, asyncApiYaml, documentedMessages } from '../../../platform/asyncapi-schemas';
import { yamlBlock } from '../../../platform/json-yaml';
import { inlineRefs, refsIn, resolveRef } from '../../support/json-refs';

/**
 * platform/asyncapi.yaml against the code it documents: it is what its generator writes now, a
 * valid AsyncAPI 3 document by the AsyncAPI parser, and complete: every message of the realtime
 * protocol on the operation of its direction, every close code the sockets' code uses and every
 * refusal code the platform sends. A message, close code or refusal added to the code without
 * the document following fails here, naming it.
 */

const CHANNEL_REF = '#/channels/realtime';
const VALIDATION_TIMEOUT_MS = 60_000;

const text = readFileSync(ASYNCAPI_FILE, 'utf8');
const parsed = parseYaml(text);

const source = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

// ── the document's shape, as far as these tests read it ──────────────────────────────

const Ref = z.strictObject({ $ref: z.string() });
const Message = z.looseObject({ name: z.string(), title: z.string(), summary: z.string().min(1), payload: Ref });
const Operation = z.looseObject({ action: z.enum(['send', 'receive']), channel: Ref, messages: z.array(Ref) });
const CloseCode = z.strictObject({ code: z.number().int(), closedBy: z.string(), meaning: z.string().min(1) });
const ErrorCode = z.strictObject({ code: z.string(), meaning: z.string().min(1) });
const Document = z.looseObject({
  asyncapi: z.literal('3.0.0'),
  channels: z.strictObject({
    realtime: z.looseObject({
      address: z.literal('/api/v1/realtime'),
      messages: z.record(z.string(), Ref),
      'x-close-codes': z.array(CloseCode),
    }),
  }),
  operations: z.record(z.string(), Operation),
  components: z.looseObject({
    schemas: z.record(z.string(), z.unknown()),
    messages: z.record(z.string(), Message.extend({ 'x-error-codes': z.array(ErrorCode).optional() })),
  }),
});
type Document = z.infer<typeof Document>;

/** The `type` literal of a zod object schema, or null: what makes an export a message of the protocol. */
function literalType(schema: unknown): string | null {
  if (!(schema instanceof z.ZodObject)) return null;
  const type: unknown = schema.shape.type;
  if (!(type instanceof z.ZodLiteral) || type.values.size !== 1) return null;
  const [value] = type.values;
  return typeof value === 'string' ? value : null;
}

// ── coverage of the messages ──────────────────────────────────────────────────────────

/** Which operation carries each union's members: the contract of the document's operations. */
const OPERATIONS = [
  { operation: 'examinerSends', action: 'send', union: 'ExaminerMessage', options: realtime.ExaminerMessage.options },
  { operation: 'examinerReceives', action: 'receive', union: 'PushToExaminer', options: realtime.PushToExaminer.options },
  { operation: 'deviceSends', action: 'send', union: 'CandidateMessage', options: realtime.CandidateMessage.options },
  { operation: 'deviceReceives', action: 'receive', union: 'PushToCandidate', options: realtime.PushToCandidate.options },
] as const;

/** Every zod schema of common/platform by its exported name (the document's message ids). */
const exportNames = new Map<unknown, string>(Object.entries(wire).map(([name, value]) => [value, name]));

/** The problems of one union member on its operation, one line each. */
function memberProblems(document: Document, operation: (typeof OPERATIONS)[number], option: unknown): string[] {
  const id = exportNames.get(option) ?? '(an unexported schema)';
  const type = literalType(option);
  const what = `${id} (type ${String(type)}, a member of ${operation.union})`;
  const channelMessage = document.channels.realtime.messages[id];
  const message = channelMessage && document.components.messages[channelMessage.$ref.replace('#/components/messages/', '')];
  if (!message) return [`${what} is no message of the channel realtime`];
  const problems: string[] = [];
  if (message.payload.$ref !== `#/components/schemas/${id}`) problems.push(`${what}: its payload is ${message.payload.$ref}, not #/components/schemas/${id}`);
  if (message.name !== type) problems.push(`${what}: its message is named ${message.name}`);
  const schema = z.looseObject({ properties: z.looseObject({ type: z.looseObject({ const: z.string() }) }) }).safeParse(document.components.schemas[id]);
  if (schema.data?.properties.type.const !== type) problems.push(`${what}: components.schemas.${id} has no type const ${String(type)}`);
  const listed = document.operations[operation.operation]?.messages.some((ref) => ref.$ref === `${CHANNEL_REF}/messages/${id}`);
  if (!listed) problems.push(`${what} is not among the messages of operation ${operation.operation}`);
  return problems;
}

/** Problems of the four operations: missing, of the wrong action, or listing a message of another direction. */
function operationProblems(document: Document): string[] {
  return OPERATIONS.flatMap((expected) => {
    const operation = document.operations[expected.operation];
    if (!operation) return [`no operation ${expected.operation} (the members of ${expected.union})`];
    const members = new Set(expected.options.map((option) => `${CHANNEL_REF}/messages/${exportNames.get(option) ?? ''}`));
    return [
      ...(operation.action === expected.action ? [] : [`operation ${expected.operation} has action ${operation.action}, not ${expected.action}`]),
      ...(operation.channel.$ref === CHANNEL_REF ? [] : [`operation ${expected.operation} is on ${operation.channel.$ref}`]),
      ...operation.messages.filter((ref) => !members.has(ref.$ref)).map((ref) => `operation ${expected.operation} lists ${ref.$ref}, no member of ${expected.union}`),
      ...expected.options.flatMap((option) => memberProblems(document, expected, option)),
    ];
  });
}

/**
 * Every message-like export (a zod object with a literal `type`) of the modules that define the
 * protocol's messages, not a message of the document, one line each: a schema added to
 * common/platform but to no union (or to a union the document does not cover).
 */
function exportProblems(document: Document, modules: Readonly<Record<string, Record<string, unknown>>>): string[] {
  return Object.entries(modules).flatMap(([module, exports]) =>
    Object.entries(exports)
      .filter(([, value]) => literalType(value) !== null)
      .filter(([name]) => document.channels.realtime.messages[name] === undefined)
      .map(([name, value]) => `${name} (type ${String(literalType(value))}), exported by ${module}, is no message of platform/asyncapi.yaml`),
  );
}

/** Message types that the platform's own code defines with zod (platform/realtime, platform/room, platform/shared), undocumented. */
function localTypeProblems(document: Document, sources: Readonly<Record<string, string>>): string[] {
  const names = new Set(Object.values(document.components.messages).map((message) => message.name));
  return Object.entries(sources).flatMap(([path, text]) =>
    [...text.matchAll(/\btype:\s*z\.literal\(\s*['"]([^'"]+)['"]/g)]
      .map(([, type = '']) => type)
      .filter((type) => !names.has(type))
      .map((type) => `${path} defines a message of type ${type}, which no message of platform/asyncapi.yaml is`),
  );
}

const MESSAGE_MODULES: Readonly<Record<string, Record<string, unknown>>> = { 'common/platform/realtime.ts': realtime, 'common/platform/chief.ts': chief };

function tsFilesUnder(dir: string): string[] {
  return readdirSync(new URL(`../../../${dir}`, import.meta.url), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `${dir}/${file}`);
}

const PLATFORM_SOURCES = Object.fromEntries(
  ['platform/realtime', 'platform/room', 'platform/shared'].flatMap(tsFilesUnder).map((path) => [path, source(path)]),
);

function coverageProblems(document: Document, modules = MESSAGE_MODULES, sources = PLATFORM_SOURCES): string[] {
  return [...operationProblems(document), ...exportProblems(document, modules), ...localTypeProblems(document, sources)];
}

// ── close codes and refusal codes the code uses ───────────────────────────────────────

/** The files that open, close or watch the realtime socket. */
const SOCKET_FILES = ['platform/realtime/hub.ts', 'platform/shared/candidate/device.ts', 'main/services/live-service.ts', 'platform/sim/examiner-socket.ts'];

/**
 * The close codes a source uses: its `CLOSE_*` constants, the codes it passes to a close, and
 * those its calls imply: `close()` sends no code (the peer sees 1005), `terminate()` sends no
 * close frame (1006), and a `maxPayload` makes ws close with 1009 on a larger message.
 */
function closeCodesIn(text: string): Set<number> {
  const codes = new Set<number>();
  for (const [, code = ''] of text.matchAll(/\bCLOSE_[A-Z_]+\s*=\s*(\d{4})\b/g)) codes.add(Number(code));
  for (const [, code = ''] of text.matchAll(/close\w*\(\s*(\d{4})\b/gi)) codes.add(Number(code));
  if (/\.close\(\)/.test(text)) codes.add(1005);
  if (/\.terminate\(\)/.test(text)) codes.add(1006);
  if (/\bmaxPayload\s*:/.test(text)) codes.add(1009);
  return codes;
}

/** Close codes used but not documented, and documented but used nowhere, one line each. */
function closeCodeProblems(document: Document, sources: Readonly<Record<string, string>>): string[] {
  const documented = new Set(document.channels.realtime['x-close-codes'].map(({ code }) => code));
  const used = new Map<number, string>();
  for (const [path, text] of Object.entries(sources)) for (const code of closeCodesIn(text)) used.set(code, path);
  return [
    ...[...used].filter(([code]) => !documented.has(code)).map(([code, path]) => `close code ${code} (${path}) is not in x-close-codes`),
    ...[...documented].filter((code) => !used.has(code)).map((code) => `x-close-codes lists ${code}, which no socket code uses`),
  ];
}

/** The codes of the `error` pushes the platform sends: `refuse('…'`, `sendError(socket, '…'`, `code: '…'`. */
function errorCodesIn(text: string): Set<string> {
  const codes = new Set<string>();
  for (const pattern of [/\brefuse\(\s*'([a-z_]+)'/g, /\bsendError\(\s*[\w.]+,\s*'([a-z_]+)'/g, /\bcode:\s*'([a-z_]+)'/g]) {
    for (const [, code = ''] of text.matchAll(pattern)) codes.add(code);
  }
  return codes;
}

function errorCodeProblems(document: Document, sources: Readonly<Record<string, string>>): string[] {
  const errors = Object.entries(document.components.messages).filter(([, message]) => message.name === 'error');
  if (errors.length !== 1) return [`expected one message named error, found ${errors.length}`];
  const documented = new Set((errors[0]?.[1]['x-error-codes'] ?? []).map(({ code }) => code));
  const used = new Map<string, string>();
  for (const [path, text] of Object.entries(sources)) for (const code of errorCodesIn(text)) used.set(code, path);
  return [
    ...[...used].filter(([code]) => !documented.has(code)).map(([code, path]) => `error code ${code} (${path}) is not in x-error-codes`),
    ...[...documented].filter((code) => !used.has(code)).map((code) => `x-error-codes lists ${code}, which the platform never sends`),
  ];
}

// ── references ────────────────────────────────────────────────────────────────────────

const resolve = resolveRef;
const inline = (schema: unknown) => inlineRefs(parsed, schema);

const clone = (): Record<string, unknown> => structuredClone(parsed) as Record<string, unknown>;
const errorsOf = (diagnostics: Diagnostic[]) =>
  diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
const validate = async (input: string) => errorsOf(await new Parser().validate(input));

// ── the tests ─────────────────────────────────────────────────────────────────────────

describe('asyncapi.yaml: generated from the code', () => {
  it('is what platform/asyncapi-schemas.ts writes now', () => {
    expect(asyncApiYaml() === text, `platform/asyncapi.yaml is stale: ${REGENERATE_COMMAND}`).toBe(true);
  });

  it('reads back as the document the generator built (the YAML writer is faithful)', () => {
    expect(parsed).toEqual(asyncApiDocument());
  });

  it('writes strings of every kind so that they read back the same', () => {
    const strings = ['a\nb', 'a\n', 'a\n\n', 'a\n\n\nb\n', ' lead\nx', 'x\n  indented\n', 'tab\tx\ny', 'cr\r\nlf', 'yes', '', '123', 'x: y', '- a\n# b', '\u2028\nx'];
    const value = Object.fromEntries(strings.map((string, index) => [`s${index}`, [string, { nested: string }]]));
    expect(parseYaml(yamlBlock(value, 0).join('\n'))).toEqual(value);
  });

  it.each(documentedMessages().map((message) => [message.id, message.schema] as const))(
    'the payload of %s, its references resolved, is z.toJSONSchema of the zod schema',
    (id, schema) => {
      const { $schema: _dialect, ...expected } = z.toJSONSchema(schema, { io: 'input' });
      expect(inline(Document.parse(parsed).components.schemas[id])).toEqual(JSON.parse(JSON.stringify(expected)));
    },
  );

  it('resolves every reference', () => {
    const refs = [...refsIn(parsed)].map(({ ref }) => ref);
    expect(refs.filter((ref) => resolve(parsed, ref) === undefined)).toEqual([]);
    expect(refs.length).toBeGreaterThan(50);
  });
});

describe('asyncapi.yaml: valid by @asyncapi/parser', () => {
  it(
    'has no diagnostic of severity error',
    async () => {
      expect(await validate(text)).toEqual([]);
    },
    VALIDATION_TIMEOUT_MS,
  );

  it(
    'fails a copy whose message payload points at a missing schema (the validator is live)',
    async () => {
      const broken = clone();
      const schemas = (broken.components as { schemas: Record<string, unknown> }).schemas;
      expect(schemas.PushMatrix).toBeDefined();
      delete schemas.PushMatrix;
      const errors = await validate(JSON.stringify(broken));
      expect(errors.some((error) => error.startsWith('invalid-ref at components.messages.PushMatrix.payload')), errors.join('\n')).toBe(true);
    },
    VALIDATION_TIMEOUT_MS,
  );

  it(
    'fails a copy without its AsyncAPI version',
    async () => {
      const broken = clone();
      delete broken.asyncapi;
      const errors = await validate(JSON.stringify(broken));
      expect(errors.some((error) => error.startsWith('asyncapi-is-asyncapi')), errors.join('\n')).toBe(true);
    },
    VALIDATION_TIMEOUT_MS,
  );
});

describe('asyncapi.yaml: every message of the protocol', () => {
  const document = Document.parse(parsed);

  it('documents every member of the four unions on the operation of its direction, and every message schema exported', () => {
    expect(coverageProblems(document)).toEqual([]);
    // Not vacuous: the unions and modules hold what the test walks.
    expect(OPERATIONS.every(({ options }) => options.length >= 4)).toBe(true);
    expect(Object.values(realtime).filter((value) => literalType(value) !== null).length).toBeGreaterThan(25);
    expect(literalType(chief.PushMatrix)).toBe('matrix');
  });

  it('names a message removed from the document', () => {
    const broken = Document.parse(clone());
    delete broken.channels.realtime.messages.PushMatrix;
    delete broken.components.messages.PushMatrix;
    expect(coverageProblems(broken)).toEqual([
      'PushMatrix (type matrix, a member of PushToExaminer) is no message of the channel realtime',
      'PushMatrix (type matrix), exported by common/platform/chief.ts, is no message of platform/asyncapi.yaml',
    ]);
  });

  it('names a message left off its operation, or put on the wrong one', () => {
    const broken = Document.parse(clone());
    const receives = broken.operations.deviceReceives;
    const sends = broken.operations.deviceSends;
    if (!receives || !sends) throw new Error('no device operations');
    receives.messages = receives.messages.filter((ref) => !ref.$ref.endsWith('/PushError'));
    sends.messages.push({ $ref: `${CHANNEL_REF}/messages/PushCall` });
    expect(coverageProblems(broken)).toEqual([
      `operation deviceSends lists ${CHANNEL_REF}/messages/PushCall, no member of CandidateMessage`,
      'PushError (type error, a member of PushToCandidate) is not among the messages of operation deviceReceives',
    ]);
  });

  it('names a message schema exported but in no union, and one the platform defines itself', () => {
    const extra = { PushNews: z.object({ type: z.literal('news') }) };
    expect(coverageProblems(document, { ...MESSAGE_MODULES, 'common/platform/news.ts': extra })).toEqual([
      'PushNews (type news), exported by common/platform/news.ts, is no message of platform/asyncapi.yaml',
    ]);
    expect(coverageProblems(document, MESSAGE_MODULES, { 'platform/shared/news.ts': "z.object({ type: z.literal('news') })" })).toEqual([
      'platform/shared/news.ts defines a message of type news, which no message of platform/asyncapi.yaml is',
    ]);
  });
});

describe('asyncapi.yaml: close codes and refusal codes', () => {
  const document = Document.parse(parsed);
  const socketSources = Object.fromEntries(SOCKET_FILES.map((path) => [path, source(path)]));

  it('documents every close code the sockets use, and no other', () => {
    expect(closeCodeProblems(document, socketSources)).toEqual([]);
    // The codes the brief of the protocol names are among those found.
    const found = new Set(Object.values(socketSources).flatMap((text) => [...closeCodesIn(text)]));
    for (const code of [1001, 4000, 4001, 4401]) expect(found.has(code), `close code ${code} not found in the sources`).toBe(true);
  });

  it('names an undocumented close code', () => {
    expect(closeCodeProblems(document, { ...socketSources, 'x.ts': 'socket.close(4999, "why")' })).toEqual(['close code 4999 (x.ts) is not in x-close-codes']);
  });

  // Where the platform answers on the socket (platform/shared is a client's: its codes are HTTP ones).
  const errorSources = Object.fromEntries(Object.entries(PLATFORM_SOURCES).filter(([path]) => !path.startsWith('platform/shared/')));

  it('documents every code of an error push the platform sends, and no other', () => {
    expect(errorCodeProblems(document, errorSources)).toEqual([]);
    expect(errorCodesIn(errorSources['platform/realtime/hub.ts'] ?? '').has('too_large')).toBe(true);
    expect(errorCodeProblems(document, { ...errorSources, 'x.ts': "sendError(client.socket, 'new_code', 'why')" })).toEqual([
      'error code new_code (x.ts) is not in x-error-codes',
    ]);
  });
});
