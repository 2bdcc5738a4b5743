import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { MAX_MATRIX_PUSH_ROWS } from '@common/platform/chief';
import {
  CandidateMessage,
  ExaminerMessage,
  HEARTBEAT,
  MAX_PUSH_BYTES,
  MAX_SIGNAL_BYTES,
  PushToCandidate,
  PushToExaminer,
} from '@common/platform/realtime';
import { API_PREFIX } from '@common/platform/wire';
import { GREETING_TIMEOUT_MS } from './shared/candidate/device';
import { yamlBlock, type JsonValue } from './json-yaml';
import { SCHEMA_REF_PREFIX, componentSchemas, wireSchemas } from './openapi-schemas';

/**
 * platform/asyncapi.yaml, the AsyncAPI 3 document of the realtime WebSocket, generated whole
 * from code so that it cannot drift from the protocol: its messages are the members of the four
 * unions of common/platform/realtime.ts (what each kind of client sends and receives), each
 * named by the zod schema's exported name, and its component schemas are those schemas as
 * z.toJSONSchema writes them, the very components of platform/openapi.yaml
 * (platform/openapi-schemas.ts). The prose (the protocol's rules, close codes, refusal codes)
 * is written here, beside the code that makes sure it covers everything.
 *
 * `npx tsx --tsconfig tsconfig.node.json platform/asyncapi-schemas.ts` rewrites asyncapi.yaml;
 * tests/unit/platform/asyncapi.test.ts fails while it is stale or misses a message, a close code
 * or a refusal code the code uses.
 */

export const ASYNCAPI_FILE = fileURLToPath(new URL('./asyncapi.yaml', import.meta.url));
export const REGENERATE_COMMAND = 'npx tsx --tsconfig tsconfig.node.json platform/asyncapi-schemas.ts';
export const CHANNEL = 'realtime';
export const MESSAGE_REF_PREFIX = '#/components/messages/';
export const CHANNEL_MESSAGE_REF_PREFIX = `#/channels/${CHANNEL}/messages/`;

const HEADER = `# Generated from common/platform by platform/asyncapi-schemas.ts: do not edit.\n# Regenerate: ${REGENERATE_COMMAND}\n`;

export type Client = 'examiner' | 'device';

/** The document's point of view is a client's: it `send`s to the platform and `receive`s its pushes. */
export interface Direction {
  readonly operation: string;
  readonly action: 'send' | 'receive';
  readonly client: Client;
  /** The exported name of the union in common/platform/realtime.ts. */
  readonly union: string;
  readonly options: readonly z.ZodType[];
}

export const DIRECTIONS: readonly Direction[] = [
  { operation: 'examinerSends', action: 'send', client: 'examiner', union: 'ExaminerMessage', options: ExaminerMessage.options },
  { operation: 'examinerReceives', action: 'receive', client: 'examiner', union: 'PushToExaminer', options: PushToExaminer.options },
  { operation: 'deviceSends', action: 'send', client: 'device', union: 'CandidateMessage', options: CandidateMessage.options },
  { operation: 'deviceReceives', action: 'receive', client: 'device', union: 'PushToCandidate', options: PushToCandidate.options },
];

/** One message of the document: a zod schema of common/platform, and every direction it travels. */
export interface DocumentedMessage {
  /** The schema's exported name: message id, and the name of its payload's component. */
  readonly id: string;
  /** Its `type` literal (several messages may share one, e.g. `signal` in each direction). */
  readonly type: string;
  readonly schema: z.ZodType;
  readonly directions: readonly Direction[];
}

/** The literal of an object schema's `type` field, or null when it has none (it is no message). */
export function messageType(schema: unknown): string | null {
  if (!(schema instanceof z.ZodObject)) return null;
  const type: unknown = schema.shape.type;
  if (!(type instanceof z.ZodLiteral) || type.values.size !== 1) return null;
  const [value] = type.values;
  return typeof value === 'string' ? value : null;
}

