/** A Server-Sent Events client for tests: fetch's stream, parsed as EventSource does (id, event, data). */
export type StreamEvent = { id?: string; event: string; data: string };

export type TestStream = {
  status: number;
  /** Waits for the next event that `accept` takes (default: any), skipping others; fails after `timeoutMs`. */
  next(accept?: (e: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  /** Every event received so far. */
  received: StreamEvent[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
};

export async function openStream(url: string, headers: Record<string, string> = {}): Promise<TestStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: controller.signal,
  });
  const received: StreamEvent[] = [];
  const waiters = new Set<() => void>();
  let cursor = 0;
  const ended = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const parsed = parseEvent(buffer.slice(0, end));
          if (parsed) received.push(parsed);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
        }
        for (const wake of waiters) wake();
      }
    } catch {
      // aborted by close()
    }
    for (const wake of waiters) wake();
  })();
  let done = false;
  void ended.then(() => {
    done = true;
  });
  return {
    status: response.status,
    received,
    ended,
    close: () => controller.abort(),
    async next(accept = () => true, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (cursor < received.length) {
          const event = received[cursor++] as StreamEvent;
          if (accept(event)) return event;
        }
        if (done) throw new Error(`the stream ended; received: ${JSON.stringify(received)}`);
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no such event within ${timeoutMs} ms; received: ${JSON.stringify(received)}`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, left);
          waiters.add(wake);
        });
      }
    },
  };
}

/** One event block; comments (": keep-alive") and `retry:` alone are not events. */
function parseEvent(block: string): StreamEvent | undefined {
  const event: StreamEvent = { event: "message", data: "" };
  let hasData = false;
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    if (colon === 0) continue;
    const [field, value] =
      colon < 0 ? [line, ""] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, "")];
    if (field === "id") event.id = value;
    else if (field === "event") event.event = value;
    else if (field === "data") {
      event.data = hasData ? `${event.data}\n${value}` : value;
      hasData = true;
    }
  }
  return hasData ? event : undefined;
}
