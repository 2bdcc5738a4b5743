import type { Device, QueueState } from '@common/platform/queue';
import type { Connection, PeerState } from './device';

/** What the candidate reads, in Chinese like the candidate manuals. */
export const QUEUE_STATE_ZH: Record<QueueState, string> = {
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
};

export const CONNECTION_ZH: Record<Connection, string> = {
  connecting: '正在连接考试平台…',
  online: '已连接',
  dropped: '已断开（模拟中断）',
  reconnecting: '连接中断，正在重新连接…',
  replaced: '此设备已在另一处登录，本页面已停止',
  stopped: '已停止',
};

export const PEER_ZH: Record<PeerState, string> = {
  none: '未与考官连线',
  connecting: '正在与考官连线…',
  connected: '已与考官连线',
};

export const DEVICE_ZH: Record<Device, string> = { main: '主机位', side: '辅机位' };
