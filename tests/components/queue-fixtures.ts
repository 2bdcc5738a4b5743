import type { Exam, QueueEntry, Subject } from '@common/platform';
import { DEMO_SUBJECTS } from '../../platform/demo/exam';
import { queueEntry as entry } from '../support/queue-entries';

const vocal = DEMO_SUBJECTS.find((subject) => subject.id === 'vocal') as Subject;

const hour = 3_600_000;
const at = (hours: number) => new Date(Date.now() + hours * hour).toISOString();

/** An exam with two live slots of two subjects, for the queue view: the vocal one running now. */
export const QUEUE_EXAM: Exam = {
  id: 'exam-test',
  name: { zh: '测试考试', en: 'Test exam' },
  timeZone: 'Asia/Shanghai',
  startsOn: '2026-05-01',
  test: false,
  subjects: [vocal, { ...vocal, id: 'dance', name: { zh: '舞蹈', en: 'Dance' } }],
  slots: [
    { id: 'slot-vocal', subjectId: 'vocal', kind: 'live', startsAt: at(-1), endsAt: at(7), panelId: 'p1' },
    { id: 'slot-dance', subjectId: 'dance', kind: 'live', startsAt: at(1), endsAt: at(9), panelId: 'p1' },
  ],
  panels: [{ id: 'p1', name: { zh: '评委组', en: 'Panel' }, size: 3, lead: null }],
  combineRule: { kind: 'mean' },
  deviationThreshold: 10,
};

export { entry };

/** Given out of appointment order on purpose. */
export const VOCAL_ENTRIES: readonly QueueEntry[] = [
  entry('e3', 'slot-vocal', 'CC33-WAIT', 20, 'waiting', { checkedInAt: '2026-05-01T01:10:00.000Z', devices: { main: true, side: true } }),
  entry('e1', 'slot-vocal', 'AA11-DONE', 0, 'finished'),
  entry('e2', 'slot-vocal', 'AB22-ROOM', 10, 'in_room', { devices: { main: true, side: false } }),
  entry('e4', 'slot-vocal', 'DD44-SCHD', 30, 'scheduled'),
  entry('e5', 'slot-vocal', 'EE55-WAIT', 40, 'waiting', { checkedInAt: '2026-05-01T01:30:00.000Z' }),
];

export const DANCE_ENTRIES: readonly QueueEntry[] = [
  entry('d1', 'slot-dance', 'FA66-WAIT', 5, 'waiting', { checkedInAt: '2026-05-01T01:00:00.000Z' }),
  entry('d2', 'slot-dance', 'GB77-ABST', 15, 'absent'),
];
