import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ContractError, RecuseInput, ResolveConflictInput, SheetInput, SheetLock, SheetState } from '@common/contract';
import type { Rubric } from '@common/platform';
import { examiner } from '../bridge';
import { asContractError, call } from '../app/call';
import { checkDraft, draftFromSheet, EMPTY_DRAFT, sheetInput, type DraftCheck, type SheetDraft } from './sheet-draft';

/**
 * Where this sheet stands, as the examiner must see it: saved on this computer → sending →
 * accepted by the platform; or a conflict, a refusal, a failed save, or edits not saved
 * because a score is outside the rubric.
 */
export type SaveState = 'loading' | 'idle' | 'invalid' | 'saving' | 'saved' | 'sending' | 'accepted' | 'conflict' | 'rejected' | 'failed' | 'recused';

type Phase = 'settled' | 'saving' | 'failed';

export interface ScoreSheetModel {
  readonly sheet: SheetState | null;
  readonly draft: SheetDraft;
  readonly check: DraftCheck;
  readonly saveState: SaveState;
  /** The last failure of a save or an action, for its sentence. */
  readonly error: ContractError | null;
  readonly readOnly: boolean;
  /** The chief examiner has locked the sheet (or signed off the slot): nothing can be submitted. */
  readonly lock: SheetLock | null;
  edit(draft: SheetDraft): void;
  /** Waits for the autosave, then submits; false if the platform-side checks refused it. */
  submit(): Promise<boolean>;
  reopen(): Promise<void>;
  resolve(keep: ResolveConflictInput['keep']): Promise<void>;
  /**
   * Recuse from the candidate (回避): waits for the autosave, then `sheets.recuse`; the sheet is
   * void and read-only from then on. Throws the refusal (a ContractError) for the caller to show.
   * Absent on sheets that are not a candidate's (an in-memory calibration sheet).
   */
  recuse?(input: Omit<RecuseInput, 'assignmentId'>): Promise<void>;
}

const STATUS_STATE: Record<SheetState['status'], SaveState> = {
  draft: 'saved',
  submitted: 'sending',
  accepted: 'accepted',
  conflict: 'conflict',
  rejected: 'rejected',
  recused: 'recused',
};

/**
 * One score sheet, autosaved through `sheets.save` on every change. Saves go one at a time; an
 * edit made while one is on its way replaces any edit still waiting, so the last one always
 * lands. A change from elsewhere (accepted, conflict, reopened, resolved) arrives as
 * `sheet.changed`; one that changed the values replaces the form's draft.
 */
export function useScoreSheet(assignmentId: string, rubric: Rubric): ScoreSheetModel {
  const [sheet, setSheet] = useState<SheetState | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [draft, setDraft] = useState<SheetDraft>(EMPTY_DRAFT);
  const [phase, setPhase] = useState<Phase>('settled');
  const [error, setError] = useState<ContractError | null>(null);
  const [lock, setLock] = useState<SheetLock | null>(null);
  const waiting = useRef<SheetInput | null>(null);
  const running = useRef<Promise<void> | null>(null);
  const revision = useRef(-1);

  /** Takes a sheet from main; one whose revision moved past ours was changed elsewhere. */
  const accept = useCallback((next: SheetState, replaceDraft: boolean) => {
    const outside = next.revision > revision.current && revision.current >= 0 && waiting.current === null && running.current === null;
    if (next.revision < revision.current) return;
    revision.current = next.revision;
    setSheet(next);
    if (replaceDraft || outside) setDraft(draftFromSheet(next));
  }, []);

  useEffect(() => {
    let live = true;
    void call('sheets.get', { assignmentId }).then(
      (state) => {
        if (!live) return;
        revision.current = state?.revision ?? 0;
        setSheet(state);
        setDraft(draftFromSheet(state));
        setLoaded(true);
      },
      (failure: unknown) => {
        if (!live) return;
        setError(asContractError(failure));
        setLoaded(true);
      },
    );
    const off = examiner().on('sheet.changed', (state) => {
      if (live && state.assignmentId === assignmentId) accept(state, false);
    });
    // A push wins over the answer to the read it may have overtaken.
    let pushed = false;
    const offLock = examiner().on('sheet.lock', (next) => {
      if (!live || next.assignmentId !== assignmentId) return;
      pushed = true;
      setLock(next);
    });
    // The lock is advice ahead of a refusal (423 becomes a conflict anyway): a failed read shows none.
    void call('sheets.getLock', { assignmentId }).then(
      (next) => {
        if (live && !pushed) setLock(next);
      },
      () => undefined,
    );
    return () => {
      live = false;
      off();
      offLock();
    };
  }, [assignmentId, accept]);

  const drain = useCallback(async () => {
    for (let input = waiting.current; input !== null; input = waiting.current) {
      waiting.current = null;
      setPhase('saving');
      try {
        const saved = await call('sheets.save', input);
        revision.current = Math.max(revision.current, saved.revision);
        setSheet(saved);
        setError(null);
        setPhase('settled');
      } catch (failure) {
        setError(asContractError(failure));
        setPhase('failed');
      }
    }
  }, []);

  const edit = useCallback(
    (next: SheetDraft) => {
      setDraft(next);
      const checked = checkDraft(rubric, next);
      // Outside the rubric: shown on the field, and not saved until corrected.
      if (!checked.savable) return;
      waiting.current = sheetInput(assignmentId, next, checked);
      running.current ??= drain().finally(() => {
        running.current = null;
      });
    },
    [assignmentId, rubric, drain],
  );

  const act = useCallback(
    async (action: () => Promise<SheetState>, replaceDraft: boolean): Promise<boolean> => {
      try {
        accept(await action(), replaceDraft);
        setError(null);
        return true;
      } catch (failure) {
        setError(asContractError(failure));
        return false;
      }
    },
    [accept],
  );

  const submit = useCallback(async () => {
    while (running.current) await running.current;
    return act(() => call('sheets.submit', { assignmentId }), false);
  }, [act, assignmentId]);

  const reopen = useCallback(async () => {
    await act(() => call('sheets.reopen', { assignmentId }), true);
  }, [act, assignmentId]);

  const resolve = useCallback(
    async (keep: ResolveConflictInput['keep']) => {
      while (running.current) await running.current;
      await act(() => call('sheets.resolveConflict', { assignmentId, keep }), keep === 'platform');
    },
    [act, assignmentId],
  );

  const recuse = useCallback(
    async (input: Omit<RecuseInput, 'assignmentId'>) => {
      while (running.current) await running.current;
      // A refusal is the modal's to show, not the form's.
      accept(await call('sheets.recuse', { assignmentId, ...input }), false);
      setError(null);
    },
    [accept, assignmentId],
  );

  const check = useMemo(() => checkDraft(rubric, draft), [rubric, draft]);
  const saveState: SaveState = !loaded
    ? 'loading'
    : sheet?.status === 'recused'
      ? 'recused'
      : !check.savable
        ? 'invalid'
        : phase !== 'settled'
          ? phase
          : sheet === null
            ? 'idle'
            : STATUS_STATE[sheet.status];
  const readOnly = sheet?.status === 'submitted' || sheet?.status === 'accepted' || sheet?.status === 'recused';
  return { sheet, draft, check, saveState, error, readOnly, lock: lock?.locked ? lock : null, edit, submit, reopen, resolve, recuse };
}
