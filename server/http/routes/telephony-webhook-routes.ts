import express, { Router } from 'express';
import type { Request } from 'express';
import type { TelephonyProvider, WebhookRequest } from '../../../telephony/provider';
import { AppError } from '../../errors/app-error';

/**
 * /telephony/:provider/…: the running provider's webhooks (Twilio's voice, status and recording
 * callbacks). They sit outside /api and its session because they authenticate themselves: the
 * provider checks the signature. The request goes to the provider as it came, form fields and
 * all, and the provider's answer (TwiML, a 403) goes back unchanged.
 */
export function telephonyWebhookRoutes(provider: TelephonyProvider): Router {
  const router = Router({ mergeParams: true });
  router.use(express.urlencoded({ extended: false, limit: '100kb' }));

  router.post('/{*path}', async (req: Request<{ provider: string }>, res) => {
    if (req.params.provider !== provider.name || !provider.webhook) {
      throw new AppError('NOT_FOUND', { message: 'This telephony provider takes no webhooks.' });
    }

    const answer = await provider.webhook(webhookRequestOf(req));
    res.status(answer.status).type(answer.contentType).send(answer.body);
  });

  return router;
}

function webhookRequestOf(req: Request): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }

  // Twilio sends each field once; a repeated one cannot be what it signed, and fails the check.
  const params: Record<string, string> = {};
  const body: unknown = req.body;
  if (typeof body === 'object' && body !== null) {
    for (const [name, value] of Object.entries(body)) {
      if (typeof value === 'string') params[name] = value;
    }
  }

  return { path: req.path, originalUrl: req.originalUrl, headers, params };
}
