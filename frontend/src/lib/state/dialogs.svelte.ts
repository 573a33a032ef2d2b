/** TokenRequest is why the token prompt is open: for which profile, and Go's reason. */
export interface TokenRequest {
  profile: string;
  message: string;
}

/**
 * DialogState says which dialog is open. At most one is: the connect
 * dialog and the token prompt both start a sync, and a modal over a modal
 * would leave the one below unreachable.
 */
export class DialogState {
  connect = $state(false);
  token = $state.raw<TokenRequest | null>(null);
  export = $state(false);
  activity = $state(false);
  settings = $state(false);
  saveView = $state(false);
  verify = $state(false);
  import = $state(false);
  mark = $state(false);

  open = $derived(
    this.connect ||
      this.token !== null ||
      this.export ||
      this.activity ||
      this.settings ||
      this.saveView ||
      this.verify ||
      this.import ||
      this.mark,
  );

  openSaveView(): void {
    this.close();
    this.saveView = true;
  }

  openVerify(): void {
    this.close();
    this.verify = true;
  }

  openImport(): void {
    this.close();
    this.import = true;
  }

  openMark(): void {
    this.close();
    this.mark = true;
  }

  openConnect(): void {
    this.close();
    this.connect = true;
  }

  askToken(req: TokenRequest): void {
    this.close();
    this.token = req;
  }

  openExport(): void {
    this.close();
    this.export = true;
  }

  openActivity(): void {
    this.close();
    this.activity = true;
  }

  openSettings(): void {
    this.close();
    this.settings = true;
  }

  close(): void {
    this.settings = false;
    this.connect = false;
    this.token = null;
    this.export = false;
    this.activity = false;
    this.saveView = false;
    this.verify = false;
    this.import = false;
    this.mark = false;
  }
}

export const dialogs = new DialogState();
