import { QUICK_MESSAGES, type QuickMessageId } from '@common/platform/realtime';
import type { CandidateDevice } from './device';
import { CONNECTION_ZH, DEVICE_ZH, PEER_ZH, QUEUE_STATE_ZH } from './labels';
import type { PageSettings } from './settings';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, testId?: string): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  if (testId) node.setAttribute('data-testid', testId);
  return node;
}

/** The page around the camera preview: state, prompts, quick messages and the drop button. */
export function renderDevicePage(root: HTMLElement, canvas: HTMLCanvasElement, settings: PageSettings, device: CandidateDevice): void {
  const title = element('h1', { textContent: `${DEVICE_ZH[settings.device]} · ${settings.label}` });
  const state = element('p', { className: 'state' }, 'queue-state');
  const connection = element('p', {}, 'connection');
  const peer = element('p', {}, 'peer');
  const problem = element('p', { className: 'problem' }, 'problem');
  const prompts = element('ol', { className: 'prompts' }, 'prompts');

  const quick = element('div', { className: 'quick-messages' });
  for (const [id, text] of Object.entries(QUICK_MESSAGES) as [QuickMessageId, (typeof QUICK_MESSAGES)[QuickMessageId]][]) {
    const button = element('button', { type: 'button', textContent: text.zh }, `quick-${id}`);
    button.addEventListener('click', () => device.quickMessage(id));
    quick.append(button);
  }

  const seconds = element('input', { type: 'number', min: '0', max: '600', value: '5', title: '秒' }, 'drop-seconds');
  const drop = element('button', { type: 'button', textContent: '模拟断线' }, 'drop');
  drop.addEventListener('click', () => void device.drop(Number(seconds.value)));
  const dropRow = element('div', { className: 'drop' });
  dropRow.append(seconds, drop);

  const side = element('section');
  side.append(
    title,
    state,
    connection,
    peer,
    problem,
    element('h2', { textContent: '考官提示' }),
    prompts,
    element('h2', { textContent: '快捷语' }),
    quick,
    dropRow,
  );
  root.replaceChildren(canvas, side);

  const render = () => {
    const snapshot = device.snapshot;
    const queueState = snapshot.entry?.state ?? null;
    state.textContent = queueState ? QUEUE_STATE_ZH[queueState] : '正在获取考试状态…';
    state.dataset.state = queueState ?? '';
    connection.textContent = CONNECTION_ZH[snapshot.connection];
    connection.dataset.state = snapshot.connection;
    peer.textContent = PEER_ZH[snapshot.peer];
    peer.dataset.state = snapshot.peer;
    problem.textContent = snapshot.problem ?? '';
    prompts.replaceChildren(...snapshot.prompts.map((prompt) => element('li', { textContent: prompt.text })));
  };
  device.subscribe(render);
  render();
}

/** For a page whose URL is wrong: say so, in the candidate's language. */
export function renderProblem(root: HTMLElement, problem: string): void {
  root.replaceChildren(element('p', { className: 'problem', textContent: problem }, 'problem'));
}
