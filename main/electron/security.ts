import type { Session, WebContents, WebPreferences } from 'electron';
import { isAppUrl } from './app-url';

/** The renderer's web preferences: isolated, sandboxed, no Node, web security on. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

/**
 * Every web contents stays on the app's own pages: no navigation away, no new windows, no
 * webviews; and its WebRTC gathers candidates on the default route's public interface only, so
 * no peer (nor a STUN server) learns the examiner's local or VPN addresses.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.setWebRTCIPHandlingPolicy('default_public_interface_only');
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * Only the app's own pages may capture, and only the microphone (talk-back to the candidate):
 * an examiner's camera is never captured, so a request naming video, or naming nothing, is
 * refused. Evidence recording records the candidate's received feeds, not a local device.
 */
export function installPermissionHandlers(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    const onlyMicrophone = mediaTypes.length > 0 && mediaTypes.every((type) => type === 'audio');
    callback(permission === 'media' && onlyMicrophone && isAppUrl(details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => {
    const mediaType = 'mediaType' in details ? details.mediaType : undefined;
    return permission === 'media' && mediaType !== 'video' && isAppUrl(requestingOrigin);
  });
}
