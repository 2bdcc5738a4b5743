import { spawn } from 'node:child_process';

export interface ToolRun {
  readonly timeoutMs: number;
  /** Cap on collected stdout (ffprobe's JSON); more fails the run rather than growing without bound. */
  readonly maxStdoutBytes?: number;
}

export class MediaToolError extends Error {
  override readonly name = 'MediaToolError';
  constructor(
    message: string,
    /** The exact command, quoted so it can be pasted into a shell to reproduce the failure. */
    readonly commandLine: string,
    /** The end of the tool's stderr: where ffmpeg says what went wrong. */
    readonly stderr: string,
  ) {
    super(`${message}\n$ ${commandLine}\n${stderr}`);
  }
}

const STDERR_TAIL = 4096;

/**
 * Runs ffmpeg or ffprobe with an argument array (no shell), a hard timeout, and stderr kept
 * for the error message. Resolves with stdout when the tool exits 0.
 */
export function runTool(binary: string, args: readonly string[], options: ToolRun): Promise<string> {
  const commandLine = [binary, ...args].map(shellQuote).join(' ');
  const maxStdout = options.maxStdoutBytes ?? 8 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: string | null = null;
    const timer = setTimeout(() => {
      failure = `timed out after ${options.timeoutMs} ms`;
      child.kill('SIGKILL');
    }, options.timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        failure = `wrote more than ${maxStdout} bytes to stdout`;
        child.kill('SIGKILL');
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new MediaToolError(`could not start ${binary}: ${error.message}`, commandLine, stderr));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (failure !== null) reject(new MediaToolError(`${binary} ${failure}`, commandLine, stderr));
      else if (code !== 0) reject(new MediaToolError(`${binary} failed (${signal ?? `exit ${String(code)}`})`, commandLine, stderr));
      else resolve(Buffer.concat(stdout).toString('utf8'));
    });
  });
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
