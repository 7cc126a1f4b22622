import { v7 as uuidv7 } from 'uuid';
import type { SeededRandom } from '../random/seeded-random';

/** UUIDv7 ids from the terminal's clock and the seed, so the same seed mints the same ids. */
export function deterministicUuidV7(clock: () => Date, random: SeededRandom): () => string {
  return () => uuidv7({ msecs: clock().getTime(), random: random.bytes(16) });
}
