import type { Random } from "./random.ts";

/**
 * Who says what, when: the shape of the generated inbox, computed in memory before anything is written.
 *
 * - Messages per contact are log-normal (median = 0.3 × mean; 15 of 50 at full scale): most contacts have a
 *   handful, a few have thousands; every contact has at least one.
 * - A contact's messages come in bursts (sessions) of a few back-and-forth lines minutes apart; a burst
 *   reads consecutive corpus lines, so a thread reads like a conversation.
 * - Each contact is active over its own window inside the last two years; burst start times follow a
 *   day/night rhythm. Last-message times are therefore spread, unrelated to contact ids.
 */

export type MessagePlan = {
  /** Per message, in time order: */
  contactId: Int32Array;
  lineIndex: Int32Array;
  outbound: Uint8Array;
  /** Seconds since `epochSeconds`. */
  offsetSeconds: Uint32Array;
  epochSeconds: number;
  /** Messages per contact, index 0 = contact id 1. */
  perContact: Int32Array;
};

const SPAN_SECONDS = 730 * 86_400;
/** The median contact has 30% of the mean: 15 of 50 at 100k contacts / 5M messages. */
const MEDIAN_TO_MEAN = 0.3;

/** Relative activity by hour of day (UTC): quiet nights, busy late mornings and evenings. */
const HOURLY_WEIGHT = [2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 13, 13, 12, 12, 12, 12, 13, 14, 15, 15, 13, 10, 7, 4];

export function messagesPerContact(contacts: number, messages: number, random: Random): Int32Array {
  const mean = messages / contacts;
  const median = Math.max(1, mean * MEDIAN_TO_MEAN);
  // mean = median * exp(sigma² / 2)  →  sigma = sqrt(2 ln(mean / median))
  const sigma = Math.sqrt(2 * Math.log(mean / median));
  const weights = new Float64Array(contacts);
  let total = 0;
  for (let i = 0; i < contacts; i++) {
    weights[i] = Math.exp(sigma * random.normal());
    total += weights[i] as number;
  }
  const counts = new Int32Array(contacts);
  const spare = messages - contacts;
  let assigned = 0;
  for (let i = 0; i < contacts; i++) {
    counts[i] = 1 + Math.floor((spare * (weights[i] as number)) / total);
    assigned += counts[i] as number;
  }
  for (let left = messages - assigned; left > 0; left--) {
    const i = random.int(contacts);
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}

export function planMessages(
  perContact: Int32Array,
  corpusSize: number,
  random: Random,
  nowSeconds: number,
): MessagePlan {
  const total = perContact.reduce((a, b) => a + b, 0);
  const epochSeconds = nowSeconds - SPAN_SECONDS;
  const contactId = new Int32Array(total);
  const lineIndex = new Int32Array(total);
  const outbound = new Uint8Array(total);
  const offsetSeconds = new Uint32Array(total);
  const hourOf = hourSampler(random);
  let k = 0;
  for (let c = 0; c < perContact.length; c++) {
    const first = random.next() * SPAN_SECONDS;
    // Most contacts stay active until recently; some went quiet months ago.
    const last = SPAN_SECONDS - (SPAN_SECONDS - first) * random.next() ** 2;
    let left = perContact[c] as number;
    while (left > 0) {
      const size = Math.min(left, 1 + Math.floor(random.exponential(5)));
      const gaps = Array.from({ length: size }, (_, j) => (j === 0 ? 0 : 5 + random.exponential(90)));
      const duration = gaps.reduce((a, b) => a + b, 0);
      // A burst that would run past "now" happened a little earlier instead (hours, not all at one instant).
      const latestStart = SPAN_SECONDS - duration;
      let t = burstStart(first, last, hourOf, random);
      if (t > latestStart) t = Math.max(0, latestStart - random.exponential(6 * 3_600));
      let line = random.int(corpusSize);
      let isOutbound = random.chance(0.4);
      for (let j = 0; j < size; j++, k++) {
        t += gaps[j] as number;
        contactId[k] = c + 1;
        lineIndex[k] = line;
        outbound[k] = isOutbound ? 1 : 0;
        offsetSeconds[k] = Math.max(0, Math.floor(t));
        line = (line + 1) % corpusSize;
        if (random.chance(0.75)) isOutbound = !isOutbound;
      }
      left -= size;
    }
  }
  const order = timeOrder(offsetSeconds);
  return {
    contactId: permute(contactId, order),
    lineIndex: permute(lineIndex, order),
    outbound: permute(outbound, order),
    offsetSeconds: permute(offsetSeconds, order),
    epochSeconds,
    perContact,
  };
}

function burstStart(first: number, last: number, hourOf: () => number, random: Random): number {
  const day = Math.floor((first + random.next() * (last - first)) / 86_400);
  return day * 86_400 + hourOf() * 3_600 + random.int(3_600);
}

function hourSampler(random: Random): () => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (const weight of HOURLY_WEIGHT) {
    sum += weight;
    cumulative.push(sum);
  }
  return () => {
    const x = random.next() * sum;
    return cumulative.findIndex((c) => x < c);
  };
}

/**
 * Message indexes sorted by time, so ids grow with time as in a live system and the table's physical order
 * is arrival order. Packing (seconds, index) into one float lets the engine's native numeric sort do it.
 */
function timeOrder(offsetSeconds: Uint32Array): Uint32Array {
  const n = offsetSeconds.length;
  const scale = 2 ** Math.ceil(Math.log2(n + 1));
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (offsetSeconds[i] as number) * scale + i;
  keys.sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = (keys[i] as number) % scale;
  return order;
}

function permute<T extends Int32Array | Uint8Array | Uint32Array>(values: T, order: Uint32Array): T {
  const out = new (values.constructor as new (n: number) => T)(values.length);
  for (let i = 0; i < order.length; i++) out[i] = values[order[i] as number] as number;
  return out;
}
