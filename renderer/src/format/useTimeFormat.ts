import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useExamTimeZone } from './ExamTimeZone';
import { formatInZone } from './time';

export interface TimeFormat {
  readonly timeZone: string;
  /** 2026-05-01 14:30 */
  dateTime(iso: string | null): string;
  /** 14:30 */
  time(iso: string | null): string;
  /** 14:30:05 */
  clock(iso: string | null): string;
}

/** Formatters in the interface language and the exam's time zone; empty for a missing time. */
export function useTimeFormat(): TimeFormat {
  const { i18n } = useTranslation();
  const timeZone = useExamTimeZone();
  const language = i18n.language;
  return useMemo(
    () => ({
      timeZone,
      dateTime: (iso) => (iso ? formatInZone(iso, 'dateTime', language, timeZone) : ''),
      time: (iso) => (iso ? formatInZone(iso, 'time', language, timeZone) : ''),
      clock: (iso) => (iso ? formatInZone(iso, 'clock', language, timeZone) : ''),
    }),
    [language, timeZone],
  );
}
