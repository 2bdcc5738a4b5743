import type { Subject } from '@common/platform/exams';
import type { ExamDefinition } from '../state/catalog';

export const DEMO_EXAM_ID = 'exam-2026-art';
export const DEMO_LIVE_SLOT_ID = 'slot-vocal-live';
export const DEMO_RECORDED_SLOT_IDS = ['slot-instrumental-rec', 'slot-acting-rec'] as const;
/** The band-first recorded subject that requires calibration (试评) on the chief's anchors (样卷). */
export const DEMO_DANCE_SUBJECT_ID = 'dance';
export const DEMO_DANCE_SLOT_ID = 'slot-dance-rec';
export const DEMO_DANCE_PANEL_ID = 'panel-dance';
export const DEMO_DANCE_PANEL: readonly string[] = ['gr-01', 'ex-02', 'ch-01'];
/** The chief who set the demo's anchors, and their labels. */
export const DEMO_ANCHOR_CHIEF_ID = 'ch-01';
export const DEMO_ANCHOR_LABELS = ['A1', 'A2'] as const;

const half = (id: string, zh: string, en: string, max: number) => ({ id, label: { zh, en }, max, step: 0.5, required: true });
const whole = (id: string, zh: string, en: string, max: number) => ({ id, label: { zh, en }, max, step: 1, required: true });

export const DEMO_SUBJECTS: readonly Subject[] = [
  {
    id: 'vocal',
    name: { zh: '声乐', en: 'Vocal performance' },
    kind: 'live',
    answerSeconds: 8 * 60,
    rubric: {
      id: 'rubric-vocal',
      version: 1,
      criteria: [
        half('pitch', '音准', 'Pitch accuracy', 30),
        half('rhythm', '节奏', 'Rhythm', 20),
        half('tone', '音色', 'Tone quality', 20),
        half('expression', '表现力', 'Expression', 20),
        half('stage', '台风', 'Stage presence', 10),
      ],
    },
    prompts: [
      { zh: '请开始演唱第一首曲目', en: 'Please begin your first piece' },
      { zh: '请演唱第二首曲目', en: 'Please sing your second piece' },
      { zh: '请调整机位，露出全身', en: 'Please adjust the camera to show your whole body' },
      { zh: '请把辅机位对准你的侧面', en: 'Please point the side camera at your profile' },
      { zh: '声音太小，请靠近手机', en: 'You are too quiet; please move closer to the phone' },
      { zh: '考试结束，谢谢', en: 'The exam is over, thank you' },
    ],
    calibrationRequired: false,
    reviewMode: 'open',
  },
  {
    id: 'instrumental',
    name: { zh: '器乐', en: 'Instrumental performance' },
    kind: 'recorded',
    answerSeconds: 10 * 60,
    rubric: {
      id: 'rubric-instrumental',
      version: 1,
      criteria: [
        half('technique', '演奏技术', 'Technique', 40),
        half('musicality', '音乐表现', 'Musicality', 30),
        half('completeness', '完整性', 'Completeness', 20),
        half('stage', '台风', 'Stage presence', 10),
      ],
    },
    prompts: [],
    calibrationRequired: false,
    reviewMode: 'open',
  },
  {
    id: 'acting',
    name: { zh: '表演', en: 'Acting' },
    kind: 'recorded',
    answerSeconds: 6 * 60,
    rubric: {
      id: 'rubric-acting',
      version: 1,
      criteria: [
        whole('lines', '台词', 'Lines', 30),
        whole('movement', '形体', 'Movement', 25),
        whole('performance', '表演', 'Performance', 35),
        { id: 'overall', label: { zh: '综合素质', en: 'Overall impression' }, max: 10, step: 1, required: false },
      ],
    },
    prompts: [],
    calibrationRequired: false,
    reviewMode: 'open',
  },
  {
    id: DEMO_DANCE_SUBJECT_ID,
    name: { zh: '舞蹈', en: 'Dance' },
    kind: 'recorded',
    answerSeconds: 5 * 60,
    rubric: {
      id: 'rubric-dance',
      version: 1,
      criteria: [
        whole('technique', '技术技巧', 'Technique', 40),
        whole('expression', '表现力', 'Expression', 30),
        whole('rhythm', '节奏', 'Rhythm', 20),
        whole('appearance', '形象气质', 'Appearance', 10),
      ],
      bands: [
        { id: 'upper', label: { zh: '上档', en: 'Upper band' }, total: { min: 80, max: 100 }, criteria: { technique: { min: 32, max: 40 } } },
        { id: 'middle', label: { zh: '中档', en: 'Middle band' }, total: { min: 60, max: 79 }, criteria: { technique: { min: 24, max: 31 } } },
        { id: 'lower', label: { zh: '下档', en: 'Lower band' }, total: { min: 0, max: 59 }, criteria: { technique: { min: 0, max: 23 } } },
      ],
    },
    prompts: [],
    calibrationRequired: true,
    reviewMode: 'open',
  },
];

