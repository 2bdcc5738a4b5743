import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ContractFailure, type AppInfo } from '@common/contract';
import { LoginScreen } from '../../renderer/src/app/LoginScreen';
import { fakeExaminer } from './fake-examiner';
import { renderInApp } from './render';

const info: AppInfo = { name: 'Examiner Workstation', version: '0.1.0', host: 'browser', platformOrigin: 'http://127.0.0.1:4100', demo: false };

async function signIn(password: string): Promise<void> {
  const user = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
  await user.type(screen.getByLabelText('用户名'), 'examiner1');
  await user.type(screen.getByLabelText('密码'), password);
  await user.click(screen.getByRole('button', { name: /登\s*录/ }));
}

afterEach(async () => {
  vi.useRealTimers();
  await i18next.changeLanguage('zh-CN');
});

describe('the sign-in screen', () => {
  it('says how long the platform makes sign-in wait after too many attempts, counts down, and lets the examiner try again after', async () => {
    // Only the clock the countdown reads is faked; the form's own timers run as usual.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    fakeExaminer.handle('session.login', () => {
      throw new ContractFailure('rate_limited', 'POST /auth/login: refused for now (too_many_attempts: …)', { retryAfterSeconds: 30 });
    });
    renderInApp(<LoginScreen info={info} health={undefined} />);
    await signIn('guess');

    const alert = await screen.findByTestId('login-error');
    expect(alert.getAttribute('data-code')).toBe('rate_limited');
    expect(alert.textContent).toBe('尝试次数过多，请在 30 秒后重试。');
    const submit = screen.getByRole('button', { name: /登\s*录/ });
    expect(submit).toHaveProperty('disabled', true);

    await act(() => i18next.changeLanguage('en'));
    expect(screen.getByTestId('login-error').textContent).toBe('Too many attempts. Try again in 30 s.');

    act(() => vi.advanceTimersByTime(10_000));
    expect(screen.getByTestId('login-error').textContent).toBe('Too many attempts. Try again in 20 s.');

    act(() => vi.advanceTimersByTime(20_000));
    await waitFor(() => expect(screen.queryByTestId('login-error')).toBeNull());
    expect(screen.getByRole('button', { name: /Sign\s*in/ })).toHaveProperty('disabled', false);
  });

  it('shows a wrong password as before, with nothing to wait for', async () => {
    fakeExaminer.handle('session.login', () => {
      throw new ContractFailure('invalid_credentials', 'POST /auth/login: invalid_credentials');
    });
    renderInApp(<LoginScreen info={info} health={undefined} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('用户名'), 'examiner1');
    await user.type(screen.getByLabelText('密码'), 'nope');
    await user.click(screen.getByRole('button', { name: /登\s*录/ }));
    const alert = await screen.findByTestId('login-error');
    expect(alert.textContent).toBe('用户名或密码错误。');
    expect(screen.getByRole('button', { name: /登\s*录/ })).toHaveProperty('disabled', false);
  });
});
