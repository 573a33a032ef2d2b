import { afterEach, describe, expect, it, vi } from 'vitest';
import { markSearch } from './highlight';

class FakeHighlight {
  ranges: Range[];
  constructor(...r: Range[]) {
    this.ranges = r;
  }
}

afterEach(() => vi.unstubAllGlobals());

describe('markSearch', () => {
  it('marks every case-blind occurrence in the searched cells only', () => {
    const highlights = new Map<string, FakeHighlight>();
    vi.stubGlobal('CSS', { highlights });
    vi.stubGlobal('Highlight', FakeHighlight);
    const root = document.createElement('div');
    root.innerHTML =
      '<div class="cell timestamp"><span>2026 GPU</span></div>' +
      '<div class="cell user"><span>gpu-admin@x</span></div>' +
      '<div class="cell description"><span>Requested GPU quota; gpu again</span></div>' +
      '<div class="cell id"><span>evt_gpu1</span></div>' +
      '<div class="cell source_ip"><span>gpu.example</span></div>';
    expect(markSearch(root, ' GPU ')).toBe(4);
    const texts = highlights.get('search')!.ranges.map((r) => r.toString());
    expect(texts).toEqual(['gpu', 'GPU', 'gpu', 'gpu']);
    // Cleared with the search.
    expect(markSearch(root, '')).toBe(0);
    expect(highlights.has('search')).toBe(false);
  });

  it('does nothing where the browser has no Highlight API', () => {
    vi.stubGlobal('CSS', {});
    expect(markSearch(document.body, 'x')).toBe(0);
  });
});
