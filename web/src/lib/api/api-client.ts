import { t } from '$lib/i18n/messages';
import { ApiError, NETWORK_ERROR } from './api-error';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let onUnauthenticated: (() => void) | undefined;

/** Called once when any request finds the session gone, so the console can go to the login. */
export function whenUnauthenticated(listener: () => void): void {
  onUnauthenticated = listener;
}

/**
 * One JSON request to the CRM API on the same origin (the session cookie rides along). Throws
 * ApiError with the server's code and message, or NETWORK when no answer came at all.
 */
export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(NETWORK_ERROR, t.errors.network, 0);
  }

  if (response.status === 204) return undefined as T;

  const payload: unknown = await response.json().catch(() => undefined);
  if (response.ok) return payload as T;

  const error = readError(payload, response.status);
  if (error.code === 'UNAUTHENTICATED') onUnauthenticated?.();
  throw error;
}

function readError(payload: unknown, status: number): ApiError {
  const body = (payload as { error?: { code?: unknown; message?: unknown; details?: unknown } })
    ?.error;
  const code = typeof body?.code === 'string' ? body.code : `HTTP_${status}`;
  const message = typeof body?.message === 'string' ? body.message : t.errors.unexpected;

  return new ApiError(code, message, status, body?.details);
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
};

/** A query string from the defined values only. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();

  return text ? `?${text}` : '';
}
