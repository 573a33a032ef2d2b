// The row-block cache of the virtual table: rows come in blocks of
// BLOCK_SIZE, a small LRU keeps the recent blocks, and everything belongs to
// one query id. It gets a fetchRows function and never calls Go itself.
import { BLOCK_SIZE, blocksFor, type FetchRows, type RowRange } from './viewport';

export interface BlockCacheOptions<Row> {
  fetchRows: FetchRows<Row>;
  /** Blocks kept; the least recently used goes first. */
  capacity?: number;
  blockSize?: number;
  /** A block of the current query arrived: the table should re-read. */
  onChange?: () => void;
  /** A fetch of the current query failed (a reply for an older one is not news). */
  onError?: (e: unknown) => void;
}

export class BlockCache<Row> {
  readonly capacity: number;
  readonly blockSize: number;

  private queryId: number | null = null;
  private total = 0;
  /** block index -> rows; Map order is the LRU order, least recent first. */
  private blocks = new Map<number, Row[]>();
  /** The previous query's blocks, shown until this query's arrive (a re-run keeps the table still). */
  private stale = new Map<number, Row[]>();
  /** Rows fetched as one range (fetchRange): the rows in view, before their blocks come. */
  private exact: { first: number; rows: Row[] } | null = null;
  /** `${queryId}:${block}` -> the fetch in flight, shared by whoever asks. */
  private inflight = new Map<string, Promise<void>>();

  private readonly fetchRows: FetchRows<Row>;
  private readonly onChange: () => void;
  private readonly onError: (e: unknown) => void;

  constructor(opts: BlockCacheOptions<Row>) {
    this.fetchRows = opts.fetchRows;
    this.capacity = Math.max(1, opts.capacity ?? 32);
    this.blockSize = Math.max(1, opts.blockSize ?? BLOCK_SIZE);
    this.onChange = opts.onChange ?? (() => {});
    this.onError = opts.onError ?? (() => {});
  }

  /** current is the query id the cache serves, null when none. */
  get current(): number | null {
    return this.queryId;
  }

  /**
   * reset serves a new query of total rows. With keepStale the old rows stay
   * visible, block by block, until the new ones arrive: for a re-run of the
   * same filters, so the table does not flash placeholders. first, when
   * given, are the query's first rows (a whole first block, or all rows),
   * which came with its answer.
   */
  reset(queryId: number | null, total: number, keepStale = false, first?: Row[]): void {
    if (queryId === this.queryId && total === this.total) return;
    if (keepStale) {
      // Older stale blocks first, so trimming to capacity drops them first.
      this.stale = new Map([...this.stale, ...this.blocks]);
      for (const b of this.stale.keys()) {
        if (this.stale.size <= this.capacity) break;
        this.stale.delete(b);
      }
    } else {
      this.stale = new Map();
    }
    this.blocks = new Map();
    this.exact = null;
    this.queryId = queryId;
    this.total = Math.max(0, total);
    if (first !== undefined && first.length > 0 && first.length === Math.min(this.blockSize, this.total)) {
      this.blocks.set(0, first);
      this.stale.delete(0);
    }
  }

  /** get is row i, fresh or stale, or undefined while it is not loaded. */
  get(i: number): Row | undefined {
    const b = Math.floor(i / this.blockSize);
    const off = i - b * this.blockSize;
    const exact = this.exact;
    const fresh = this.blocks.get(b)?.[off] ?? (exact !== null ? exact.rows[i - exact.first] : undefined);
    return fresh ?? this.stale.get(b)?.[off];
  }

  /** has tells whether every row of r is here for the current query (stale rows do not count). */
  has(r: RowRange): boolean {
    const end = Math.min(r.end, this.total);
    const exact = this.exact;
    for (let i = Math.max(0, r.first); i < end; i++) {
      if (this.loaded(i)) continue;
      if (exact === null || i < exact.first || i >= exact.first + exact.rows.length) return false;
    }
    return true;
  }

  /**
   * fetchRange fetches the rows of r in one call, unless all are here: the
   * rows in view after a jump come a fraction of their blocks' size, so
   * sooner. The blocks are still to be fetched (ensure) for the rows about
   * them. It resolves when the rows have arrived or failed.
   */
  async fetchRange(r: RowRange): Promise<void> {
    const queryId = this.queryId;
    if (queryId === null || this.has(r)) return;
    const first = Math.max(0, r.first);
    const end = Math.min(r.end, this.total);
    try {
      const rows = await this.fetchRows(queryId, first, end - first);
      // A reply for an older query belongs to rows no longer shown.
      if (queryId !== this.queryId) return;
      this.exact = { first, rows };
      this.onChange();
    } catch (e) {
      if (queryId === this.queryId) this.onError(e);
    }
  }

  /** loaded tells whether row i's block of the current query is here (stale rows do not count). */
  loaded(i: number): boolean {
    return this.blocks.has(Math.floor(i / this.blockSize));
  }

  /** ensure fetches the blocks covering r that are missing; it resolves when they have arrived or failed. */
  async ensure(r: RowRange): Promise<void> {
    if (this.queryId === null) return;
    const end = Math.min(r.end, this.total);
    const waits: Promise<void>[] = [];
    for (const b of blocksFor({ first: Math.max(0, r.first), end }, this.blockSize)) {
      const rows = this.blocks.get(b);
      if (rows) {
        // Touch: move to the most recent end of the LRU.
        this.blocks.delete(b);
        this.blocks.set(b, rows);
      } else {
        waits.push(this.load(this.queryId, b));
      }
    }
    await Promise.all(waits);
  }

  private load(queryId: number, b: number): Promise<void> {
    const key = `${queryId}:${b}`;
    const running = this.inflight.get(key);
    if (running) return running;
    const offset = b * this.blockSize;
    const limit = Math.min(this.blockSize, this.total - offset);
    const p = this.fetchRows(queryId, offset, limit).then(
      (rows) => {
        this.inflight.delete(key);
        // A reply for an older query belongs to rows no longer shown.
        if (queryId !== this.queryId) return;
        this.blocks.set(b, rows);
        this.stale.delete(b);
        while (this.blocks.size > this.capacity) {
          const oldest = this.blocks.keys().next().value as number;
          this.blocks.delete(oldest);
        }
        this.onChange();
      },
      (e: unknown) => {
        this.inflight.delete(key);
        if (queryId === this.queryId) this.onError(e);
      },
    );
    this.inflight.set(key, p);
    return p;
  }
}
