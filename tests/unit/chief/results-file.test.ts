import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { Results } from '@common/platform/chief';
import {
  csvField,
  hasAcceptedSheet,
  localTime,
  SHEET_COMBINED,
  SHEET_CRITERIA,
  SHEET_ROOM_LOG,
  writeResultsCsv,
  writeResultsWorkbook,
} from '../../../main/chief/results-file';

const results: Results = Results.parse({
  examId: 'exam-1',
  examName: { zh: '2026 美术联考', en: 'Art 2026' },
  subjectId: 'sketch',
  subjectName: { zh: '素描', en: 'Sketch' },
  rubric: {
    id: 'r1',
    version: 1,
    criteria: [
      { id: 'form', label: { zh: '造型', en: 'Form' }, max: 50, step: 0.5, required: true },
      { id: 'tone', label: { zh: '明暗', en: 'Tone' }, max: 50, step: 0.5, required: true },
    ],
  },
  combineRule: { kind: 'mean' },
  slotIds: ['slot-1'],
  signedOff: [],
  identities: true,
  candidates: [
    {
      candidateCode: 'A001',
      // A comma, a quote and a line break: each must survive the CSV.
      candidateName: '张三, "小张"\n二班',
      slotId: 'slot-1',
      combined: 81.25,
      accepted: 2,
      counting: 2,
      sheets: [
        { memberId: 'e1', memberName: '王老师', state: 'accepted', values: { form: 40, tone: 42.5 }, total: 82.5, version: 2, acceptedAt: '2026-06-01T01:30:00.000Z' },
        { memberId: 'e2', memberName: '李老师', state: 'accepted', values: { form: 40, tone: 40 }, total: 80, version: 1, acceptedAt: '2026-06-01T01:31:05.000Z' },
      ],
    },
    {
      candidateCode: 'A002',
      candidateName: '李四',
      slotId: 'slot-1',
      combined: null,
      accepted: 0,
      counting: 2,
      sheets: [
        { memberId: 'e1', memberName: '王老师', state: 'submitted', values: null, total: null, version: 0, acceptedAt: null },
        { memberId: 'e2', memberName: '李老师', state: 'not_scored', values: null, total: null, version: 0, acceptedAt: null },
      ],
    },
  ],
  roomLog: [
    {
      entryId: 'q1',
      candidateCode: 'A001',
      lines: [
        { at: '2026-06-01T01:00:00.000Z', action: 'call', actor: '刘主任', detail: {} },
        { at: '2026-06-01T01:02:00.000Z', action: 'device_drop', actor: null, detail: { device: 'side' } },
      ],
    },
  ],
  generatedAt: '2026-06-01T02:00:00.000Z',
});

const options = { timeZone: 'Asia/Shanghai', slotLabels: new Map([['slot-1', '06-01 09:00']]) };

async function readBack(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

function rowsOf(sheet: ExcelJS.Worksheet | undefined): unknown[][] {
  if (!sheet) throw new Error('missing sheet');
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const values = row.values as unknown[];
    // exceljs rows are 1-based: index 0 is always empty.
    rows.push(Array.from({ length: sheet.columnCount }, (_, index) => values[index + 1] ?? null));
  });
  return rows;
}

