import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PRIVATE_FILE_MODE } from '../store/private-files';

/**
 * One feed's recording on disk while it grows: every chunk is written at the end and synced
 * before the call returns, so a crash or a power cut loses at most the chunk in flight
 * (a second or so of video), never what was acknowledged.
 */
export class AppendOnlyFile {
  private constructor(
    private readonly handle: FileHandle,
    private size: number,
  ) {}

  /** Creates the file; it must not exist yet (a recording never writes over another). */
  static async create(path: string): Promise<AppendOnlyFile> {
    const handle = await open(path, 'wx', PRIVATE_FILE_MODE);
    try {
      await syncDirectory(dirname(path));
      return new AppendOnlyFile(handle, 0);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get bytes(): number {
    return this.size;
  }

  async append(data: Uint8Array): Promise<number> {
    let written = 0;
    while (written < data.byteLength) {
      const { bytesWritten } = await this.handle.write(data, written, data.byteLength - written, null);
      written += bytesWritten;
    }
    await this.handle.datasync();
    this.size += data.byteLength;
    return this.size;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** A new file's name is only durable once its directory is synced. */
async function syncDirectory(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
