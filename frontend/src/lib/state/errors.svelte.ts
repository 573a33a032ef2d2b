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
