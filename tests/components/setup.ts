import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { initI18n } from '../../renderer/src/i18n';
import { fakeExaminer } from './fake-examiner';

// The bridge takes window.examiner on first use, as it takes the preload's under Electron.
Object.assign(window, { examiner: fakeExaminer });
await initI18n();

afterEach(() => {
  cleanup();
  fakeExaminer.reset();
});
