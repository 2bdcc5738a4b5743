import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { initI18n } from '../../renderer/src/i18n';
import { fakeExaminer } from './fake-examiner';

// The bridge takes window.examiner on first use, as it takes the preload's under Electron.
Object.assign(window, { examiner: fakeExaminer });
await initI18n();
// happy-dom's media elements lack the standard's readyState constants (HTML § 4.8.11.7).
const READY_STATES = { HAVE_NOTHING: 0, HAVE_METADATA: 1, HAVE_CURRENT_DATA: 2, HAVE_FUTURE_DATA: 3, HAVE_ENOUGH_DATA: 4 } as const;
for (const [name, value] of Object.entries(READY_STATES)) {
  if (!(name in HTMLMediaElement)) Object.defineProperty(HTMLMediaElement, name, { value });
}

afterEach(() => {
  cleanup();
  fakeExaminer.reset();
});
