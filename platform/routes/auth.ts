import type { FastifyInstance } from 'fastify';
import { LoginRequest, type LoginResponse } from '@common/platform/wire';
import { HttpError, parseBody, requireExaminer } from '../http';
import type { Accounts } from '../state/accounts';

export function authRoutes(app: FastifyInstance, accounts: Accounts): void {
  app.post('/auth/login', async (request): Promise<LoginResponse> => {
    const body = parseBody(LoginRequest, request.body);
    const result = accounts.login(body.username, body.password);
    if (!result) throw new HttpError(401, 'invalid_credentials', 'wrong user name or password');
    return { token: result.token, expiresAt: result.expiresAt.toISOString(), examiner: result.examiner };
  });

  app.get('/me', async (request) => requireExaminer(request, accounts));
}