describe('the results workbook', () => {
  it('has the combined results, one row per candidate, scores as numbers, names only with identities', async () => {
    const workbook = await readBack(await writeResultsWorkbook(results, options));
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([SHEET_COMBINED, SHEET_CRITERIA, SHEET_ROOM_LOG]);
    expect(rowsOf(workbook.getWorksheet(SHEET_COMBINED))).toEqual([
      ['考号', '姓名', '场次', '综合成绩', '已接收/应评', '王老师（总分）', '李老师（总分）'],
      ['A001', '张三, "小张"\n二班', '06-01 09:00', 81.25, '2/2', 82.5, 80],
      ['A002', '李四', '06-01 09:00', null, '0/2', null, null],
    ]);
    const withoutNames = await readBack(await writeResultsWorkbook({ ...results, identities: false }, options));
    expect(rowsOf(withoutNames.getWorksheet(SHEET_COMBINED))[0]).toEqual(['考号', '场次', '综合成绩', '已接收/应评', '王老师（总分）', '李老师（总分）']);
    expect(rowsOf(withoutNames.getWorksheet(SHEET_COMBINED)).flat()).not.toContain('李四');
  });

  it('has every member’s criterion scores by their Chinese labels, with the acceptance time in the exam’s zone', async () => {
    const workbook = await readBack(await writeResultsWorkbook(results, options));
    expect(rowsOf(workbook.getWorksheet(SHEET_CRITERIA))).toEqual([
      ['考号', '评委', '状态', '造型', '明暗', '总分', '版本', '接收时间（Asia/Shanghai）'],
      ['A001', '王老师', '已接收', 40, 42.5, 82.5, 2, '2026-06-01 09:30:00'],
      ['A001', '李老师', '已接收', 40, 40, 80, 1, '2026-06-01 09:31:05'],
      ['A002', '王老师', '已提交', null, null, null, 0, null],
      ['A002', '李老师', '未评分', null, null, null, 0, null],
    ]);
  });

  it('has the room log in Chinese, the platform named as itself', async () => {
    const workbook = await readBack(await writeResultsWorkbook(results, options));
    expect(rowsOf(workbook.getWorksheet(SHEET_ROOM_LOG))).toEqual([
      ['考号', '时间（Asia/Shanghai）', '动作', '操作人', '详情'],
      ['A001', '2026-06-01 09:00:00', '呼叫考生', '刘主任', ''],
      ['A001', '2026-06-01 09:02:00', '设备断开', '平台', 'device: side'],
    ]);
  });

  it('freezes each header row and widens the columns to their content', async () => {
    const workbook = await readBack(await writeResultsWorkbook(results, options));
    for (const sheet of workbook.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getRow(1).font?.bold).toBe(true);
    }
    const combined = workbook.getWorksheet(SHEET_COMBINED);
    // 姓名 holds the longest text: wider than 考号's column.
    expect(combined?.getColumn(2).width ?? 0).toBeGreaterThan(combined?.getColumn(1).width ?? 0);
  });
});

/** A minimal RFC 4180 reader, to read the file back independently of the writer's quoting. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 1;
    } else field += character;
  }
  return rows;
}

describe('the results CSV', () => {
  it('is UTF-8 with a BOM, and a comma, a quote and a line break in a field survive', () => {
    const bytes = writeResultsCsv(results, options);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(parseCsv(text)).toEqual([
      ['考号', '姓名', '场次', '综合成绩', '已接收/应评', '王老师（总分）', '李老师（总分）'],
      ['A001', '张三, "小张"\n二班', '06-01 09:00', '81.25', '2/2', '82.5', '80'],
      ['A002', '李四', '06-01 09:00', '', '0/2', '', ''],
    ]);
  });

  it('quotes only what needs it', () => {
    expect(csvField('A001')).toBe('A001');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(81.25)).toBe('81.25');
  });
});

describe('helpers', () => {
  it('knows whether anything was accepted', () => {
    expect(hasAcceptedSheet(results)).toBe(true);
    expect(hasAcceptedSheet({ ...results, candidates: results.candidates.slice(1) })).toBe(false);
  });

  it('writes times in the exam’s zone', () => {
    expect(localTime('2026-06-01T16:30:00.000Z', 'Asia/Shanghai')).toBe('2026-06-02 00:30:00');
    expect(localTime('2026-06-01T16:30:00.000Z', 'UTC')).toBe('2026-06-01 16:30:00');
  });
});

/** A band-first subject (舞蹈): bands, technical issues and a recusal among the sheets. */
const danceResults: Results = Results.parse({
  ...results,
  subjectId: 'dance',
  subjectName: { zh: '舞蹈', en: 'Dance' },
  rubric: {
    id: 'rubric-dance',
    version: 1,
    criteria: [
      { id: 'technique', label: { zh: '技术技巧', en: 'Technique' }, max: 40, step: 1, required: true },
      { id: 'expression', label: { zh: '表现力', en: 'Expression' }, max: 60, step: 1, required: true },
    ],
    bands: [
      { id: 'upper', label: { zh: '上档', en: 'Upper' }, total: { min: 80, max: 100 } },
      { id: 'lower', label: { zh: '下档', en: 'Lower' }, total: { min: 0, max: 79 } },
    ],
  },
  candidates: [
    {
      candidateCode: 'D001',
      candidateName: '赵六',
      slotId: 'slot-1',
      combined: 85,
      accepted: 1,
      counting: 1,
      sheets: [
        {
          memberId: 'e1',
          memberName: '王老师',
          state: 'accepted',
          values: { technique: 35, expression: 50 },
          total: 85,
          version: 1,
          acceptedAt: '2026-06-01T01:30:00.000Z',
          band: 'upper',
          technicalIssues: [
            { id: 't1', category: 'sound_missing', note: '', moments: [{ atMs: 1000 }] },
            { id: 't2', category: 'picture_frozen', note: '卡顿', moments: [] },
            { id: 't3', category: 'sound_missing', note: '', moments: [] },
          ],
        },
        {
          memberId: 'e2',
          memberName: '李老师',
          state: 'recused',
          values: null,
          total: null,
          version: 0,
          acceptedAt: null,
          recusal: { assignmentId: 'as-2', reason: 'own_student', note: null, declaredAt: '2026-06-01T01:00:00.000Z', declaredBy: 'self' },
        },
      ],
    },
  ],
  roomLog: [{ entryId: 'q2', candidateCode: 'D001', lines: [{ at: '2026-06-01T01:05:00.000Z', action: 'recusal', actor: '李老师', detail: { reason: 'own_student' } }] }],
});

