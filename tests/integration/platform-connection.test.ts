import { afterEach, describe, expect, it } from 'vitest';
import { startPlatform } from '../../platform/server';
import { connectContract } from '../support/contract-socket';
import { closedPort, startStack, type Stack } from '../support/servers';

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

describe('the workstation when the platform is down', () => {
  it('answers sign-in with platform_unreachable and reports the platform offline', async () => {
    const port = await closedPort();
    stack = await startStack({ platform: false, platformUrl: `http://127.0.0.1:${port}` });
    const client = await connectContract(stack.host);

    const login = await client.call('session.login', { username: 'examiner1', password: 'demo1234' });
    expect(login).toMatchObject({ ok: false, error: { code: 'platform_unreachable' } });
    const health = await client.call('platform.checkNow', {});
    expect(health).toMatchObject({ ok: true, value: { state: 'offline', lastOnlineAt: null } });
    // Nothing was signed in by the failed attempt.
    expect(await client.call('session.get', {})).toEqual({ ok: true, value: null });
    client.socket.close();
  });

  it('pushes platform.health when the platform comes back, and sign-in then works', async () => {
    const port = await closedPort();
    stack = await startStack({ platform: false, platformUrl: `http://127.0.0.1:${port}` });
    const client = await connectContract(stack.host);
    expect(await client.call('platform.checkNow', {})).toMatchObject({ value: { state: 'offline' } });

    const online = client.nextEvent('platform.health');
    const platform = await startPlatform({ port });
    try {
      expect(await online).toMatchObject({ state: 'online', platformVersion: expect.any(String) as unknown });
      const login = await client.call('session.login', { username: 'examiner1', password: 'demo1234' });
      expect(login).toMatchObject({ ok: true });

      const offline = client.nextEvent('platform.health');
      await platform.close();
      expect(await offline).toMatchObject({ state: 'offline', lastOnlineAt: expect.any(String) as unknown });
    } finally {
      await platform.close();
    }
    client.socket.close();
  });

  it('says platform_not_configured when no platform URL is set', async () => {
    stack = await startStack({ platform: false });
    const client = await connectContract(stack.host);
    expect(await client.call('session.login', { username: 'a', password: 'b' })).toMatchObject({
      ok: false,
      error: { code: 'platform_not_configured' },
    });
    expect(await client.call('platform.getHealth', {})).toMatchObject({ ok: true, value: { state: 'unconfigured' } });
    client.socket.close();
  });
});
