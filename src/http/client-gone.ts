import type { Response } from "express";

/**
 * A signal that aborts when the client closes its connection before the response is complete, so the
 * database work done for it can be cancelled (an abandoned search must not keep a connection busy).
 */
export function clientGoneSignal(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort(new ClientGoneError());
  });
  return controller.signal;
}

/** Why a request's work stopped early: nobody is left to answer. */
export class ClientGoneError extends Error {
  constructor() {
    super("the client closed the connection before the answer was ready");
    this.name = "ClientGoneError";
  }
}
