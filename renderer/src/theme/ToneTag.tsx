import { Tag, type TagProps } from 'antd';
import { toneColor, type Tone } from './tones';

/** A tag in one of the workstation's readable tones. */
export function ToneTag({ tone, style, ...props }: Omit<TagProps, 'color'> & { tone: Tone }) {
  const color = toneColor(tone);
  return <Tag {...props} {...(color !== undefined && { color })} style={{ marginInlineEnd: 0, ...style }} />;
}
