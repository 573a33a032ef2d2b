// Adds DOM matchers (toBeDisabled, toHaveTextContent, ...) to vitest's expect.
import '@testing-library/jest-dom/vitest';

// jsdom has <dialog> but not its methods; enough of them for the UI tests.
if (typeof HTMLDialogElement !== 'undefined' && !HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
}
