import type { Page } from 'playwright-core';

/**
 * Answers the submit confirmation with Enter, as an examiner does: once the dialog shows and its
 * OK button has the focus. An Enter pressed before that is deliberately not a "yes" (a double
 * Enter must not submit past the confirmation), so pressing it earlier would be lost.
 * Returns the dialog's text.
 */
export async function confirmWithEnter(page: Page): Promise<string> {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const text = (await dialog.textContent()) ?? '';
  await page.waitForFunction(() => {
    const focused = document.activeElement;
    return focused instanceof HTMLButtonElement && focused.closest('[role="dialog"]') !== null && focused.classList.contains('ant-btn-primary');
  });
  await page.keyboard.press('Enter');
  return text;
}
