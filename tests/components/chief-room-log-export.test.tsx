import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { ContractFailure } from '@common/contract';
import type { RoomLogLine } from '@common/platform/room';
import { ChiefSlotDesk } from '../../renderer/src/chief/ChiefDesk';
import { ExportButtons } from '../../renderer/src/chief/ExportButtons';
import { RaterQualityPanel } from '../../renderer/src/chief/RaterQualityPanel';
import { ExamTimeZone } from '../../renderer/src/format/ExamTimeZone';
import { CHIEF_EXAM, fresh, matrix, SLOT, SLOT_ID } from './chief-fixtures';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';

const slot = SLOT;

const LINES: RoomLogLine[] = [
  { at: '2026-05-01T02:00:05.000Z', action: 'device_connect', actor: null, detail: { device: 'main' } },
  { at: '2026-05-01T02:00:30.000Z', action: 'face_check', actor: null, detail: { matched: false, attempt: 1 } },
  { at: '2026-05-01T02:01:00.000Z', action: 'call', actor: '刘主任', detail: { next: true } },
  { at: '2026-05-01T02:04:00.000Z', action: 'device_drop', actor: null, detail: { device: 'side' } },
  { at: '2026-05-01T02:05:00.000Z', action: 'extend', actor: '刘主任', detail: { minutes: 2, extraSeconds: 120 } },
  { at: '2026-05-01T02:09:00.000Z', action: 'readmit', actor: '刘主任', detail: { reason: '网络故障，考务同意', failureReason: 'interruption_timeout' } },
  { at: '2026-05-01T02:12:00.000Z', action: 'submit', actor: '王老师', detail: {} },
];

function serve() {
  fakeExaminer.handle('chief.getMatrix', () => ({ matrix: matrix(), freshness: fresh }));
  fakeExaminer.handle('chief.getRoomLog', () => ({
    slotId: SLOT_ID,
    entries: [
      { entryId: 'e2', candidateCode: 'AB22', lines: LINES },
      { entryId: 'e1', candidateCode: 'AA11', lines: [] },
    ],
  }));
}

async function openOn(code: string) {
  serve();
  const user = userEvent.setup();
  renderInApp(
    <ExamTimeZone timeZone="Asia/Shanghai">
      <ChiefSlotDesk exam={CHIEF_EXAM} slot={slot} />
    </ExamTimeZone>,
  );
  const cell = await waitFor(() => {
    const found = screen.getByTestId('matrix-table').querySelector(`[data-testid="matrix-cell"][data-code="${code}"]`);
    expect(found).toBeTruthy();
    return found as HTMLElement;
  });
  await user.click(cell);
  return user;
}

const lineTexts = () => screen.getAllByTestId('room-log-line').map((line) => line.textContent);

describe("the exam-room log beside the matrix", () => {
  it("shows the selected candidate's log, each action and its details in Chinese, the exam's time zone", async () => {
    await openOn('AB22');
    const log = screen.getByTestId('room-log');
    await waitFor(() => expect(within(log).getAllByTestId('room-log-line')).toHaveLength(7));
    expect(within(log).getByText('考场记录 · 考号 AB22')).toBeTruthy();
    expect(lineTexts()).toEqual([
      '10:00:05设备连接平台设备: 主机位',
      '10:00:30人脸比对平台比对通过: 否；第几次: 1',
      '10:01:00叫号刘主任叫下一位: 是',
      '10:04:00设备断开平台设备: 辅机位',
      '10:05:00延长时间刘主任延长分钟: 2；累计延长秒数: 120',
      '10:09:00允许重新进入刘主任原因: 网络故障，考务同意；失败原因: 中断超过 2 分钟未返回',
      '10:12:00提交评分王老师',
    ]);
  });

  it('says when a candidate has nothing logged', async () => {
    await openOn('AA11');
    expect(await screen.findByText('该考生暂无考场记录')).toBeTruthy();
  });

  it('reads in English', async () => {
    await i18next.changeLanguage('en');
    try {
      await openOn('AB22');
      await waitFor(() => expect(screen.getAllByTestId('room-log-line')).toHaveLength(7));
      expect(lineTexts()[0]).toBe('10:00:05Device connectedPlatformdevice: main camera');
      expect(lineTexts()[4]).toBe('10:05:00Time extended刘主任minutes added: 2; extra seconds in all: 120');
      expect(lineTexts()[5]).toContain('failure: Not back within 2 minutes');
    } finally {
      await i18next.changeLanguage('zh-CN');
    }
  });
});

describe('the results export', () => {
  it('refuses an empty slot with its message and offers no file', async () => {
    fakeExaminer.handle('chief.export', () => {
      throw new ContractFailure('export_empty', 'nothing accepted');
    });
    const user = userEvent.setup();
    renderInApp(<ExportButtons examId={CHIEF_EXAM.id} slotId={SLOT_ID} subjectId="vocal" />);
    await user.click(screen.getByTestId('export-slotXlsx'));
    expect((await screen.findByTestId('export-error')).textContent).toBe('该范围内还没有任何已接收的成绩，未生成文件。');
    expect(screen.queryByTestId('export-save')).toBeNull();
    expect(fakeExaminer.callsOf('chief.export')).toEqual([{ scope: { kind: 'slot', slotId: SLOT_ID }, format: 'xlsx' }]);
  });

  it('writes the subject as CSV and saves it from /media with its name', async () => {
    fakeExaminer.handle('chief.export', () => ({ mediaId: 'res 1', fileName: '声乐_成绩.csv', bytes: 2048, candidates: 40 }));
    const user = userEvent.setup();
    renderInApp(<ExportButtons examId={CHIEF_EXAM.id} slotId={SLOT_ID} subjectId="vocal" />);
    await user.click(screen.getByTestId('export-subjectCsv'));
    const link = await screen.findByTestId('export-save');
    expect(link.getAttribute('href')).toBe('/media/res%201');
    expect(link.getAttribute('download')).toBe('声乐_成绩.csv');
    expect(screen.getByTestId('export-ready').textContent).toContain('已生成 声乐_成绩.csv（40 名考生）');
    expect(fakeExaminer.callsOf('chief.export')).toEqual([{ scope: { kind: 'subject', examId: CHIEF_EXAM.id, subjectId: 'vocal' }, format: 'csv' }]);
  });
});

describe('rater quality', () => {
  it('says the figures never change a score, and shows each member’s figures', () => {
    const { rows, ...rest } = matrix();
    const { signedOff: _signedOff, ...header } = rest;
    renderInApp(<RaterQualityPanel header={header} rows={rows} charts={false} />);
    expect(screen.getByTestId('rater-quality-note').textContent).toContain('不会改变任何成绩');
    // 王老师: AA11 84 vs the others' mean 80 (+4), AB22 90 vs (70+62)/2 = 66 (+24): +14 on average, lenient.
    const wang = screen.getByText('王老师').closest('tr') as HTMLElement;
    expect(within(wang).getByTestId('quality-difference').textContent).toBe('+14.0 (偏宽)');
    // 赵老师: AB22 62 vs (70+90)/2 = 80: −18, severe.
    const zhao = screen.getByText('赵老师').closest('tr') as HTMLElement;
    expect(within(zhao).getByTestId('quality-difference').textContent).toBe('-18.0 (偏严)');
  });
});
