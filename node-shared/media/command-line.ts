/**
 * The exact command a run executes, quoted for a POSIX shell, so a log line can be pasted into a
 * terminal to reproduce a failure (cf. LosslessCut's logged ffmpeg commands).
 */
export function formatCommandLine(binary: string, args: readonly string[]): string {
  return [binary, ...args].map(shellQuote).join(' ');
}

export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
