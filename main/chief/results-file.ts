import ExcelJS from 'exceljs';
import type { Results, ResultCandidate, ResultSheet, SheetState } from '@common/platform/chief';
import type { RecusalReason, TechnicalIssue, TechnicalIssueCategory } from '@common/platform/fairness';
import type { RoomLogAction, RoomLogLine } from '@common/platform/room';
import { findBand } from '@common/scoring/bands';

/**
 * The exam office's results file, written from the platform's Results answer: a workbook (exceljs)
 * of three sheets, or the combined results as CSV. Headers are Chinese (the exam office's
 * language, whatever the chief's UI language); scores stay numbers; times are written as text in
 * the exam's time zone, which the header names, so a cell means one instant whatever the
 * spreadsheet program's own zone.
 */

export interface ResultsFileOptions {
  /** IANA zone the exam's times are meant in (Exam.timeZone). */
  readonly timeZone: string;
  /** How to name a slot in the 场次 column (e.g. its start time); the slot id when absent. */
  readonly slotLabels?: ReadonlyMap<string, string>;
}

export const SHEET_COMBINED = '综合成绩';
export const SHEET_CRITERIA = '评委分项成绩';
export const SHEET_ROOM_LOG = '考场记录';

export const STATE_LABELS: Readonly<Record<SheetState, string>> = {
  not_scored: '未评分',
  saved: '已保存',
  submitted: '已提交',
  accepted: '已接收',
  recused: '回避',
};

export const ACTION_LABELS: Readonly<Record<RoomLogAction, string>> = {
  call: '呼叫考生',
  finish: '结束面试',
  absent: '标记缺考',
  extend: '延长时间',
  readmit: '重新入场',
  move: '调整顺序',
  join: '评委进入',
  leave: '评委离开',
  route: '媒体线路',
  device_connect: '设备连接',
  device_drop: '设备断开',
  face_check: '人脸核验',
  prompt: '提示考生',
  quick_message: '考生快捷语',
  interruption: '中断',
  submit: '评委提交',
  recusal: '评委回避',
};

export const ISSUE_LABELS: Readonly<Record<TechnicalIssueCategory, string>> = {
  sound_clipped: '声音爆音/失真',
  sound_missing: '没有声音',
  picture_frozen: '画面卡住',
  angle_missing: '缺少机位',
  connection_lost: '连接中断',
  other: '其他',
};

export const RECUSAL_LABELS: Readonly<Record<RecusalReason, string>> = {
  relative: '亲属关系',
  own_student: '本人学生',
  other: '其他',
};

/**
 * Which fair-scoring columns the file has: the band for a band-first rubric, the technical issues
 * and the recusals when some sheet has them (a file without either reads as it always did).
 */
interface FairColumns {
  readonly band: boolean;
  readonly issues: boolean;
  readonly recusal: boolean;
}

function fairColumns(results: Results): FairColumns {
  const sheets = results.candidates.flatMap((candidate) => candidate.sheets);
  return {
    band: results.rubric.bands !== undefined,
    issues: sheets.some((sheet) => sheet.technicalIssues.length > 0),
    recusal: sheets.some((sheet) => sheet.recusal !== null),
  };
}

/** The band's label in the file's language (Chinese), or its id for a band the rubric does not name. */
export function bandText(results: Results, sheet: ResultSheet): string | null {
  if (sheet.band === null) return null;
  return findBand(results.rubric, sheet.band)?.label.zh ?? sheet.band;
}

/** `2：没有声音、画面卡住`: how many technical issues, and their categories; null when none. */
export function issuesText(issues: readonly TechnicalIssue[]): string | null {
  if (issues.length === 0) return null;
  const categories = [...new Set(issues.map((issue) => ISSUE_LABELS[issue.category]))];
  return `${String(issues.length)}：${categories.join('、')}`;
}

/** The recusal's reason, and who recorded it when a chief did; null when none. */
export function recusalText(sheet: ResultSheet): string | null {
  if (!sheet.recusal) return null;
  const reason = RECUSAL_LABELS[sheet.recusal.reason];
  return sheet.recusal.declaredBy === 'chief' ? `${reason}（主考记录）` : reason;
}

function fairHeader(columns: FairColumns, prefix: string): string[] {
  return [...(columns.band ? [`${prefix}档次`] : []), ...(columns.issues ? [`${prefix}技术问题`] : []), ...(columns.recusal ? [`${prefix}回避`] : [])];
}

function fairCells(columns: FairColumns, results: Results, sheet: ResultSheet | undefined): Cell[] {
  return [
    ...(columns.band ? [sheet ? bandText(results, sheet) : null] : []),
    ...(columns.issues ? [sheet ? issuesText(sheet.technicalIssues) : null] : []),
    ...(columns.recusal ? [sheet ? recusalText(sheet) : null] : []),
  ];
}

/** The platform itself as the actor of a room-log line. */
const PLATFORM_ACTOR = '平台';

interface Member {
  readonly memberId: string;
  readonly memberName: string;
}

/** Every member who holds a sheet in the results, in order of first appearance (one column each). */
export function membersOf(results: Results): Member[] {
  const members = new Map<string, Member>();
  for (const candidate of results.candidates) {
    for (const sheet of candidate.sheets) {
      if (!members.has(sheet.memberId)) members.set(sheet.memberId, { memberId: sheet.memberId, memberName: sheet.memberName });
    }
  }
  return [...members.values()];
}

