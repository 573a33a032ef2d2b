import { describe, expect, it } from 'vitest';
import { joined } from './joined';

describe('joined', () => {
  it('joins a call on its way, and runs again once it is done', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const load = joined(
      () =>
        new Promise<void>((resolve) => {
          runs++;
          release = resolve;
        }),
    );
    const a = load();
    const b = load();
    expect(a).toBe(b);
    expect(runs).toBe(1);
    release();
    await a;
    const c = load();
    expect(c).not.toBe(a);
    expect(runs).toBe(2);
    release();
    await c;
  });
});