/**
 * The demo exam, with today's live slot around `now` and yesterday's recorded slots (the dance
 * slot's rubric band-first, with calibration required); `extraVocal`
 * adds members to the vocal panel (benchmarks).
 */
export function demoExam(now: Date, extraVocal: readonly string[] = []): ExamDefinition {
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
  return {
    id: DEMO_EXAM_ID,
    name: { zh: '2026年艺术类专业校考', en: '2026 Art School Admission Exam' },
    timeZone: 'Asia/Shanghai',
    startsOn: day,
    subjects: [...DEMO_SUBJECTS],
    slots: [
      { id: DEMO_LIVE_SLOT_ID, subjectId: 'vocal', kind: 'live', startsAt: at(-30), endsAt: at(6 * 60), panelId: 'panel-vocal' },
      { id: DEMO_RECORDED_SLOT_IDS[0], subjectId: 'instrumental', kind: 'recorded', startsAt: at(-26 * 60), endsAt: at(-22 * 60), panelId: 'panel-recorded' },
      { id: DEMO_RECORDED_SLOT_IDS[1], subjectId: 'acting', kind: 'recorded', startsAt: at(-25 * 60), endsAt: at(-21 * 60), panelId: 'panel-recorded' },
      { id: DEMO_DANCE_SLOT_ID, subjectId: DEMO_DANCE_SUBJECT_ID, kind: 'recorded', startsAt: at(-24 * 60), endsAt: at(-20 * 60), panelId: DEMO_DANCE_PANEL_ID },
    ],
    panels: [
      { id: 'panel-vocal', name: { zh: '声乐评委组', en: 'Vocal panel' }, examinerIds: ['ex-01', 'ex-02', 'ex-03', 'ch-01', ...extraVocal] },
      { id: 'panel-recorded', name: { zh: '阅卷组', en: 'Grading panel' }, examinerIds: ['ex-01', 'ex-02', 'gr-01'] },
      { id: DEMO_DANCE_PANEL_ID, name: { zh: '舞蹈评委组', en: 'Dance panel' }, examinerIds: [...DEMO_DANCE_PANEL] },
    ],
    combineRule: { kind: 'trimmed_mean', drop: 1 },
    deviationThreshold: 10,
    test: false,
  };
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = ['子涵', '欣怡', '梓轩', '雨桐', '浩宇', '思彤', '一诺', '子墨', '诗涵', '宇航', '嘉怡', '俊杰', '雨萱', '皓轩', '佳琪', '明轩', '可馨', '博文', '语嫣', '天佑'];

/** A candidate's real name and ID number: kept by the platform, never shown to examiners. */
export function demoCandidate(index: number): { name: string; idNumber: string } {
  const surname = SURNAMES[index % SURNAMES.length] ?? '王';
  const given = GIVEN[(index * 7) % GIVEN.length] ?? '子涵';
  const serial = String(100000 + index * 37).slice(-4);
  return { name: `${surname}${given}`, idNumber: `11010820080${String(index % 10)}01${serial}` };
}
