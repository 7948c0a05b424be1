import { api } from '$lib/api/api-client';
import { ApiError } from '$lib/api/api-error';
import type { Me } from '$lib/api/types';

/** Who is signed in. The session itself is the httpOnly cookie; this is only its face. */
class Session {
  user = $state<Me | null>(null);

  /** The signed-in user, or null when the cookie is missing or expired. */
  async load(): Promise<Me | null> {
    try {
      this.user = await api.get<Me>('/api/me');
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'UNAUTHENTICATED') throw error;
      this.user = null;
    }
    return this.user;
  }

  async login(email: string, password: string): Promise<Me> {
    const { user } = await api.post<{ user: Me }>('/api/auth/login', { email, password });
    this.user = user;
    return user;
  }

  async logout(): Promise<void> {
    try {
      await api.post('/api/auth/logout');
    } finally {
      this.user = null;
    }
  }
}

export const session = new Session();
