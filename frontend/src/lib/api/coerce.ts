// What the normalisers of Go's replies share: Go omits empty fields
// (omitempty, omitzero) and sends nil slices as null, so every field read
// from a reply goes through one of these and the UI never meets undefined.

export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const list = <T>(v: T[] | null | undefined): T[] => (Array.isArray(v) ? v : []);
