/**
 * Group commit for independent writes. Deno KV commits one atomic operation at a
 * time (one SQLite writer locally), so a burst of small writes — a thousand
 * scheduled emails going out in the same second — is bound by commits, not work.
 * Writes that arrive while a commit is in flight are committed together in the
 * next one; a write that arrives when nothing is in flight commits at once, so
 * nothing waits at low load.
 *
 * Each write keeps its own checks. When the joint commit fails (one write's
 * check did not hold) or throws (over a KV size limit), each write is committed
 * on its own and gets its own answer. Two writes with the same `scope` (say, the
 * same record) never share a commit: both could pass their checks against the
 * same versionstamp, and the second would overwrite the first unseen.
 */
export type Write = (op: Deno.AtomicOperation) => void;

interface Pending {
  scope: string;
  write: Write;
  resolve: (ok: boolean) => void;
  reject: (error: unknown) => void;
}

/** Writes per joint commit: KV allows 100 checks and 1,000 mutations per atomic operation. */
export const MAX_WRITES_PER_COMMIT = 20;

export class GroupCommit {
  #queue: Pending[] = [];
  #busy = false;
  /** Commit attempts made, and writes stored (for tests and benchmarks). */
  readonly counts = { commits: 0, writes: 0 };

  constructor(private kv: Deno.Kv, private maxWrites = MAX_WRITES_PER_COMMIT) {}

  /** Commits `write`, alone or with others; true when its checks held and it was stored. */
  commit(scope: string, write: Write): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ scope, write, resolve, reject });
      if (!this.#busy) void this.#drain();
    });
  }

  async #drain() {
    this.#busy = true;
    try {
      while (this.#queue.length) await this.#commitBatch(this.#takeBatch());
    } finally {
      this.#busy = false;
    }
  }

  #takeBatch(): Pending[] {
    const batch: Pending[] = [];
    const scopes = new Set<string>();
    const rest: Pending[] = [];
    for (const pending of this.#queue) {
      if (batch.length < this.maxWrites && !scopes.has(pending.scope)) {
        scopes.add(pending.scope);
        batch.push(pending);
      } else rest.push(pending);
    }
    this.#queue = rest;
    return batch;
  }

  async #commitBatch(batch: Pending[]): Promise<void> {
    if (batch.length > 1) {
      const op = this.kv.atomic();
      let ok = false;
      try {
        for (const pending of batch) pending.write(op);
        ok = (await op.commit()).ok;
      } catch {
        // Too large together (or a write threw while building): each goes alone below.
      }
      this.counts.commits++;
      if (ok) {
        this.counts.writes += batch.length;
        for (const pending of batch) pending.resolve(true);
        return;
      }
    }
    await Promise.all(batch.map(async (pending) => {
      try {
        const op = this.kv.atomic();
        pending.write(op);
        const ok = (await op.commit()).ok;
        this.counts.commits++;
        if (ok) this.counts.writes++;
        pending.resolve(ok);
      } catch (error) {
        pending.reject(error);
      }
    }));
  }
}
