import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../platform/server';
import { launchChromium, type Chromium } from '../support/chromium';
import { startStack, type Stack } from '../support/servers';

let stack: Stack;
let browser: Chromium;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Opens the launch URL as a user would and waits for the app's readiness signal. */
async function openWorkstation(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(stack.host.newLaunchUrl());
  await page.waitForSelector('html[data-examiner-ready="true"]');
  return page;
}

async function signIn(page: Page, password: string): Promise<void> {
  await page.getByLabel('用户名').fill('examiner1');
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
}

describe('the workstation in Chromium, against the reference platform', () => {
  it('signs in, shows the shell in Chinese, switches to English and signs out', async () => {
    const page = await openWorkstation();
    // The launch code was traded for a session cookie and is gone from the address bar.
    expect(page.url()).toBe(`${stack.host.origin}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    // The page has no Node and no Electron: only the contract.
    expect(await page.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual([
      'undefined',
      'undefined',
    ]);
    await page.waitForSelector('[data-testid="platform-health"][data-state="online"]');

    await signIn(page, 'wrong-password');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('invalid_credentials');
    expect(await error.textContent()).toContain('用户名或密码错误');

    await signIn(page, 'demo1234');
    await page.getByTestId('app-shell').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('当前评委：王老师');

    await page.getByTestId('language-switch').click();
    await page.getByTitle('English').click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('Signed in as 王老师');

    // The choice of language survives a reload; the session lives in main, so it does too.
    await page.reload();
    await page.waitForSelector('html[data-examiner-ready="true"]');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.close();
  });

  it('shows nothing of the workstation to a browser without the secret', async () => {
    const page = await browser.context.browser()?.newPage();
    // A persistent context has no separate browser: use a fresh page with cookies cleared instead.
    const fresh = page ?? (await browser.context.newPage());
    await browser.context.clearCookies();
    const response = await fresh.goto(`${stack.host.origin}/`);
    expect(response?.status()).toBe(401);
    expect(await fresh.locator('#root').count()).toBe(0);
    await fresh.close();
  });

  it('shows the platform going offline and coming back, without a reload', async () => {
    const page = await openWorkstation();
    const badge = '[data-testid="platform-health"]';
    await page.waitForSelector(`${badge}[data-state="online"]`);
    const port = stack.platform?.port ?? 0;
    await stack.platform?.close();
    await page.waitForSelector(`${badge}[data-state="offline"]`);
    expect(await page.locator(badge).textContent()).toMatch(/平台离线|Platform offline/);

    const again = await startPlatform({ port });
    try {
      await page.waitForSelector(`${badge}[data-state="online"]`);
    } finally {
      await again.close();
    }
    await page.close();
  });
});
