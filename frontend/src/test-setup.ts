// Adds DOM matchers (toBeDisabled, toHaveTextContent, ...) to vitest's expect.
import '@testing-library/jest-dom/vitest';