/** Every message the document documents, in the order of the unions, once each. */
export function documentedMessages(): DocumentedMessage[] {
  const names = new Map<z.ZodType, string>([...wireSchemas()].map(([name, schema]) => [schema, name]));
  const messages = new Map<z.ZodType, { id: string; type: string; directions: Direction[] }>();
  for (const direction of DIRECTIONS) {
    for (const option of direction.options) {
      const id = names.get(option);
      const type = messageType(option);
      if (id === undefined || type === null) {
        // The document can only name (and the workstation only import) an exported schema.
        throw new Error(`a member of ${direction.union} (type ${String(type)}) is no exported zod object with a literal type: export it from common/platform`);
      }
      const known = messages.get(option) ?? { id, type, directions: [] };
      known.directions.push(direction);
      messages.set(option, known);
    }
  }
  return [...messages].map(([schema, message]) => ({ ...message, schema }));
}

// ── prose: summaries, close codes, refusal codes ──────────────────────────────────────

/**
 * Summaries of the messages whose schema has no doc comment of its own (a doc comment, where
 * there is one, is the summary: it is the protocol's own word).
 */
const SUMMARIES: Readonly<Record<string, string>> = {
  ExaminerSubscribe: 'Follow a slot the examiner sits on: answered with every entry of the slot as `queue` pushes, then each change.',
  ExaminerRoomLeave: 'Leave the panel room of a queue entry; the examiner\'s peers in it end.',
  ExaminerSignal: 'A signal object (SDP answer or offer, ICE candidate) for one of this examiner\'s peers in the entry\'s room.',
  ExaminerPeerClose: 'End one of this examiner\'s peers; the platform tells the other side with `peer_closed`.',
  ExaminerPrompt: 'A prompt for the candidate, shown on the candidate\'s devices and kept in the exam-room log.',
  CandidateSignal: 'A signal object (SDP offer or answer, ICE candidate) for one of this device\'s peers, under the peer id the platform chose.',
  CandidatePeerClose: 'End one of this device\'s peers; the platform tells the other side with `peer_closed`.',
  CandidateQuickMessage: 'A quick message, one of the preset ids, for the panel; rate limited per device.',
  PushHello: 'The greeting, the first message on every socket: whom the platform takes the client for.',
  PushQueue: 'A queue entry of a subscribed slot, as this examiner sees it (the candidate by code only): sent for each entry in answer to `subscribe`, then on each change.',
  PushPresence: 'A candidate device of a subscribed slot connected or dropped.',
  PushSignalToExaminer: 'A signal object for one of this examiner\'s peers: the offer of a feed, the answer to a voice, or an ICE candidate.',
  PushQuickMessage: 'A candidate\'s quick message, to every examiner watching the slot, with its text in Chinese and English.',
  PushReReview: 'A re-review request for one of this examiner\'s sheets: blind, the chief\'s note and never anyone\'s score.',
  PushMatrix: `Rows of a slot's score matrix changed, to the chief examiners of the slot's panel: whole rows (at most ${MAX_MATRIX_PUSH_ROWS}), since one sheet moves the row's combined score and every deviation.`,
  PushSignalToCandidate: 'A signal object for one of this device\'s peers: the answer to its camera, the offer of a voice, or an ICE candidate.',
  PushPeerClosedToCandidate: 'One of this device\'s peers ended on the platform\'s side; a publish or receive with a new peer id follows when the platform wants one again.',
  PushPrompt: 'An examiner\'s prompt, for the candidate to read.',
};

export interface CloseCode {
  readonly code: number;
  readonly closedBy: 'platform' | 'examiner' | 'device' | 'client' | 'either';
  readonly meaning: string;
}

