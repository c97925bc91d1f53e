import { type Browser, chromium } from 'playwright-core';

/**
 * Starts Debian's Chromium (CHROMIUM_PATH, else /usr/bin/chromium) headless for the browser tests:
 * no sandbox (containers), no GPU, and nothing that reaches out on its own (updates, sync, QUIC).
 * @param extraArgs more command-line switches, e.g. `--autoplay-policy=no-user-gesture-required`
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
