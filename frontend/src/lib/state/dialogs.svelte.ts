/** TokenRequest is why the token prompt is open: for which profile, and Go's reason. */
export interface TokenRequest {
  profile: string;
  message: string;
}

/**
 * DialogState says which dialog is open. At most one is: the connect
 * dialog and the token prompt both start a sync.
 */
export class DialogState {
  connect = $state(false);
  token = $state.raw<TokenRequest | null>(null);

  open = $derived(this.connect || this.token !== null);

  openConnect(): void {
    this.token = null;
    this.connect = true;
  }

  askToken(req: TokenRequest): void {
    this.connect = false;
    this.token = req;
  }

  close(): void {
    this.connect = false;
    this.token = null;
  }
}

export const dialogs = new DialogState();
