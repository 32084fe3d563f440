import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";

/** `npm start`'s entry point as a real child process, its output captured. */
export type ServerRun = { child: ChildProcess; output: () => string; exit: Promise<number | null> };

export function startServerProcess(env: Record<string, string>): ServerRun {
  return capture(spawn(process.execPath, ["--import", "tsx", "src/server.ts"], serverOptions(env)));
}

/** `npm start` itself, as a supervisor (docker, systemd, foreman) runs it: signals go to npm's pid. */
export function startNpmStart(env: Record<string, string>): ServerRun {
  return capture(spawn("npm", ["start"], serverOptions(env)));
}

function serverOptions(env: Record<string, string>) {
  return {
    env: { ...process.env, NODE_ENV: "production", SEED_ON_START: "false", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"] as ["ignore", "pipe", "pipe"],
  };
}

function capture(child: ChildProcess): ServerRun {
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

/** The processes whose command line or environment mention `text` (a run's data directory): what it left behind. */
export async function processesMentioning(text: string): Promise<{ pid: number; command: string }[]> {
  const found = [];
  for (const pid of await pids()) {
    const command = await readProc(pid, "cmdline");
    if (command.includes(text) || (await readProc(pid, "environ")).includes(text)) {
      found.push({ pid, command: command.replaceAll("\0", " ").trim() });
    }
  }
  return found;
}

/** The pids of `parent`'s children. */
export async function childrenOf(parent: number): Promise<number[]> {
  const children = [];
  for (const pid of await pids()) {
    // After the command name's closing parenthesis: state, then ppid.
    const stat = await readProc(pid, "stat");
    if (stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] === String(parent)) children.push(pid);
  }
  return children;
}

async function pids(): Promise<number[]> {
  return (await readdir("/proc")).filter((name) => /^\d+$/.test(name)).map(Number);
}

/** A /proc file of `pid`, or "" when the process is gone or belongs to another user. */
function readProc(pid: number, file: string): Promise<string> {
  return readFile(`/proc/${pid}/${file}`, "utf8").catch(() => "");
}
