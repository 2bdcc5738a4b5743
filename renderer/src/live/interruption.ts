import { INTERRUPTION_RULE, type FailureReason, type QueueEntry } from '@common/platform';

/**
 * The manual's rule as the panel shows it (shared/seeds: 若因不可抗力因素导致考试中断，须于 2 分钟内
 * 返回考试界面继续考试，中断超过 3 次或指定时长(2分钟)导致的考试失败): how many interruptions so far,
 * and while one runs, the time left to come back. What happens when it runs out is the platform's
 * decision, shown when it arrives: this only counts down. Pure: the caller passes the clock.
 */
export type InterruptionView =
  | { readonly kind: 'none'; readonly count: number; readonly max: number }
  | {
      readonly kind: 'interrupted';
      readonly count: number;
      readonly max: number;
      /** Time left to come back; 0 once the two minutes are over (the platform decides then). */
      readonly remainingMs: number;
      readonly deadline: number;
      /** True for the last interruption the rule allows: one more fails the exam. */
      readonly lastAllowed: boolean;
    }
  | { readonly kind: 'failed'; readonly count: number; readonly max: number; readonly reason: FailureReason | null };

export const INTERRUPTION_MS = INTERRUPTION_RULE.maxSeconds * 1000;

type EntryFacts = Pick<QueueEntry, 'state' | 'interruptions' | 'interruptedAt' | 'failureReason'>;

export function interruptionView(entry: EntryFacts, now: number): InterruptionView {
  const count = entry.interruptions;
  const max = INTERRUPTION_RULE.maxInterruptions;
  if (entry.state === 'failed') return { kind: 'failed', count, max, reason: entry.failureReason };
  if (entry.state !== 'interrupted') return { kind: 'none', count, max };
  const started = entry.interruptedAt === null ? Number.NaN : Date.parse(entry.interruptedAt);
  // An interruption without a start is treated as one whose time is up, as the platform does.
  const deadline = Number.isNaN(started) ? now : started + INTERRUPTION_MS;
  // Never more than the rule allows: this computer's clock may run behind the platform's.
  const remainingMs = Math.min(INTERRUPTION_MS, Math.max(0, deadline - now));
  return { kind: 'interrupted', count, max, remainingMs, deadline, lastAllowed: count >= max };
}

/** A countdown as m:ss, rounded up so it shows 0:00 only when the time is really over. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * The candidate's answering time for the subject (Subject.answerSeconds), counted from when they
 * entered the room; negative once it is over (overtime). Null before they entered.
 */
export function answeringTimeLeft(enteredAt: string | null, answerSeconds: number, now: number, endedAt: string | null = null): number | null {
  if (enteredAt === null) return null;
  const started = Date.parse(enteredAt);
  if (Number.isNaN(started)) return null;
  const until = endedAt === null ? now : Math.min(now, Date.parse(endedAt));
  return answerSeconds * 1000 - (until - started);
}
