import { useCallback, useMemo, useState } from 'react';
import type { ContractError } from '@common/contract';
import type { CalibrationResult, Rubric } from '@common/platform';
import { asContractError, call } from '../app/call';
import { checkDraft, EMPTY_DRAFT, type SheetDraft } from '../sheet/sheet-draft';
import type { ScoreSheetModel } from '../sheet/useScoreSheet';

/** What an in-memory sheet hands over on submit: the values that fit the rubric, and the band. */
export interface MemorySheetValues {
  readonly values: Record<string, number>;
  readonly band?: string;
}

/** The band chosen in the form, when the form knows bands (band-first rubrics). */
function bandOf(draft: SheetDraft): string | undefined {
  const band: unknown = 'band' in draft ? draft.band : undefined;
  return typeof band === 'string' && band !== '' ? band : undefined;
}

/**
 * A score sheet that lives in memory only, for the grading form (ScoreSheetForm's `model`): no
 * autosave, nothing on this computer; submit hands the values to `send` (the calibration of an
 * anchor, or an anchor's reference scores). Once sent it is read-only.
 */
export function useMemorySheet(rubric: Rubric, send: (sheet: MemorySheetValues) => Promise<void>): ScoreSheetModel {
  const [draft, setDraft] = useState<SheetDraft>(EMPTY_DRAFT);
  const [error, setError] = useState<ContractError | null>(null);
  const [sent, setSent] = useState(false);
  const check = useMemo(() => checkDraft(rubric, draft), [rubric, draft]);
  const edit = useCallback((next: SheetDraft) => setDraft(next), []);
  const submit = useCallback(async () => {
    if (!check.submittable) return false;
    const band = bandOf(draft);
    try {
      await send({ values: { ...check.values }, ...(band !== undefined && { band }) });
      setError(null);
      setSent(true);
      return true;
    } catch (failure) {
      setError(asContractError(failure));
      return false;
    }
  }, [check, draft, send]);
  const nothing = useCallback(async () => undefined, []);
  return {
    sheet: null,
    draft,
    check,
    saveState: check.savable ? 'idle' : 'invalid',
    error,
    readOnly: sent,
    lock: null,
    edit,
    submit,
    reopen: nothing,
    resolve: nothing,
  };
}

export interface CalibrationSheet {
  readonly model: ScoreSheetModel;
  /** The platform's comparison with the reference, once submitted. */
  readonly result: CalibrationResult | null;
}

/** The examiner's scores for an anchor (样卷), in memory; submit sends them to `calibration.submit`. */
export function useCalibrationSheet(anchorId: string, rubric: Rubric): CalibrationSheet {
  const [result, setResult] = useState<CalibrationResult | null>(null);
  const send = useCallback(
    async (sheet: MemorySheetValues) => {
      setResult(await call('calibration.submit', { anchorId, ...sheet }));
    },
    [anchorId],
  );
  const model = useMemorySheet(rubric, send);
  return { model, result };
}
