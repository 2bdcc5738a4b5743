import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDir } from '../store/durable';
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
      await syncDir(dirname(path));
      return new AppendOnlyFile(handle, 0);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get bytes(): number {
    return this.size;
  }

  /**
   * Appends a chunk and syncs it. A write that fails part-way (a full disk) is cut off again, so
   * the file stays exactly the chunks acknowledged so far and the space the torn piece took is
   * given back; the error is rethrown.
   */
  async append(data: Uint8Array): Promise<number> {
    try {
      let written = 0;
      while (written < data.byteLength) {
        const { bytesWritten } = await this.handle.write(data, written, data.byteLength - written, this.size + written);
        written += bytesWritten;
      }
      await this.handle.datasync();
    } catch (error) {
      await this.handle
        .truncate(this.size)
        .then(() => this.handle.datasync())
        .catch(() => undefined);
      throw error;
    }
    this.size += data.byteLength;
    return this.size;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