/** Whether anything is worth exporting: some candidate has an accepted sheet. */
export function hasAcceptedSheet(results: Results): boolean {
  return results.candidates.some((candidate) => candidate.sheets.some((sheet) => sheet.state === 'accepted'));
}

type Cell = string | number | null;

/** The combined results: a header and one row per candidate (shared by the workbook and the CSV). */
export function combinedTable(results: Results, options: ResultsFileOptions): { header: string[]; rows: Cell[][] } {
  const members = membersOf(results);
  const fair = fairColumns(results);
  const header = [
    '考号',
    ...(results.identities ? ['姓名'] : []),
    '场次',
    '综合成绩',
    '已接收/应评',
    // Two members may share a display name; the column still has to say whose it is.
    ...members.flatMap((member) => {
      const name = uniqueName(member, members);
      return [`${name}（总分）`, ...fairHeader(fair, '').map((title) => `${name}（${title}）`)];
    }),
  ];
  const rows = results.candidates.map((candidate) => {
    const sheets = new Map(candidate.sheets.map((sheet) => [sheet.memberId, sheet]));
    return [
      candidate.candidateCode,
      ...(results.identities ? [candidate.candidateName ?? ''] : []),
      slotLabel(candidate, options),
      candidate.combined,
      `${String(candidate.accepted)}/${String(candidate.counting)}`,
      ...members.flatMap((member) => {
        const sheet = sheets.get(member.memberId);
        return [sheet?.state === 'accepted' ? sheet.total : null, ...fairCells(fair, results, sheet)];
      }),
    ];
  });
  return { header, rows };
}

/** The workbook (xlsx) as bytes. */
export async function writeResultsWorkbook(results: Results, options: ResultsFileOptions): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Examiner Workstation';
  workbook.created = new Date(results.generatedAt);
  const zone = `（${options.timeZone}）`;

  const combined = combinedTable(results, options);
  addSheet(workbook, SHEET_COMBINED, combined.header, combined.rows);

  const criteria = results.rubric.criteria;
  const fair = fairColumns(results);
  addSheet(
    workbook,
    SHEET_CRITERIA,
    ['考号', '评委', '状态', ...criteria.map((criterion) => criterion.label.zh), '总分', ...fairHeader(fair, ''), '版本', `接收时间${zone}`],
    results.candidates.flatMap((candidate) =>
      candidate.sheets.map((sheet): Cell[] => [
        candidate.candidateCode,
        sheet.memberName,
        STATE_LABELS[sheet.state],
        ...criteria.map((criterion) => sheet.values?.[criterion.id] ?? null),
        sheet.total,
        ...fairCells(fair, results, sheet),
        sheet.version,
        sheet.acceptedAt === null ? null : localTime(sheet.acceptedAt, options.timeZone),
      ]),
    ),
  );

  addSheet(
    workbook,
    SHEET_ROOM_LOG,
    ['考号', `时间${zone}`, '动作', '操作人', '详情'],
    results.roomLog.flatMap((entry) =>
      entry.lines.map((line): Cell[] => [
        entry.candidateCode,
        localTime(line.at, options.timeZone),
        ACTION_LABELS[line.action],
        line.actor ?? PLATFORM_ACTOR,
        detailText(line),
      ]),
    ),
  );

  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The combined results as CSV: UTF-8 with a BOM (so Excel reads it as UTF-8), CRLF, RFC 4180 quoting. */
export function writeResultsCsv(results: Results, options: ResultsFileOptions): Buffer {
  const { header, rows } = combinedTable(results, options);
  const lines = [header, ...rows].map((row) => row.map(csvField).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** One CSV field: quoted when it holds a comma, a quote or a line break, its quotes doubled (RFC 4180). */
export function csvField(value: Cell): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `YYYY-MM-DD HH:mm:ss` of an instant in `timeZone`. */
export function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((candidate) => candidate.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

function addSheet(workbook: ExcelJS.Workbook, name: string, header: readonly string[], rows: readonly Cell[][]): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow([...header]).font = { bold: true };
  for (const row of rows) sheet.addRow(row.map((cell) => cell ?? undefined));
  header.forEach((title, index) => {
    const longest = Math.max(displayWidth(title), ...rows.map((row) => displayWidth(row[index] ?? '')));
    sheet.getColumn(index + 1).width = Math.min(Math.max(longest + 2, 8), 60);
  });
}

/** Columns are measured in Latin characters: a Chinese character takes two. */
function displayWidth(value: string | number): number {
  let width = 0;
  for (const character of String(value)) width += /[\u1100-\uFFFF]/u.test(character) ? 2 : 1;
  return width;
}

function slotLabel(candidate: ResultCandidate, options: ResultsFileOptions): string {
  return options.slotLabels?.get(candidate.slotId) ?? candidate.slotId;
}

function uniqueName(member: Member, members: readonly Member[]): string {
  const twins = members.filter((other) => other.memberName === member.memberName);
  return twins.length > 1 ? `${member.memberName}（${member.memberId}）` : member.memberName;
}

function detailText(line: RoomLogLine): string {
  return Object.entries(line.detail)
    .map(([key, value]) => `${key}: ${value === null ? '—' : String(value)}`)
    .join('；');
}