/** The close codes of the realtime socket (platform/realtime/hub.ts, platform/shared/candidate/device.ts, main/services/live-service.ts). */
export const CLOSE_CODES: readonly CloseCode[] = [
  { code: 1000, closedBy: 'client', meaning: 'Normal closure: a client leaving on purpose (a candidate device stopped, or dropping its connection to simulate a lost network; the simulated examiner leaving). A device\'s close while its candidate is in the room starts an interruption.' },
  { code: 1001, closedBy: 'platform', meaning: 'Going away: the platform is shutting down (every socket), or was when the socket opened. Clients reconnect; no interruption starts.' },
  { code: 1005, closedBy: 'examiner', meaning: 'No status code: the Examiner Workstation closes without one when it disconnects on purpose (sign-out, another session, quitting).' },
  { code: 1006, closedBy: 'either', meaning: `Abnormal closure, no close frame: the platform or the Examiner Workstation terminated a socket that was silent for ${HEARTBEAT.deadAfterMs} ms (HEARTBEAT.deadAfterMs), or the network is gone. A device's counts as dropped.` },
  { code: 1009, closedBy: 'client', meaning: `Message too big: the platform pushed more than ${MAX_PUSH_BYTES} bytes (MAX_PUSH_BYTES); the Examiner Workstation closes and reconnects.` },
  { code: 4000, closedBy: 'platform', meaning: 'Replaced: a newer connection of the same candidate device took over (no interruption). The device must not reconnect, or the two would push each other out for ever.' },
  { code: 4001, closedBy: 'device', meaning: `Silent: the candidate device took the socket for dead (no \`hello\` within ${GREETING_TIMEOUT_MS} ms, or nothing heard for ${HEARTBEAT.deadAfterMs} ms) and reconnects.` },
  { code: 4401, closedBy: 'platform', meaning: 'Unauthorized: the token was revoked between the upgrade and the socket opening. The Examiner Workstation signs out. (A token refused before the upgrade is a plain HTTP 401.)' },
];

/** The codes of an `error` push (platform/realtime/, platform/room/); the socket stays open after each. */
export const ERROR_CODES: Readonly<Record<string, string>> = {
  bad_request: 'Malformed: not JSON, not a message of this protocol, or a field out of bounds (the message says which).',
  too_large: `Over MAX_SIGNAL_BYTES (${MAX_SIGNAL_BYTES} bytes of JSON).`,
  internal: 'The platform failed to handle the message.',
  not_found: 'No such slot or queue entry on the examiner\'s panels.',
  room_closed: 'The entry is not called, in the room or interrupted: its room is not open.',
  not_in_room: 'A room message before `room_join`.',
  unknown_feed: 'A `feed_subscribe` naming a device other than `main` or `side`.',
  unknown_peer: 'No open peer of the sender has this id.',
  duplicate_peer: 'A peer of the sender with this id is already open.',
  not_your_peer: 'A device signalling or closing a peer that is not its own.',
  device_offline: 'A voice while the candidate\'s main device is away (direct route).',
  direct_route_full: 'The direct route carries the feeds of only so many examiners, and they are taken.',
  forbidden: 'A device that no examiner called in signalling, or a quick message from a candidate neither queued nor in the room.',
  rate_limited: 'A quick message beyond the device\'s rate; the message says when the next one may go.',
};

/** One line of a doc comment's text per paragraph, its ` * ` margins gone. */
function commentText(raw: string): string {
  return raw
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trimEnd())
    .join('\n')
    .trim()
    .replace(/\n(?=\S)(?!\s*- )/g, ' ');
}

/** The doc comment of each `export const` of common/platform that has one directly above it. */
export function docComments(): Map<string, string> {
  const dir = new URL('../common/platform/', import.meta.url);
  const comments = new Map<string, string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    for (const match of source.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export const (\w+)\b/g)) {
      const [, raw = '', name = ''] = match;
      comments.set(name, commentText(raw));
    }
  }
  return comments;
}

/** The first sentence of a text: up to the first full stop outside parentheses (where an "e.g." lives) that a space or the end follows. */
function firstSentence(text: string): string {
  let depth = 0;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === '.' && depth === 0 && (at + 1 === text.length || /\s/.test(text[at + 1] ?? ''))) return text.slice(0, at + 1);
  }
  return text;
}

// ── the document ──────────────────────────────────────────────────────────────────────

