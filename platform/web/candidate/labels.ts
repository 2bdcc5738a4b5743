import type { Device, QueueState } from '@common/platform/queue';
import type { Connection, PeerState } from './device';

/** The candidate page's languages: Simplified Chinese by default (`?lang=en` for English). */
export type Lang = 'zh' | 'en';

export interface PageLabels {
  readonly queueState: Record<QueueState, string>;
  readonly connection: Record<Connection, string>;
  readonly publish: Record<PeerState, string>;
  readonly device: Record<Device, string>;
  readonly loadingState: string;
  readonly prompts: string;
  readonly quickMessages: string;
  readonly drop: string;
  readonly seconds: string;
  /** Shown while a panel voice carries sound. */
  readonly examinerSpeaking: string;
  readonly realCamera: string;
  /** Switching the camera reloads the page: a short interruption during the interview. */
  readonly realCameraHint: string;
  readonly cameraRefused: (reason: string) => string;
}

/** What the candidate reads, in Chinese like the candidate manuals, or in English. */
export const LABELS: Record<Lang, PageLabels> = {
  zh: {
    queueState: {
      scheduled: '待签到',
      checked_in: '已签到，请进行人脸比对',
      face_verified: '人脸比对通过',
      manual_review: '人脸比对失败，等待人工审核',
      waiting: '候考中，请等待考官叫号',
      called: '考官已叫号，正在进入考场',
      in_room: '考试中',
      interrupted: '考试中断，请在 2 分钟内返回',
      finished: '考试结束',
      absent: '缺考',
      failed: '考试失败',
    },
    connection: {
      connecting: '正在连接考试平台…',
      online: '已连接',
      dropped: '已断开（模拟中断）',
      reconnecting: '连接中断，正在重新连接…',
      replaced: '此设备已在另一处登录，本页面已停止',
      stopped: '已停止',
    },
    publish: { none: '未与考官连线', connecting: '正在与考官连线…', connected: '已与考官连线' },
    device: { main: '主机位', side: '辅机位' },
    loadingState: '正在获取考试状态…',
    prompts: '考官提示',
    quickMessages: '快捷语',
    drop: '模拟断线',
    seconds: '秒',
    examinerSpeaking: '考官正在讲话',
    realCamera: '使用真实摄像头和麦克风',
    realCameraHint: '切换会重新载入本页面',
    cameraRefused: (reason) => `无法使用摄像头和麦克风（${reason}），已改用模拟画面`,
  },
  en: {
    queueState: {
      scheduled: 'Not checked in',
      checked_in: 'Checked in; please verify your face',
      face_verified: 'Face verified',
      manual_review: 'Face verification failed; waiting for a manual review',
      waiting: 'Waiting to be called',
      called: 'Called; entering the exam room',
      in_room: 'In the exam',
      interrupted: 'Interrupted; come back within 2 minutes',
      finished: 'Exam finished',
      absent: 'Absent',
      failed: 'Exam failed',
    },
    connection: {
      connecting: 'Connecting to the exam platform…',
      online: 'Connected',
      dropped: 'Disconnected (simulated interruption)',
      reconnecting: 'Connection lost; reconnecting…',
      replaced: 'This device signed in elsewhere; this page has stopped',
      stopped: 'Stopped',
    },
    publish: { none: 'Not connected to the examiners', connecting: 'Connecting to the examiners…', connected: 'Connected to the examiners' },
    device: { main: 'Main camera', side: 'Side camera' },
    loadingState: 'Getting the exam state…',
    prompts: 'Examiner prompts',
    quickMessages: 'Quick messages',
    drop: 'Simulate a drop',
    seconds: 'seconds',
    examinerSpeaking: 'An examiner is speaking',
    realCamera: 'Use the real camera and microphone',
    realCameraHint: 'switching reloads this page',
    cameraRefused: (reason) => `The camera and microphone cannot be used (${reason}); showing the simulated picture instead`,
  },
};
