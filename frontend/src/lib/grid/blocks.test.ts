import { describe, expect, it, vi } from 'vitest';
import { BlockCache } from './blocks';

/** deferred is a promise the test settles by hand, like a Rows call still on its way. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** rowsOf makes the rows [offset, offset+limit) of query id, as strings that say where they came from. */
const rowsOf = (id: number, offset: number, limit: number) =>
  Array.from({ length: limit }, (_, k) => `q${id}#${offset + k}`);

function cache(opts: { capacity?: number; blockSize?: number } = {}) {
  const fetchRows = vi.fn(async (id: number, offset: number, limit: number) => rowsOf(id, offset, limit));
  const onChange = vi.fn();
  const onError = vi.fn();
  const c = new BlockCache<string>({ fetchRows, onChange, onError, blockSize: 10, ...opts });
  return { c, fetchRows, onChange, onError };
}

describe('BlockCache', () => {
  it('fetches a range in one call of its size, serves it until its blocks come, and not for another query', async () => {
    const { c, fetchRows, onChange } = cache();
    c.reset(1, 100);
    expect(c.has({ first: 37, end: 44 })).toBe(false);
    await c.fetchRange({ first: 37, end: 44 });
    expect(fetchRows.mock.calls).toEqual([[1, 37, 7]]);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect([c.get(36), c.get(37), c.get(43), c.get(44)]).toEqual([undefined, 'q1#37', 'q1#43', undefined]);
    expect(c.has({ first: 37, end: 44 })).toBe(true);
    expect(c.has({ first: 36, end: 44 })).toBe(false);
    // All here: no call.
    await c.fetchRange({ first: 38, end: 40 });
    expect(fetchRows).toHaveBeenCalledTimes(1);
    // Blocks count as here too.
    await c.ensure({ first: 30, end: 40 });
    expect(c.has({ first: 30, end: 44 })).toBe(true);
    // A new query forgets the range; a reply for the old one is dropped.
    const late = deferred<string[]>();
    fetchRows.mockReturnValueOnce(late.promise);
    const pending = c.fetchRange({ first: 50, end: 55 });
    c.reset(2, 100);
    expect(c.get(37)).toBeUndefined();
    late.resolve(rowsOf(1, 50, 5));
    await pending;
    expect(c.get(50)).toBeUndefined();
    expect(c.has({ first: 50, end: 55 })).toBe(false);
  });

  it('fetches the blocks covering a range, the last one short, and serves their rows', async () => {
    const { c, fetchRows, onChange } = cache();
    c.reset(1, 25);
    expect(c.get(0)).toBeUndefined();
    await c.ensure({ first: 8, end: 25 });
    expect(fetchRows.mock.calls).toEqual([
      [1, 0, 10],
      [1, 10, 10],
      [1, 20, 5],
    ]);
    expect(onChange).toHaveBeenCalledTimes(3);
    expect([c.get(0), c.get(9), c.get(10), c.get(24), c.get(25)]).toEqual([
      'q1#0',
      'q1#9',
      'q1#10',
      'q1#24',
      undefined,
    ]);
    expect(c.loaded(24)).toBe(true);
  });

  it('fetches nothing past the total, nor before a query is set', async () => {
    const { c, fetchRows } = cache();
    await c.ensure({ first: 0, end: 50 });
    c.reset(1, 5);
    await c.ensure({ first: 0, end: 50 });
    c.reset(2, 0);
    await c.ensure({ first: 0, end: 50 });
    expect(fetchRows.mock.calls).toEqual([[1, 0, 5]]);
  });

  it('does not fetch a block it holds', async () => {
    const { c, fetchRows } = cache();
    c.reset(1, 100);
    await c.ensure({ first: 0, end: 15 });
    await c.ensure({ first: 5, end: 12 });
    expect(fetchRows).toHaveBeenCalledTimes(2);
  });

  it('shares one fetch between concurrent requests for the same block', async () => {
    const { c, fetchRows } = cache();
    const d = deferred<string[]>();
    fetchRows.mockReturnValueOnce(d.promise);
    c.reset(1, 100);
    const a = c.ensure({ first: 0, end: 5 });
    const b = c.ensure({ first: 3, end: 8 });
    expect(fetchRows).toHaveBeenCalledTimes(1);
    d.resolve(rowsOf(1, 0, 10));
    await Promise.all([a, b]);
    expect(c.get(7)).toBe('q1#7');
  });

  it('drops a reply for an older query id', async () => {
    const { c, fetchRows, onChange } = cache();
    const old = deferred<string[]>();
    fetchRows.mockReturnValueOnce(old.promise);
    c.reset(1, 100);
    const first = c.ensure({ first: 0, end: 5 });
    c.reset(2, 100);
    const second = c.ensure({ first: 0, end: 5 });
    // The same block of the new query is a new fetch, not the old one shared.
    expect(fetchRows.mock.calls).toEqual([
      [1, 0, 10],
      [2, 0, 10],
    ]);
    await second;
    old.resolve(rowsOf(1, 0, 10));
    await first;
    expect(c.get(0)).toBe('q2#0');
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('keeps at most capacity blocks, evicting the least recently used', async () => {
    const { c, fetchRows } = cache({ capacity: 2 });
    c.reset(1, 100);
    await c.ensure({ first: 0, end: 1 }); // block 0
    await c.ensure({ first: 10, end: 11 }); // block 1
    await c.ensure({ first: 0, end: 1 }); // touch block 0
    await c.ensure({ first: 20, end: 21 }); // block 2 evicts block 1
    expect([c.loaded(0), c.loaded(10), c.loaded(20)]).toEqual([true, false, true]);
    await c.ensure({ first: 10, end: 11 });
    expect(fetchRows).toHaveBeenCalledTimes(4);
  });

  it('a re-run keeps showing the old rows until the new block arrives', async () => {
    const { c, fetchRows } = cache();
    c.reset(1, 100);
    await c.ensure({ first: 0, end: 15 });
    const d = deferred<string[]>();
    fetchRows.mockReturnValueOnce(d.promise);
    c.reset(2, 120, true);
    const pending = c.ensure({ first: 0, end: 5 });
    expect(c.get(3)).toBe('q1#3');
    expect(c.loaded(3)).toBe(false);
    d.resolve(rowsOf(2, 0, 10));
    await pending;
    expect(c.get(3)).toBe('q2#3');
    // A new query proper forgets them.
    c.reset(3, 100);
    expect(c.get(12)).toBeUndefined();
  });

  it('reports a failed fetch of the current query, and tries again when asked', async () => {
    const { c, fetchRows, onError } = cache();
    const gone = new Error('query_gone');
    fetchRows.mockRejectedValueOnce(gone);
    c.reset(1, 100);
    await c.ensure({ first: 0, end: 5 });
    expect(onError).toHaveBeenCalledWith(gone);
    await c.ensure({ first: 0, end: 5 });
    expect(c.get(0)).toBe('q1#0');
  });

  it('does not report a failure of an older query', async () => {
    const { c, fetchRows, onError } = cache();
    const d = deferred<string[]>();
    fetchRows.mockReturnValueOnce(d.promise);
    c.reset(1, 100);
    const first = c.ensure({ first: 0, end: 5 });
    c.reset(2, 100);
    d.reject(new Error('query_gone'));
    await first;
    expect(onError).not.toHaveBeenCalled();
  });

  it('uses blocks of 200 rows and 32 blocks by default', () => {
    const c = new BlockCache<string>({ fetchRows: async () => [] });
    expect([c.blockSize, c.capacity]).toEqual([200, 32]);
  });
});