/** `65536 bytes (64 KiB)`: the exact figure, and one a reader takes in. */
function bytes(count: number): string {
  const [unit, size] = count >= 1024 * 1024 ? ['MiB', count / (1024 * 1024)] : ['KiB', count / 1024];
  return `${count} bytes (${size} ${unit})`;
}

function description(): string {
  return `The realtime side of the exam platform: one WebSocket per client at \`${API_PREFIX}/realtime\`, as the
Examiner Workstation and the candidates' devices speak it and as the reference platform in
\`platform/\` implements it (\`platform/realtime/\`). The HTTP API is \`platform/openapi.yaml\`.

This document takes the clients' side: an operation that \`send\`s is what a client sends the
platform, one that \`receive\`s is what the platform pushes to it. Every payload under
\`components.schemas\` is generated from the zod schemas of \`common/platform/*.ts\`
(\`platform/asyncapi-schemas.ts\`), as its receiver parses it: a client's messages are strict
(an unknown field is refused), pushes leave room for fields a newer platform adds.

**Clients.** Two kinds, told apart by their token:
- an examiner (examiner token, in the \`Authorization: Bearer\` header only): subscribes to slots,
  receives queue changes, quick messages, presence, re-review requests, locks of its sheets and (a
  chief examiner) score-matrix rows; joins the panel room of a live interview, subscribes to the
  candidate's two feeds and publishes their voice (talk-back);
- a candidate device (device token, one per device, \`main\` or \`side\`, in the header or in
  \`?token=\` since browsers cannot set headers on a WebSocket): receives calls and prompts;
  publishes its camera when the platform asks, plays the panel's voices (main device); sends
  quick messages.

**Authentication.** Checked before the upgrade: a missing or unknown token is a plain HTTP 401
\`unauthorized\`, and an examiner's token in the query a 401 \`query_token_refused\` even when valid
(it must never land in a URL). A token revoked by the time the socket opens closes it with 4401.

**Greeting.** The platform's first message on every socket is \`hello\`; a device's names the ICE
servers its peers use (none but these) and is followed by its queue entry as \`state\`.

**Presence.** A device's socket is its presence: when it closes while the candidate is in the
room, an interruption starts. A second connection of the same device closes the first with 4000,
which is no interruption.

**Liveness.** Both sides send \`heartbeat\` every ${HEARTBEAT.intervalMs} ms (\`HEARTBEAT.intervalMs\`); a side that
hears nothing at all (any message counts) for ${HEARTBEAT.deadAfterMs} ms (\`HEARTBEAT.deadAfterMs\`) takes the
socket for dead, closes it and reconnects (a client) or drops it (the platform). A phone that lost
its network is so noticed in seconds, not when TCP gives up.

**Media.** No client ever speaks an SFU's own API: every peer connection is negotiated on this
socket with \`signal\` messages that carry simple-peer's signal objects (SDP offers and answers,
ICE candidates) under a \`peerId\` naming one peer connection. Who offers is fixed, whichever
route the room uses (the platform's SFU, or direct):
- a feed: the examiner sends \`feed_subscribe\` with a fresh peerId; the offer comes from the
  platform (the SFU's subscriber, or the device itself on the direct route); the examiner
  answers. That peer never sends media.
- a device's camera: the platform sends the device \`publish\` with a peerId; the device offers
  (camera, and microphone on the main device) and the platform answers (the SFU, or an examiner
  on the direct route).
- a voice: the examiner sends \`voice_publish\` with a fresh peerId and offers its microphone; the
  main device gets \`receive\` with a peerId of the platform's choosing and an offer, which it
  answers and plays. No name or account id of an examiner ever reaches a device.

Either side ends a peer with \`peer_close\`; the platform tells the other with \`peer_closed\`. A
client that sees \`peer_closed\` for a feed it still wants subscribes again with a new peerId.

**Refusals.** Every message is one JSON text object with a \`type\`. An unknown, malformed or
refused message is answered with an \`error\` push (\`PushError\`; its codes are the message's
\`x-error-codes\`) and otherwise ignored: the socket stays open, and the platform never closes one
for a bad message.

**Sizes.** A client's message is at most ${bytes(MAX_SIGNAL_BYTES)} of JSON (\`MAX_SIGNAL_BYTES\`;
beyond, \`error\` \`too_large\`). A push is at most ${bytes(MAX_PUSH_BYTES)} (\`MAX_PUSH_BYTES\`): a client
closes a socket that sends more with 1009. A \`matrix\` push carries at most ${MAX_MATRIX_PUSH_ROWS} rows.

**Closing.** The close codes are the \`${CHANNEL}\` channel's (\`x-close-codes\`).
`;
}

