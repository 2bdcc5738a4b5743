/**
 * Dates and times of an exam are meant in the exam's time zone (Exam.timeZone), whatever the
 * zone of the computer the examiner sits at. Formatters are cached: a queue of thousands of
 * rows formats many times per second.
 */
type Kind = 'dateTime' | 'time' | 'clock';

const OPTIONS: Record<Kind, Intl.DateTimeFormatOptions> = {
  dateTime: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  clock: { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
};

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(kind: Kind, language: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${kind}|${language}|${timeZone}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { ...OPTIONS[kind], timeZone });
    cache.set(key, format);
  }
  return format;
}

export function formatInZone(iso: string, kind: Kind, language: string, timeZone: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '' : formatter(kind, language, timeZone).format(at);
}

/** A duration as m:ss, or h:mm:ss from an hour on; negative durations count as zero. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** The zone this computer is in, for views that have no exam yet. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
