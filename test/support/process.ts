import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";

/** `npm start`'s entry point as a real child process, its output captured. */
export type ServerRun = { child: ChildProcess; output: () => string; exit: Promise<number | null> };

export function startServerProcess(env: Record<string, string>): ServerRun {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    env: { ...process.env, NODE_ENV: "production", SEED_ON_START: "false", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exit };
}

/** Waits until the process printed `text`; fails with its output if it exits or takes too long. */
export async function waitForOutput(run: ServerRun, text: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!run.output().includes(text)) {
    if (Date.now() > deadline || run.child.exitCode !== null) assert.fail(`no "${text}" in: ${run.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls `check` until it holds; false if it never did within `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}
