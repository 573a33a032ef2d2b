import { describe, expect, it } from 'vitest';
import { categoryOptions, scopeOptions, statusOptions } from './facets';

const known = ['Organization', 'Billing', 'Workspace', 'Service'];
const labels = (os: { label: string }[]) => os.map((o) => o.label);

describe('scopeOptions', () => {
  it('without counts, the known scopes in console order', () => {
    expect(labels(scopeOptions(known, null, ''))).toEqual(known);
  });

  it('with counts, every known scope with its count (0 for none), in the same order', () => {
    const counts = [
      { value: 'Service', n: 12345 },
      { value: 'Organization', n: 7 },
    ];
    expect(scopeOptions(known, counts, '')).toEqual([
      { value: 'Organization', label: 'Organization (7)' },
      { value: 'Billing', label: 'Billing (0)' },
      { value: 'Workspace', label: 'Workspace (0)' },
      { value: 'Service', label: 'Service (12,345)' },
    ]);
  });

  it('adds a scope the cache holds that is not known, and the chosen one', () => {
    expect(labels(scopeOptions(['Billing'], [{ value: 'Zeta', n: 2 }], 'Alpha'))).toEqual([
      'Billing (0)',
      'Alpha (0)',
      'Zeta (2)',
    ]);
  });
});

describe('categoryOptions', () => {
  const billing = ['Payment', 'Plan', 'Voucher', 'Wallet'];

  it('without counts, the known categories of the scope', () => {
    expect(labels(categoryOptions(billing, null, ''))).toEqual(billing);
  });

  it('with counts, exactly the counted categories, A to Z', () => {
    const counts = [
      { value: 'Wallet', n: 900 },
      { value: 'Payment', n: 1200 },
      { value: 'Refund', n: 3 },
    ];
    expect(categoryOptions(billing, counts, '')).toEqual([
      { value: 'Payment', label: 'Payment (1,200)' },
      { value: 'Refund', label: 'Refund (3)' },
      { value: 'Wallet', label: 'Wallet (900)' },
    ]);
  });

  it('keeps the chosen category when none of it matches', () => {
    expect(labels(categoryOptions(billing, [{ value: 'Wallet', n: 1 }], 'Voucher'))).toEqual([
      'Voucher (0)',
      'Wallet (1)',
    ]);
    expect(labels(categoryOptions([], null, 'Voucher'))).toEqual(['Voucher']);
  });
});

describe('statusOptions', () => {
  it('both statuses, counted when there are facets', () => {
    expect(labels(statusOptions(['SUCCESS', 'FAILED'], null))).toEqual(['SUCCESS', 'FAILED']);
    expect(labels(statusOptions(['SUCCESS', 'FAILED'], [{ value: 'SUCCESS', n: 1000 }]))).toEqual([
      'SUCCESS (1,000)',
      'FAILED (0)',
    ]);
  });
});
