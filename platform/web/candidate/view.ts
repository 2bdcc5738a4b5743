import { QUICK_MESSAGES, type QuickMessageId } from '@common/platform/realtime';
import type { PageDevice } from './device';
import { LABELS, type PageLabels } from './labels';
import type { PageSettings } from './settings';
import type { CameraSource } from './source';
import type { VoicePlayer } from './voices';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, testId?: string): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  if (testId) node.setAttribute('data-testid', testId);
  return node;
}

/** How often the "examiner speaking" indicator looks at the voices' energy. */
const SPEAKING_POLL_MS = 200;

/** The switch between the simulated picture and the real camera: it reloads the page with `camera=` set. */
function cameraToggle(settings: PageSettings, labels: PageLabels): HTMLElement {
  const box = element('input', { type: 'checkbox', checked: settings.camera === 'real' }, 'real-camera');
  box.addEventListener('change', () => {
    const url = new URL(window.location.href);
    url.searchParams.set('camera', box.checked ? 'real' : 'canvas');
    window.location.replace(url.toString());
  });
  const label = element('label', { className: 'camera-toggle', title: labels.realCameraHint });
  label.append(box, ` ${labels.realCamera}`);
  return label;
}

/** The page around the camera preview: state, the panel's voices, prompts, quick messages and the drop button. */
export function renderDevicePage(root: HTMLElement, source: CameraSource, settings: PageSettings, device: PageDevice, voices: VoicePlayer, voiceBox: HTMLElement): void {
  const labels = LABELS[settings.lang];
  const title = element('h1', { textContent: `${labels.device[settings.device]} · ${settings.label}` });
  const state = element('p', { className: 'state' }, 'queue-state');
  const connection = element('p', {}, 'connection');
  const publish = element('p', {}, 'peer');
  const speaking = element('p', { className: 'speaking', textContent: labels.examinerSpeaking, hidden: true }, 'examiner-speaking');
  const cameraProblem = element('p', { className: 'problem', textContent: source.refused ? labels.cameraRefused(source.refused) : '' }, 'camera-problem');
  const problem = element('p', { className: 'problem' }, 'problem');
  const prompts = element('ol', { className: 'prompts' }, 'prompts');

  const quick = element('div', { className: 'quick-messages' });
  for (const [id, text] of Object.entries(QUICK_MESSAGES) as [QuickMessageId, (typeof QUICK_MESSAGES)[QuickMessageId]][]) {
    const button = element('button', { type: 'button', textContent: text[settings.lang] }, `quick-${id}`);
    button.addEventListener('click', () => device.quickMessage(id));
    quick.append(button);
  }

  const seconds = element('input', { type: 'number', min: '0', max: '600', value: '5', title: labels.seconds }, 'drop-seconds');
  const drop = element('button', { type: 'button', textContent: labels.drop }, 'drop');
  drop.addEventListener('click', () => void device.drop(Number(seconds.value)));
  const dropRow = element('div', { className: 'drop' });
  dropRow.append(seconds, drop);

  const side = element('section');
  side.append(
    title,
    state,
    connection,
    publish,
    speaking,
    cameraToggle(settings, labels),
    cameraProblem,
    problem,
    element('h2', { textContent: labels.prompts }),
    prompts,
    element('h2', { textContent: labels.quickMessages }),
    quick,
    dropRow,
    voiceBox,
  );
  root.replaceChildren(source.preview, side);

  const render = () => {
    const snapshot = device.snapshot;
    const queueState = snapshot.entry?.state ?? null;
    state.textContent = queueState ? labels.queueState[queueState] : labels.loadingState;
    state.dataset.state = queueState ?? '';
    connection.textContent = labels.connection[snapshot.connection];
    connection.dataset.state = snapshot.connection;
    publish.textContent = labels.publish[snapshot.publish];
    publish.dataset.state = snapshot.publish;
    problem.textContent = snapshot.problem ?? '';
    prompts.replaceChildren(...snapshot.prompts.map((prompt) => element('li', { textContent: prompt.text })));
  };
  device.subscribe(render);
  render();
  // The indicator follows the sound, not the peers: a voice peer may be open while nobody talks.
  setInterval(() => {
    const now = voices.count() > 0 && voices.speaking();
    speaking.hidden = !now;
    speaking.dataset.state = now ? 'speaking' : 'silent';
  }, SPEAKING_POLL_MS);
}

/** For a page whose URL is wrong: say so, in the candidate's language. */
export function renderProblem(root: HTMLElement, problem: string): void {
  root.replaceChildren(element('p', { className: 'problem', textContent: problem }, 'problem'));
}
