import { describe, expect, it, vi } from 'vitest';
import { commandNames, ContractFailure, type Session } from '@common/contract';
import { createDispatcher, type Handlers } from '../../../main/contract/dispatcher';
import type { Logger } from '../../../main/log';

const session: Session = {
  examiner: { id: 'ex-01', displayName: '王老师', roles: ['examiner'] },
  signedInAt: '2026-11-21T08:00:00.000Z',
  expiresAt: '2026-11-21T20:00:00.000Z',
};

const notUsed = (): never => {
  throw new Error('not used in this test');
};

function setup(overrides: Partial<Handlers> = {}) {
  const calls: string[] = [];
  const log: Logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  // Every command not under test refuses to be called: the dispatcher must route by name.
  const handlers: Handlers = {
    ...(Object.fromEntries(commandNames.map((name) => [name, notUsed])) as unknown as Handlers),
    'app.getInfo': () => ({ name: 'EW', version: '1.0.0', host: 'browser', platformOrigin: null, demo: false }),
    'platform.getHealth': () => {
      throw new Error('not used');
    },
    'platform.checkNow': () => {
      throw new Error('not used');
    },
    'session.get': () => null,
    'session.login': (input) => {
      calls.push(`login:${input.username}`);
      return session;
    },
    'session.logout': () => null,
    ...overrides,
  };
  return { dispatch: createDispatcher(handlers, log), calls, log };
}

const ctx = { transport: 'test' } as const;

describe('dispatcher', () => {
  it('calls the handler with validated input and returns its value', async () => {
    const { dispatch, calls } = setup();
    const result = await dispatch('session.login', { username: ' examiner1 ', password: 'pw' }, ctx);
    expect(result).toEqual({ ok: true, value: session });
    // The schema trims the user name before the service sees it.
    expect(calls).toEqual(['login:examiner1']);
  });

  const badCalls: [string, unknown, unknown, string][] = [
    ['an unknown command', 'session.deleteEverything', {}, 'unknown_command'],
    ['a command name from the prototype', 'constructor', {}, 'unknown_command'],
    ['a non-string name', 42, {}, 'unknown_command'],
    ['an unknown key', 'session.login', { username: 'a', password: 'b', admin: true }, 'invalid_input'],
    ['a __proto__ key', 'session.login', JSON.parse('{"username":"a","password":"b","__proto__":{"x":1}}'), 'invalid_input'],
    ['a missing field', 'session.login', { username: 'a' }, 'invalid_input'],
    ['a wrong type', 'session.login', { username: 1, password: 'b' }, 'invalid_input'],
    ['an oversize user name', 'session.login', { username: 'a'.repeat(65), password: 'b' }, 'invalid_input'],
    ['NaN where nothing is expected', 'app.getInfo', { n: Number.NaN }, 'invalid_input'],
    ['no input at all', 'app.getInfo', undefined, 'invalid_input'],
    ['an array as input', 'app.getInfo', [], 'invalid_input'],
  ];
  it.each(badCalls)('refuses %s without calling the handler', async (_label, name, input, code) => {
    const { dispatch, calls } = setup();
    const result = await dispatch(name, input, ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
    expect(calls).toEqual([]);
  });

  it('passes a ContractFailure through with its code', async () => {
    const { dispatch } = setup({
      'session.login': () => {
        throw new ContractFailure('invalid_credentials', 'wrong password');
      },
    });
    expect(await dispatch('session.login', { username: 'a', password: 'b' }, ctx)).toEqual({
      ok: false,
      error: { code: 'invalid_credentials', message: 'wrong password' },
    });
  });

  it('turns an unexpected exception into internal, without leaking its message, and logs it', async () => {
    const { dispatch, log } = setup({
      'session.get': () => {
        throw new Error('SQLITE_CORRUPT at /home/someone/secret.db');
      },
    });
    const result = await dispatch('session.get', {}, ctx);
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'session.get failed unexpectedly' } });
    expect(log.error).toHaveBeenCalledOnce();
  });

  it('refuses a handler result that breaks the output schema', async () => {
    const { dispatch, log } = setup({
      // A bug that would leak the token to the renderer: the strict output schema stops it.
      'session.get': () => ({ ...session, token: 'secret-token' }) as Session,
    });
    const result = await dispatch('session.get', {}, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('secret-token');
    expect(log.error).toHaveBeenCalledOnce();
  });

  it('survives a rejected promise from a handler', async () => {
    const { dispatch } = setup({ 'session.logout': () => Promise.reject(new TypeError('boom')) });
    expect(await dispatch('session.logout', {}, ctx)).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
