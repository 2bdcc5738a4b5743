/** A minimal structured logger; main writes JSON lines so logs can be grepped and parsed. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

type Level = 'info' | 'warn' | 'error';

export function createLogger(scope: string, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const emit = (level: Level, message: string, fields?: Record<string, unknown>) => {
    const entry = { time: new Date().toISOString(), level, scope, message, ...serialise(fields) };
    write(`${JSON.stringify(entry)}\n`);
  };
  return {
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

/** A logger that drops everything, for tests that assert on behaviour, not on logs. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

function serialise(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!fields) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}
