export type NoticeKind = 'info' | 'success' | 'warning' | 'error';

export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

const AUTO_DISMISS_MS = 6000;

/** Short messages in the corner. Warnings and errors stay until dismissed; the rest fade. */
class Notices {
  list = $state<Notice[]>([]);
  private nextId = 1;

  show(kind: NoticeKind, text: string): void {
    const notice = { id: this.nextId++, kind, text };
    this.list = [...this.list.filter((item) => item.text !== text), notice];
    if (kind === 'info' || kind === 'success') {
      setTimeout(() => this.dismiss(notice.id), AUTO_DISMISS_MS);
    }
  }

  dismiss(id: number): void {
    this.list = this.list.filter((notice) => notice.id !== id);
  }
}

export const notices = new Notices();
