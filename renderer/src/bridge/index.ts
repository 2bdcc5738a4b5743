import type { ExaminerApi } from '@common/contract';
import { createSocketBridge } from './socket-bridge';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the page is served by the browser host. */
    examiner?: ExaminerApi;
  }
}

let api: ExaminerApi | null = null;

/** The contract, from the preload under Electron or over the browser host's WebSocket. */
export function examiner(): ExaminerApi {
  api ??= window.examiner ?? createSocketBridge();
  return api;
}
