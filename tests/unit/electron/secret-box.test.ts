import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/fake-electron'));

const { resetFakeElectron, safeStorage } = await import('../../support/fake-electron');
const { keychainBox } = await import('../../../main/electron/secret-box');

beforeEach(() => resetFakeElectron());

describe('keychainBox', () => {
  it.each([
    ['linux', 'gnome_libsecret'],
    ['linux', 'kwallet5'],
    ['darwin', 'unknown'],
    ['win32', 'unknown'],
  ] as const)('persists on %s with backend %s, sealed, and opens what it sealed', (platform, backend) => {
    safeStorage.backend = backend;
    const box = keychainBox(platform);
    expect(box.persistent).toBe(true);
    const sealed = box.seal('platform-token-123');
    expect(sealed.toString()).not.toContain('platform-token-123');
    expect(box.open(sealed)).toBe('platform-token-123');
  });

  it.each(['basic_text', 'unknown'])('does not persist on Linux when the backend is %s (a fixed password)', (backend) => {
    safeStorage.backend = backend;
    const box = keychainBox('linux');
    expect(box.persistent).toBe(false);
    expect(() => box.seal('token')).toThrow();
  });

  it('does not persist when encryption is unavailable at all', () => {
    safeStorage.available = false;
    expect(keychainBox('darwin').persistent).toBe(false);
  });
});