describe('fair scoring in the results file', () => {
  it('gives each member’s band (its Chinese label), technical issues (count and categories) and recusal in the workbook', async () => {
    const workbook = await readBack(await writeResultsWorkbook(danceResults, options));
    expect(rowsOf(workbook.getWorksheet(SHEET_CRITERIA))).toEqual([
      ['考号', '评委', '状态', '技术技巧', '表现力', '总分', '档次', '技术问题', '回避', '版本', '接收时间（Asia/Shanghai）'],
      ['D001', '王老师', '已接收', 35, 50, 85, '上档', '3：没有声音、画面卡住', null, 1, '2026-06-01 09:30:00'],
      ['D001', '李老师', '回避', null, null, null, null, null, '本人学生', 0, null],
    ]);
    expect(rowsOf(workbook.getWorksheet(SHEET_ROOM_LOG))[1]).toEqual(['D001', '2026-06-01 09:05:00', '评委回避', '李老师', 'reason: own_student']);
  });

  it('puts the same beside each member’s total in the CSV, and says when a chief recorded the recusal', () => {
    const chiefRecorded: Results = {
      ...danceResults,
      candidates: danceResults.candidates.map((candidate) => ({
        ...candidate,
        sheets: candidate.sheets.map((sheet) => (sheet.recusal ? { ...sheet, recusal: { ...sheet.recusal, reason: 'relative' as const, declaredBy: 'chief' as const } } : sheet)),
      })),
    };
    const text = writeResultsCsv(chiefRecorded, options).toString('utf8').slice(1);
    expect(parseCsv(text)).toEqual([
      [
        '考号', '姓名', '场次', '综合成绩', '已接收/应评',
        '王老师（总分）', '王老师（档次）', '王老师（技术问题）', '王老师（回避）',
        '李老师（总分）', '李老师（档次）', '李老师（技术问题）', '李老师（回避）',
      ],
      ['D001', '赵六', '06-01 09:00', '85', '1/1', '85', '上档', '3：没有声音、画面卡住', '', '', '', '', '亲属关系（主考记录）'],
    ]);
  });

  it('leaves the columns out of a file whose subject has no bands and no sheet with either', () => {
    const text = writeResultsCsv(results, options).toString('utf8').slice(1);
    expect(parseCsv(text)[0]).toEqual(['考号', '姓名', '场次', '综合成绩', '已接收/应评', '王老师（总分）', '李老师（总分）']);
  });
});
