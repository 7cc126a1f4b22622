import { type RandomGenerator, unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';

/**
 * Every decision of a simulated run (what a cashier does, which request the network drops, when
 * a terminal crashes, the ids the terminals mint) is drawn from one of these, so a seed replays
 * exactly. The generator state lives in the instance, never in the module.
 */
export class SeededRandom {
  private readonly generator: RandomGenerator;

  constructor(readonly seed: number) {
    this.generator = xoroshiro128plus(seed | 0);
  }

  /** A derived, independent stream: adding draws to one stream never shifts another. */
  derive(streamNumber: number): SeededRandom {
    return new SeededRandom(mixSeed(this.seed, streamNumber));
  }

  /** An integer in [minimum, maximum], both included. */
  integer(minimum: number, maximum: number): number {
    if (!Number.isSafeInteger(minimum) || !Number.isSafeInteger(maximum) || maximum < minimum) {
      throw new Error(`bad integer range [${minimum}, ${maximum}]`);
    }
    return unsafeUniformIntDistribution(minimum, maximum, this.generator);
  }

  /** True with the given probability in per-mille (0 never, 1,000 always). */
  chancePerMille(perMille: number): boolean {
    return perMille > 0 && this.integer(0, 999) < perMille;
  }

  /** A number in [0, 1) with 2^30 steps, for the engine's backoff jitter. */
  fraction(): number {
    return this.integer(0, 2 ** 30 - 1) / 2 ** 30;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[this.integer(0, items.length - 1)]!;
  }

  /** A choice weighted by integer weights (zero weights are never chosen). */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = (Object.entries(weights) as [K, number][]).filter(([, weight]) => weight > 0);
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    if (total <= 0) throw new Error('no positive weight to choose from');
    let ticket = this.integer(0, total - 1);
    for (const [key, weight] of entries) {
      if (ticket < weight) return key;
      ticket -= weight;
    }
    throw new Error('unreachable: weighted choice ran past its total');
  }

  bytes(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    for (let index = 0; index < length; index += 1) bytes[index] = this.integer(0, 255);
    return bytes;
  }
}

/** SplitMix32-style mixing of a seed and a stream number into a new 32-bit seed. */
export function mixSeed(seed: number, streamNumber: number): number {
  let value = (seed ^ Math.imul(streamNumber + 1, 0x9e3779b9)) >>> 0;
  value = Math.imul(value ^ (value >>> 16), 0x85ebca6b) >>> 0;
  value = Math.imul(value ^ (value >>> 13), 0xc2b2ae35) >>> 0;
  return (value ^ (value >>> 16)) | 0;
}
