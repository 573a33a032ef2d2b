// The search term marked in the table's cells, without changing them: the
// CSS Custom Highlight API paints ranges over their text (app.css,
// ::highlight(search)), so a row keeps its one shape (TableRow) and a
// keystroke moves no element. Where the API is missing the cells show
// unmarked.

/** The cells a search reads (Go's search: user, scope, category, action, target, description, source IP). */
const searched =
  '.cell.user, .cell.scope, .cell.category, .cell.action, .cell.target, .cell.description, .cell.source_ip';

/** markSearch marks each case-blind occurrence of term in the searched cells under root; none for "". */
export function markSearch(root: Element | null | undefined, term: string): number {
  const api = (globalThis as { CSS?: { highlights?: Map<string, unknown> } }).CSS?.highlights;
  const Hl = (globalThis as { Highlight?: new (...r: Range[]) => unknown }).Highlight;
  if (!api || !Hl) return 0;
  const needle = term.trim().toLowerCase();
  if (!root || needle === '') {
    api.delete('search');
    return 0;
  }
  const ranges: Range[] = [];
  for (const cell of root.querySelectorAll(searched)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const raw = n.nodeValue ?? '';
      const text = raw.toLowerCase();
      // A letter whose lower case is longer would shift the offsets.
      if (text.length !== raw.length) continue;
      for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
        const r = document.createRange();
        r.setStart(n, at);
        r.setEnd(n, at + needle.length);
        ranges.push(r);
      }
    }
  }
  api.set('search', new Hl(...ranges));
  return ranges.length;
}
