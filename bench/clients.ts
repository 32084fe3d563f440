import { type LoadResult, load } from "./load.ts";
import { type Scenario, SEARCH_GROUP } from "./scenarios.ts";
import { WRK_MISSING, wrkLoad } from "./wrk.ts";

export type ClientRow = { scenario: string; client: "autocannon" | "wrk" } & LoadResult;
export type ClientComparison = { rows: ClientRow[]; note: string | null };

/** The list scenarios both clients measure, then the first search term's page 1. */
const LIST_SCENARIOS = ["page 1", "page 100", "cursor at depth"];

/**
 * The same scenarios at one connection with two independent load generators, back to back: autocannon (in
 * Node, timing each response as its parser sees it) and wrk (C, one thread). A tail that one client shows and
 * the other does not belongs to the client.
 */
export async function compareClients(
  api: string,
  scenarios: Scenario[],
  durationSeconds: number,
): Promise<ClientComparison> {
  const picked = [
    ...scenarios.filter((s) => s.group === "list" && LIST_SCENARIOS.includes(s.name)),
    ...scenarios.filter((s) => s.group.startsWith(SEARCH_GROUP) && s.name.endsWith(" page 1")).slice(0, 1),
  ];
  const rows: ClientRow[] = [];
  let note: string | null = null;
  for (const s of picked) {
    const name = s.group === "list" ? s.name : `${s.group.slice(SEARCH_GROUP.length)}: ${s.name}`;
    rows.push({ scenario: name, client: "autocannon", ...(await load(api + s.path, 1, durationSeconds)) });
    const viaWrk = note === null ? await wrkLoad(api + s.path, 1, durationSeconds) : null;
    if (viaWrk === null) note = WRK_MISSING;
    else rows.push({ scenario: name, client: "wrk", ...viaWrk });
  }
  return { rows, note };
}
