import cliProgress from "cli-progress";

/**
 * Progress per phase: a live bar with rows/s and ETA on a terminal, one line per finished phase otherwise
 * (CI logs). Records each phase's duration for the summary.
 */
export type PhaseTiming = {
  phase: string;
  seconds: number;
  rows?: number;
  /** A phase of several steps (the index builds) times each one. */
  steps?: Array<{ name: string; seconds: number }>;
};

export type Progress = {
  rows(phase: string, total: number, run: (tick: (n: number) => void) => Promise<void>): Promise<void>;
  /** One unit of work without a count, timed like the others. */
  task<T>(phase: string, run: () => Promise<T>): Promise<T>;
  steps<T extends { name: string }>(
    phase: string,
    steps: T[],
    run: (step: T) => Promise<unknown>,
  ): Promise<void>;
  readonly timings: PhaseTiming[];
};

export function createProgress(interactive: boolean, log: (line: string) => void): Progress {
  const timings: PhaseTiming[] = [];
  const bar = (format: string) =>
    new cliProgress.SingleBar(
      { format, hideCursor: true, etaBuffer: 50, fps: 5, noTTYOutput: false },
      cliProgress.Presets.shades_classic,
    );
  const finish = (phase: string, started: number, rows?: number, steps?: PhaseTiming["steps"]) => {
    const seconds = (performance.now() - started) / 1000;
    timings.push({ phase, seconds, ...(rows === undefined ? {} : { rows }), ...(steps ? { steps } : {}) });
    const rate = rows ? `, ${Math.round(rows / seconds).toLocaleString("en-US")} rows/s` : "";
    log(`${phase}: done in ${seconds.toFixed(1)} s${rate}`);
  };
  return {
    timings,
    async rows(phase, total, run) {
      const started = performance.now();
      const view = interactive
        ? bar(
            `${phase.padEnd(9)} [{bar}] {percentage}% | {value}/{total} rows | {speed} rows/s | ETA {eta_formatted}`,
          )
        : undefined;
      view?.start(total, 0, { speed: 0 });
      let done = 0;
      await run((n) => {
        done += n;
        const seconds = (performance.now() - started) / 1000;
        view?.update(done, { speed: Math.round(done / Math.max(seconds, 0.001)).toLocaleString("en-US") });
      });
      view?.stop();
      finish(phase, started, total);
    },
    async task(phase, run) {
      const started = performance.now();
      const result = await run();
      finish(phase, started);
      return result;
    },
    async steps(phase, steps, run) {
      const started = performance.now();
      const view = interactive ? bar(`${phase.padEnd(9)} [{bar}] {value}/{total} | {step}`) : undefined;
      view?.start(steps.length, 0, { step: steps[0]?.name ?? "" });
      const stepTimings: NonNullable<PhaseTiming["steps"]> = [];
      for (const [i, step] of steps.entries()) {
        view?.update(i, { step: step.name });
        const stepStarted = performance.now();
        await run(step);
        const seconds = (performance.now() - stepStarted) / 1000;
        stepTimings.push({ name: step.name, seconds });
        if (!interactive && steps.length > 1)
          log(`${phase} ${i + 1}/${steps.length} ${step.name}: ${seconds.toFixed(1)} s`);
      }
      view?.update(steps.length, { step: "done" });
      view?.stop();
      finish(phase, started, undefined, steps.length > 1 ? stepTimings : undefined);
    },
  };
}
