import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (.ci/run installs it), driven by Playwright: the page tests' browser. */
const CHROMIUM = "/usr/bin/chromium";

/** For `describe`'s `skip`: false when the browser is there, else why the page tests cannot run. */
export const withoutChromium = existsSync(CHROMIUM)
  ? false
  : `Chromium is not installed at ${CHROMIUM} (.ci/run installs it with apt)`;

/** Headless, and none of the background connections this machine's closed network refuses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
