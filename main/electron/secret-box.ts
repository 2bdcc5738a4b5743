import { safeStorage } from 'electron';
import { memoryOnlyBox, type SecretBox } from '../services/credential-store';

/**
 * Linux backends under which safeStorage protects nothing: with no keyring it falls back to
 * 'basic_text', a fixed password compiled into Chromium. A token "sealed" that way is as good
 * as plain text on disk, so it is not persisted at all.
 */
const INSECURE_BACKENDS = new Set(['basic_text', 'unknown']);

/** The OS keychain when it is real (Keychain, DPAPI, libsecret, KWallet); otherwise memory only. Call after app ready. */
export function keychainBox(platform: NodeJS.Platform = process.platform): SecretBox {
  if (!safeStorage.isEncryptionAvailable()) return memoryOnlyBox;
  if (platform === 'linux' && INSECURE_BACKENDS.has(safeStorage.getSelectedStorageBackend())) return memoryOnlyBox;
  return {
    persistent: true,
    seal: (plain) => safeStorage.encryptString(plain),
    open: (sealed) => safeStorage.decryptString(sealed),
  };
}
