import { toApiError, type ApiError } from '../api';

/**
 * ErrorState holds the one error the banner shows. Only the latest is kept:
 * a stack of stale failures helps nobody reviewing a log.
 */
export class ErrorState {
  current = $state.raw<ApiError | null>(null);

  show(reason: unknown): void {
    this.current = toApiError(reason);
  }

  dismiss(): void {
    this.current = null;
  }
}

export const errors = new ErrorState();

/**
 * requestCancel asks Go, by calling cancel, to stop the run whose state is
 * run: run.cancelling stays true until the run ends, unless the request
 * fails, which errors then shows.
 */
export async function requestCancel(
  run: { cancelling: boolean },
  errors: ErrorState,
  cancel: () => Promise<void>,
): Promise<void> {
  run.cancelling = true;
  try {
    await cancel();
  } catch (e) {
    run.cancelling = false;
    errors.show(e);
  }
}
