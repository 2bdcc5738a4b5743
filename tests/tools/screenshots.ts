import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../support/chromium';
import { startStack } from '../support/servers';
import { ensureRendererBuilt } from '../../scripts/renderer-build';

/**
 * `npm run screenshots`: the main screens in both languages, into docs/screenshots, for the
 * README. Needs a CJK font for Chinese text (Debian: fonts-noto-cjk).
 */
const out = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
mkdirSync(out, { recursive: true });
await ensureRendererBuilt((line) => process.stdout.write(`${line}\n`));
const stack = await startStack();
const browser = await launchChromium();
try {
  for (const [language, label, password, submit] of [
    ['zh-CN', '用户名', '密码', /登\s*录/],
    ['en', 'User name', 'Password', /Sign in/],
  ] as const) {
    const page = await browser.context.newPage();
    await page.addInitScript((lang) => localStorage.setItem('examiner.language', lang), language);
    await page.goto(stack.host.launchUrl);
    await page.waitForSelector('html[data-examiner-ready="true"]');
    await page.waitForSelector('[data-testid="platform-health"][data-state="online"]');
    await page.screenshot({ path: `${out}sign-in.${language}.png` });
    await page.getByLabel(label).fill('examiner1');
    await page.getByLabel(password).fill('demo1234');
    await page.getByRole('button', { name: submit }).click();
    await page.getByTestId('app-shell').waitFor();
    await page.screenshot({ path: `${out}shell.${language}.png` });
    await page.getByRole('button', { name: language === 'en' ? 'Sign out' : /退出登录/ }).click();
    await page.close();
  }
  process.stdout.write(`Screenshots written to ${out}\n`);
} finally {
  await browser.close();
  await stack.stop();
}
