export type StoreErrorCode =
  /** Written by a newer workstation: never downgraded. */
  | 'newer_database'
  /** Proven corrupt (SQLITE_CORRUPT, SQLITE_NOTADB, a failed integrity check) or lost: the only code that restores a backup. */
  | 'damaged'
  | 'migration_failed'
  /** Damaged, and no backup passed its checks. */
  | 'no_backup'
  | 'driver_unavailable'
  /** Another program holds the database's lock (SQLITE_BUSY, SQLITE_LOCKED). */
  | 'locked'
  /** The file, its folder or its file system cannot be written (EACCES, EROFS, SQLITE_READONLY). */
  | 'read_only'
  /** The file cannot be opened or read for any other reason (not a file, no permission, an I/O error). */
  | 'unreadable'
  /** The disk is full, so even opening (the WAL, a migration) cannot write. */
  | 'disk_full';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  /** The database file concerned, when there is one. */
  readonly file: string | null;

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown; file?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.file = options?.file ?? null;
  }
}

/** The codes that refuse to start and leave every file where it is. */
export const REFUSAL_CODES: ReadonlySet<StoreErrorCode> = new Set(['locked', 'read_only', 'unreadable', 'disk_full']);

/**
 * What an error at open means. Only positive proof of corruption is `damaged`, which moves the
 * file aside for a backup: a lock, a permission or a full disk says nothing about the file's
 * content, and moving it would start the workstation on an older copy beside a live one.
 */
export function classifyOpenError(error: unknown, file: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : '';
  const detail = error instanceof Error ? error.message : String(error);
  const reason = code ? `${code}: ${detail}` : detail;
  const make = (kind: StoreErrorCode, what: string) => new StoreError(kind, `${file} ${what} (${reason})`, { cause: error, file });
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return make('damaged', 'is damaged');
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return make('locked', 'is locked by another program');
  if (/^SQLITE_READONLY/.test(code) || ['EROFS', 'EACCES', 'EPERM'].includes(code)) return make('read_only', 'cannot be written');
  // SQLITE_IOERR_SHMSIZE: the -shm could not be given its blocks, which on a full disk is how opening fails.
  if (['SQLITE_FULL', 'SQLITE_IOERR_SHMSIZE', 'ENOSPC', 'EDQUOT'].includes(code)) return make('disk_full', 'cannot be opened: the disk is full');
  return make('unreadable', 'cannot be opened');
}

/**
 * What the user reads when the store refuses to start. Shown before any window exists (a dialog,
 * or stderr for the browser host), so not through the renderer's i18next: Simplified Chinese
 * first, then English, as for the configuration's errors (main/config.ts).
 */
export function storeErrorText(error: StoreError): { readonly 'zh-CN': string; readonly en: string } {
  const file = error.file ?? '';
  const detail = error.message;
  switch (error.code) {
    case 'locked':
      return {
        'zh-CN': `数据库文件 ${file} 正被另一个程序占用（可能另一个评委工作站正在运行），因此工作站未启动，文件未作任何改动。请关闭该程序后重新启动。`,
        en: `The database ${file} is locked by another program (perhaps another Examiner Workstation is running), so the workstation did not start and nothing was changed. Close that program and start again.`,
      };
    case 'read_only':
      return {
        'zh-CN': `数据库文件 ${file} 无法写入（只读文件、文件夹或磁盘），工作站无法保存评分，因此未启动，文件未作任何改动。请检查其写入权限。详情：${detail}`,
        en: `The database ${file} cannot be written (a read-only file, folder or disk): the workstation could not save scores, so it did not start, and nothing was changed. Check that it can be written. Details: ${detail}`,
      };
    case 'unreadable':
      return {
        'zh-CN': `无法打开数据库文件 ${file}，因此工作站未启动，文件未作任何改动。详情：${detail}`,
        en: `The database ${file} cannot be opened, so the workstation did not start, and nothing was changed. Details: ${detail}`,
      };
    case 'disk_full':
      return {
        'zh-CN': `磁盘已满，无法打开数据库文件 ${file}，因此工作站未启动，文件未作任何改动。请清理磁盘空间后重新启动。`,
        en: `The disk is full, so the database ${file} cannot be opened: the workstation did not start, and nothing was changed. Free some disk space and start again.`,
      };
    case 'newer_database':
      return {
        'zh-CN': `数据库文件 ${file} 由更新版本的工作站写入，请更新评委工作站。详情：${detail}`,
        en: `The database ${file} was written by a newer Examiner Workstation: update the workstation. Details: ${detail}`,
      };
    case 'no_backup':
    case 'damaged':
      return {
        'zh-CN': `数据库文件 ${file} 已损坏，且没有完好的备份可以恢复，因此工作站未启动。损坏的文件保留在原处，请联系技术支持。详情：${detail}`,
        en: `The database ${file} is damaged and no healthy backup could be restored, so the workstation did not start. The damaged file is left in place: contact support. Details: ${detail}`,
      };
    case 'migration_failed':
      return {
        'zh-CN': `数据库文件 ${file} 升级失败，因此工作站未启动，文件未作改动。请联系技术支持。详情：${detail}`,
        en: `The database ${file} could not be upgraded, so the workstation did not start, and the file was not changed. Contact support. Details: ${detail}`,
      };
    case 'driver_unavailable':
      return {
        'zh-CN': `无法加载 SQLite 数据库驱动，因此工作站未启动。请重新安装评委工作站。详情：${detail}`,
        en: `The SQLite database driver could not be loaded, so the workstation did not start. Reinstall the Examiner Workstation. Details: ${detail}`,
      };
  }
}

/** The refusal as one text for a dialog or a terminal: both languages, Chinese first. */
export function storeErrorReport(error: StoreError): string {
  const text = storeErrorText(error);
  return `${text['zh-CN']}\n\n${text.en}`;
}