function channelDescription(): string {
  const rows = CLOSE_CODES.map(({ code, closedBy, meaning }) => `| ${code} | ${closedBy} | ${meaning} |`);
  return [
    'The one realtime socket of a client. Close codes (also as `x-close-codes`):',
    '',
    '| Code | Closed by | Meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

const ref = (to: string): JsonValue => ({ $ref: to });

const CLIENT_NAMES: Readonly<Record<Client, string>> = { examiner: 'an examiner', device: 'a candidate device' };

/** "examiner to platform", "platform to examiner and device", or "both ways" for a heartbeat. */
function route(message: DocumentedMessage): string {
  const sends = new Set(message.directions.filter((d) => d.action === 'send').map((d) => d.client));
  const receives = new Set(message.directions.filter((d) => d.action === 'receive').map((d) => d.client));
  if (sends.size > 0 && receives.size > 0) return 'both ways';
  const clients = [...(sends.size > 0 ? sends : receives)].join(' and ');
  return sends.size > 0 ? `${clients} to platform` : `platform to ${clients}`;
}

function messageObject(message: DocumentedMessage, comments: Map<string, string>): JsonValue {
  const comment = comments.get(message.id);
  const summary = comment === undefined ? SUMMARIES[message.id] : firstSentence(comment);
  if (summary === undefined) throw new Error(`${message.id} has neither a doc comment nor a summary in platform/asyncapi-schemas.ts`);
  return {
    name: message.type,
    title: `${message.type} (${route(message)})`,
    summary,
    ...(comment !== undefined && comment !== summary && { description: comment }),
    payload: ref(`${SCHEMA_REF_PREFIX}${message.id}`),
    ...(message.type === 'error' && { 'x-error-codes': Object.entries(ERROR_CODES).map(([code, meaning]) => ({ code, meaning })) }),
  };
}

function operationObject(direction: Direction, messages: readonly DocumentedMessage[]): JsonValue {
  const who = CLIENT_NAMES[direction.client];
  // In the union's own order.
  const ids = direction.options.map((option) => messages.find((message) => message.schema === option)?.id ?? '');
  const [title, summary] =
    direction.action === 'send'
      ? [`What ${who} sends`, `The messages ${who} sends the platform (\`${direction.union}\`).`]
      : [`What ${who} receives`, `The pushes ${who} receives from the platform (\`${direction.union}\`).`];
  const security = direction.client === 'examiner' ? ['examinerToken'] : ['deviceToken', 'realtimeToken'];
  return {
    action: direction.action,
    channel: ref(`#/channels/${CHANNEL}`),
    title,
    summary,
    security: security.map((name) => ref(`#/components/securitySchemes/${name}`)),
    tags: [ref(`#/components/tags/${direction.client}`)],
    messages: ids.map((id) => ref(`${CHANNEL_MESSAGE_REF_PREFIX}${id}`)),
  };
}

const SERVER_SECURITY: JsonValue = ['examinerToken', 'deviceToken', 'realtimeToken'].map((name) => ref(`#/components/securitySchemes/${name}`));

function servers(): JsonValue {
  return {
    reference: {
      host: '127.0.0.1:{port}',
      protocol: 'ws',
      description: 'The reference platform (`npm run platform`); tests start it on a free port.',
      variables: { port: { default: '4100', description: 'The port the reference platform listens on.' } },
      security: SERVER_SECURITY,
    },
    production: {
      host: 'exam-platform.example.com',
      protocol: 'wss',
      description: 'A production platform, over TLS.',
      security: SERVER_SECURITY,
    },
  };
}

function securitySchemes(): JsonValue {
  return {
    examinerToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'An examiner\'s token from `POST /auth/login`, in the `Authorization` header only (refused in the query).',
    },
    deviceToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'A candidate device\'s token (one for the main phone, one for the side phone), issued with the booking.',
    },
    realtimeToken: {
      type: 'httpApiKey',
      name: 'token',
      in: 'query',
      description: 'A device\'s token in the `token` query parameter, since browsers cannot set headers on a WebSocket. An examiner\'s token here is refused with HTTP 401 `query_token_refused`.',
    },
  };
}

