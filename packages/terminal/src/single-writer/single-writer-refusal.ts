import { type Refusal, refuse } from '../engine-outcome';

export type SingleWriterRefusal = Refusal<'TERMINAL_OPEN_ELSEWHERE'>;

/** What the second tab, window or process says when asked to record anything. */
export function singleWriterRefusal(): SingleWriterRefusal {
  return refuse('TERMINAL_OPEN_ELSEWHERE');
}
