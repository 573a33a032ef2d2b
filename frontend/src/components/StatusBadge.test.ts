import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { audit } from '../lib/api';
import StatusBadge from './StatusBadge.svelte';

describe('StatusBadge', () => {
  it.each([
    [audit.Status.SUCCESS, 'success'],
    [audit.Status.FAILED, 'failed'],
  ])('shows %s as text with the %s style', (status, kind) => {
    render(StatusBadge, { status });
    const badge = screen.getByText(status);
    expect(badge).toHaveClass('badge', kind);
  });
});
