import { Router } from 'express';
import { z } from 'zod';
import type { AuthService } from '../../auth/auth-service';
import { SESSION_COOKIE } from '../../auth/session-token';
import { sessionTokenOf } from '../middleware';
import { parse } from '../validate';

const loginBody = z
  .object({ email: z.string().trim().email().max(320), password: z.string().min(1).max(1000) })
  .strict();

/** /api/auth: login sets the httpOnly session cookie; logout ends the session. */
export function authRoutes(auth: AuthService, options: { secureCookie: boolean }): Router {
  const router = Router();

  router.post('/login', async (req, res) => {
    const { email, password } = parse(loginBody, req.body);
    const result = await auth.login(email, password, {
      ip: req.ip ?? 'unknown',
      userAgent: req.get('user-agent'),
    });

    res.cookie(SESSION_COOKIE, result.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookie,
      path: '/',
      expires: result.expiresAt,
    });
    res.json({ user: result.user });
  });

  router.post('/logout', async (req, res) => {
    await auth.logout(sessionTokenOf(req.headers.cookie));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  return router;
}
