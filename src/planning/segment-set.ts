/**
 * A set of strings held as UTF-8 bytes in one buffer, with an open-addressing table of their positions: about 30
 * bytes a string where a `Set<string>` takes about 100. A Markdown file of a million sibling headings keeps every
 * sibling's address segment to make repeats unique (`-2`, `-3`, …); held in a `Set` that was 100 MB of the plan's
 * memory. Exact: a lookup compares the bytes, so two strings with the same hash are still told apart. Strings must
 * be well formed (no lone surrogate, which UTF-8 cannot hold); address segments are ASCII.
 */
export class SegmentSet {
  #bytes = Buffer.alloc(256);
  #used = 0;
  /** Per slot: the entry's byte offset plus one (0: empty). */
  #slots = new Int32Array(16);
  /** Per slot: the entry's hash, so most probes of another string never touch the bytes. */
  #hashes = new Int32Array(16);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  has(value: string): boolean {
    return this.#find(value, hashOf(value)) >= 0;
  }

  /** Adds `value`; true if it was not there yet. */
  add(value: string): boolean {
    const hash = hashOf(value);
    if (this.#find(value, hash) >= 0) return false;
    if ((this.#size + 1) * 2 > this.#slots.length) this.#grow();
    const offset = this.#append(value);
    this.#place(offset, hash);
    this.#size += 1;
    return true;
  }

  /** The slot holding `value`, or -1. */
  #find(value: string, hash: number): number {
    const mask = this.#slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.#slots[slot] as number;
      if (entry === 0) return -1;
      if (this.#hashes[slot] === hash && this.#entryEquals(entry - 1, value)) return slot;
    }
  }

  #entryEquals(offset: number, value: string): boolean {
    const length = this.#bytes.readUInt32LE(offset);
    return this.#bytes.toString('utf8', offset + 4, offset + 4 + length) === value;
  }

  #append(value: string): number {
    const needed = 4 + Buffer.byteLength(value, 'utf8');
    if (this.#used + needed > this.#bytes.length) {
      const bigger = Buffer.alloc(Math.max(this.#bytes.length * 2, this.#used + needed));
      this.#bytes.copy(bigger, 0, 0, this.#used);
      this.#bytes = bigger;
    }
    const offset = this.#used;
    this.#bytes.writeUInt32LE(needed - 4, offset);
    this.#bytes.write(value, offset + 4, 'utf8');
    this.#used += needed;
    return offset;
  }

  #place(offset: number, hash: number): void {
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    while (this.#slots[slot] !== 0) slot = (slot + 1) & mask;
    this.#slots[slot] = offset + 1;
    this.#hashes[slot] = hash;
  }

  #grow(): void {
    const slots = this.#slots;
    const hashes = this.#hashes;
    this.#slots = new Int32Array(slots.length * 2);
    this.#hashes = new Int32Array(slots.length * 2);
    for (let slot = 0; slot < slots.length; slot++) {
      const entry = slots[slot] as number;
      if (entry !== 0) this.#place(entry - 1, hashes[slot] as number);
    }
  }
}

/** FNV-1a over UTF-16 code units, mixed at the end so that the low bits (the table's index) depend on every char. */
function hashOf(value: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < value.length; index++) hash = Math.imul(hash ^ value.charCodeAt(index), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  return hash ^ (hash >>> 13);
}
