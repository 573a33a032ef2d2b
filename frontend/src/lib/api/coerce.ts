// What the readers of event payloads share. A bound method's result is
// read as its generated type (Go never sends a nil list); an event's
// payload has no generated type and may omit empty fields (omitempty,
// omitzero), so its fields go through these and the UI never meets
// undefined.

export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
