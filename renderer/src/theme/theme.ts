import type { ThemeConfig } from 'antd';

/**
 * The component library's defaults put secondary text and placeholders at 45% black, below the
 * 4.5:1 contrast WCAG AA asks of text. Examiners read these screens all day: darker greys
 * (and a darker red).
 */
export const WORKSTATION_THEME: ThemeConfig = {
  token: {
    colorPrimary: '#1f5fbf',
    // Links (the header's "check now" while offline) derive from the info blue, #1677ff: 4.1:1 on white.
    colorLink: '#1f5fbf',
    // Hovered buttons and links take a lighter blue derived from these, #417dcc: 4.2:1 on white.
    colorPrimaryHover: '#2f6fd0',
    colorLinkHover: '#2f6fd0',
    // The default red (#ff4d4f) is 3.3:1 on white: danger buttons and error messages must read.
    colorError: '#c41d1d',
    colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
    colorTextDescription: 'rgba(0, 0, 0, 0.68)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
  },
};
