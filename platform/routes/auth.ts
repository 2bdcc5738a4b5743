import type { FastifyInstance } from 'fastify';
import { LoginRequest, type LoginResponse } from '@common/platform/wire';
import { HttpError, parseBody, requireExaminer } from '../http';
import type { Accounts } from '../state/accounts';
import type { LoginThrottle } from '../state/login-throttle';

export function authRoutes(app: FastifyInstance, accounts: Accounts, throttle: LoginThrottle): void {
  app.post('/auth/login', async (request, reply): Promise<LoginResponse> => {
    const body = parseBody(LoginRequest, request.body);
    // Before the password is looked at: a waiting attempt costs no scrypt and learns nothing.
    const waitMs = throttle.waitFor(body.username, request.ip);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      reply.header('retry-after', String(seconds));
      throw new HttpError(429, 'too_many_attempts', `too many failed sign-ins: try again in ${seconds} s`);
    }
    const result = accounts.login(body.username, body.password);
    if (!result) {
      throttle.failed(body.username, request.ip);
      throw new HttpError(401, 'invalid_credentials', 'wrong user name or password');
    }
    throttle.succeeded(body.username);
    return { token: result.token, expiresAt: result.expiresAt.toISOString(), examiner: result.examiner };
  });

  app.get('/me', async (request) => requireExaminer(request, accounts));
}
