/**
 * Who may call the IPC handlers: only the top-level frame of our own window, showing our own page.
 * A subframe, another window, or our window after it was somehow navigated elsewhere is refused.
 * Typed structurally (not against Electron's classes) so it is tested with plain objects.
 */
import { originOf } from './url-policy';

export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
}

export interface SenderEventLike {
  readonly sender: { readonly id: number };
  /** null when the frame has navigated away or been destroyed since sending. */
  readonly senderFrame: FrameLike | null;
}

export function isTrustedSender(
  event: SenderEventLike,
  expectedWebContentsId: number | undefined,
  allowedOrigin: string,
): boolean {
  if (expectedWebContentsId === undefined || event.sender.id !== expectedWebContentsId) return false;
  const frame = event.senderFrame;
  if (frame === null) return false;
  if (frame.parent !== null) return false;
  return originOf(frame.url) === allowedOrigin;
}
