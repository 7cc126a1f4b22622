/**
 * One writer per terminal. Two tabs, two windows or two processes on the same local data would
 * each take the next sequence number and the next folio and sign two different facts under one
 * identity: the server would see a fork. So exactly one engine instance may record facts; any
 * other opens read-only and answers TERMINAL_OPEN_ELSEWHERE to everything that writes.
 */
export interface WriterLease {
  release(): Promise<void>;
}

export interface WriterLock {
  /** The lease when this instance may write, undefined when another one holds it. Never waits. */
  acquire(): Promise<WriterLease | undefined>;
}

/**
 * For stores that already guarantee a single writer themselves: the Node file store holds a
 * process lock on its directory (a second process cannot even open it), and a memory store
 * belongs to one engine.
 */
export const storeHeldWriterLock: WriterLock = {
  acquire: async () => ({ release: async () => undefined }),
};