/** The channel's WebSocket binding: the upgrade is a GET with the token in a header or the query. */
function channelBindings(): JsonValue {
  return {
    ws: {
      method: 'GET',
      query: {
        type: 'object',
        properties: { token: { type: 'string', description: 'A candidate device\'s token (never an examiner\'s).' } },
      },
      headers: {
        type: 'object',
        properties: { Authorization: { type: 'string', pattern: '^Bearer ', description: 'An examiner\'s or a device\'s token.' } },
      },
      bindingVersion: '0.1.0',
    },
  };
}

/** The component schemas the messages' payloads reach, directly or through `$ref`s. */
function reachableSchemas(roots: readonly string[]): Record<string, JsonValue> {
  const all = componentSchemas();
  const seen = new Set<string>();
  const visit = (node: JsonValue): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_REF_PREFIX)) enter(value.slice(SCHEMA_REF_PREFIX.length));
      else visit(value);
    }
  };
  const enter = (name: string): void => {
    if (seen.has(name)) return;
    const schema = all[name];
    if (schema === undefined) throw new Error(`no component schema ${name}`);
    seen.add(name);
    visit(schema);
  };
  roots.forEach(enter);
  return Object.fromEntries(Object.entries(all).filter(([name]) => seen.has(name)));
}

/** The whole AsyncAPI document as a JSON value. */
export function asyncApiDocument(): { [key: string]: JsonValue } {
  const messages = documentedMessages();
  const comments = docComments();
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Exam platform realtime protocol',
      version: '1.0.0',
      description: description(),
      // AsyncAPI's License Object has no `identifier` (OpenAPI 3.1's has): the SPDX id of openapi.yaml rides in an extension.
      license: { name: 'Proprietary', 'x-identifier': 'LicenseRef-Proprietary' },
    },
    defaultContentType: 'application/json',
    servers: servers(),
    channels: {
      [CHANNEL]: {
        address: `${API_PREFIX}/realtime`,
        title: 'Realtime socket',
        summary: 'One WebSocket per examiner or candidate device; every message both ways.',
        description: channelDescription(),
        messages: Object.fromEntries(messages.map(({ id }) => [id, ref(`${MESSAGE_REF_PREFIX}${id}`)])),
        bindings: channelBindings(),
        'x-close-codes': CLOSE_CODES.map((code) => ({ ...code })),
      },
    },
    operations: Object.fromEntries(DIRECTIONS.map((direction) => [direction.operation, operationObject(direction, messages)])),
    components: {
      schemas: reachableSchemas(messages.map(({ id }) => id)),
      messages: Object.fromEntries(messages.map((message) => [message.id, messageObject(message, comments)])),
      securitySchemes: securitySchemes(),
      tags: {
        device: { name: 'device', description: 'A candidate\'s device (main or side phone), by its device token.' },
        examiner: { name: 'examiner', description: 'An examiner\'s Examiner Workstation, by the examiner\'s token.' },
      },
    },
  };
}

/** The text of platform/asyncapi.yaml as the code says it is now. */
export function asyncApiYaml(): string {
  return `${HEADER}${yamlBlock(asyncApiDocument(), 0).join('\n')}\n`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(ASYNCAPI_FILE, asyncApiYaml());
  process.stdout.write(`rewrote ${ASYNCAPI_FILE}\n`);
}
