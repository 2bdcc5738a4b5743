/**
 * Colours for status tags, each dark enough for white text at 4.5:1 (WCAG AA): the library's
 * preset tag colours (gold text on pale gold…) are not. `neutral` is the default grey tag.
 */
export type Tone = 'neutral' | 'info' | 'progress' | 'attention' | 'success' | 'danger' | 'special';

const COLOR: Record<Exclude<Tone, 'neutral'>, string> = {
  info: '#1d4ed8',
  progress: '#0e7490',
  attention: '#92400e',
  success: '#166534',
  danger: '#b91c1c',
  special: '#6b21a8',
};

/** The `color` prop of an antd Tag in this tone. */
export function toneColor(tone: Tone): string | undefined {
  return tone === 'neutral' ? undefined : COLOR[tone];
}
