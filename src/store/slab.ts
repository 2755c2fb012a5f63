/**
 * Size-class slab allocator for small byte records (keys and small string
 * values). Records live packed in large pages instead of one JS object per
 * record, which is what lets a million keys cost about what they cost in
 * Redis (see docs/adr/0002-keyspace-representation.md).
 *
 * A record is named by a 32-bit handle: `page * 4096 + slot`. Each page
 * belongs to one size class and holds up to 4096 equal slots; a record
 * larger than the biggest class gets a page of its own. Freed slots of a
 * class form a free list threaded through the slots themselves, so the
 * allocator has no per-record overhead beyond rounding up to the class.
 *
 * @module
 */

const SLOTS_PER_PAGE_MAX = 4096;
const SLOT_BITS = 12;
/** Target page size for small classes. */
const PAGE_BYTES = 256 * 1024;
/** Records above this size get a dedicated page. */
export const MAX_CLASS_SIZE = 16 * 1024;
/** Handles must stay positive 32-bit integers, so page numbers use 19 bits. */
const MAX_PAGES = 1 << 19;

/** Sizes of the slab classes: 16 bytes up, roughly ×1.25, 8-byte aligned. */
const CLASS_SIZES: number[] = (() => {
  const sizes: number[] = [];
  let size = 16;
  while (size < MAX_CLASS_SIZE) {
    sizes.push(size);
    size = Math.max(size + 8, Math.ceil((size * 1.25) / 8) * 8);
  }
  sizes.push(MAX_CLASS_SIZE);
  return sizes;
})();

/** Maps a size to its class index quickly for sizes up to 1 KiB. */
const SMALL_CLASS_LOOKUP: Uint8Array = (() => {
  const table = new Uint8Array(1025);
  let cls = 0;
  for (let size = 0; size <= 1024; size++) {
    while (CLASS_SIZES[cls] < size) cls++;
    table[size] = cls;
  }
  return table;
})();

function classOf(size: number): number {
  if (size <= 1024) return SMALL_CLASS_LOOKUP[size];
  let lo = 0;
  let hi = CLASS_SIZES.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CLASS_SIZES[mid] < size) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Marks a page that holds one oversized record. */
const HUGE_CLASS = -1;

/** Allocates byte records in pages grouped by size class. */
export class Slab {
  /** Page memory, indexed by page number (null when released). */
  readonly pages: (Uint8Array | null)[] = [];
  /** Slot size of each page (the record size for huge pages). */
  readonly slotSize: number[] = [];
  private pageClass: number[] = [];
  private pageLive: number[] = [];
  private freePages: number[] = [];
  private classFreeHead: number[] = CLASS_SIZES.map(() => -1);
  private classFreeCount: number[] = CLASS_SIZES.map(() => 0);
  private classPage: number[] = CLASS_SIZES.map(() => -1);
  private classBump: number[] = CLASS_SIZES.map(() => 0);
  private classPages: number[] = CLASS_SIZES.map(() => 0);
  /** Free-slot count at which the class is swept next (hysteresis against repeated sweeps). */
  private classSweepAt: number[] = CLASS_SIZES.map((size) => minSweepSlots(size));
  /** Bytes of slots currently handed out. */
  usedBytes = 0;
  /** Bytes of pages currently allocated. */
  allocatedBytes = 0;

  /** Allocates a record of at least `size` bytes and returns its handle. */
  alloc(size: number): number {
    if (size > MAX_CLASS_SIZE) return this.allocHuge(size);
    const cls = classOf(size);
    const slotSize = CLASS_SIZES[cls];
    this.usedBytes += slotSize;
    const head = this.classFreeHead[cls];
    if (head >= 0) {
      const page = this.pages[head >>> SLOT_BITS]!;
      const off = (head & (SLOTS_PER_PAGE_MAX - 1)) * slotSize;
      this.classFreeHead[cls] = readNext(page, off);
      this.classFreeCount[cls]--;
      this.pageLive[head >>> SLOT_BITS]++;
      return head;
    }
    let pageNo = this.classPage[cls];
    if (pageNo < 0 || this.classBump[cls] >= slotsPerPage(slotSize)) {
      pageNo = this.newPage(cls, slotSize * slotsPerPage(slotSize), slotSize);
      this.classPage[cls] = pageNo;
      this.classBump[cls] = 0;
      this.classPages[cls]++;
    }
    const slot = this.classBump[cls]++;
    this.pageLive[pageNo]++;
    return pageNo * SLOTS_PER_PAGE_MAX + slot;
  }

  /** Releases a record. */
  free(handle: number): void {
    const pageNo = handle >>> SLOT_BITS;
    const cls = this.pageClass[pageNo];
    if (cls === HUGE_CLASS) {
      this.usedBytes -= this.slotSize[pageNo];
      this.releasePage(pageNo);
      return;
    }
    const slotSize = CLASS_SIZES[cls];
    this.usedBytes -= slotSize;
    const page = this.pages[pageNo]!;
    writeNext(page, (handle & (SLOTS_PER_PAGE_MAX - 1)) * slotSize, this.classFreeHead[cls]);
    this.classFreeHead[cls] = handle;
    this.classFreeCount[cls]++;
    this.pageLive[pageNo]--;
    const free = this.classFreeCount[cls];
    if (
      free >= this.classSweepAt[cls] && free * 2 > this.classPages[cls] * slotsPerPage(slotSize)
    ) {
      this.sweepClass(cls);
    }
  }

  /** The page holding a record. */
  page(handle: number): Uint8Array {
    return this.pages[handle >>> SLOT_BITS]!;
  }

  /** Byte offset of a record inside its page. */
  offset(handle: number): number {
    return (handle & (SLOTS_PER_PAGE_MAX - 1)) * this.slotSize[handle >>> SLOT_BITS];
  }

  /** Usable size of a record (its class size). */
  capacity(handle: number): number {
    return this.slotSize[handle >>> SLOT_BITS];
  }

  /** Forgets every record at once (FLUSHALL). */
  reset(): void {
    this.pages.length = 0;
    this.slotSize.length = 0;
    this.pageClass.length = 0;
    this.pageLive.length = 0;
    this.freePages.length = 0;
    this.classFreeHead.fill(-1);
    this.classFreeCount.fill(0);
    this.classPage.fill(-1);
    this.classBump.fill(0);
    this.classPages.fill(0);
    CLASS_SIZES.forEach((size, cls) => this.classSweepAt[cls] = minSweepSlots(size));
    this.usedBytes = 0;
    this.allocatedBytes = 0;
  }

  private allocHuge(size: number): number {
    const pageNo = this.newPage(HUGE_CLASS, size, size);
    this.usedBytes += size;
    this.pageLive[pageNo] = 1;
    return pageNo * SLOTS_PER_PAGE_MAX;
  }

  private newPage(cls: number, bytes: number, slotSize: number): number {
    const pageNo = this.freePages.length > 0 ? this.freePages.pop()! : this.pages.length;
    if (pageNo >= MAX_PAGES) throw new RangeError("Slab page table is full");
    const page = new Uint8Array(bytes);
    this.pages[pageNo] = page;
    this.slotSize[pageNo] = slotSize;
    this.pageClass[pageNo] = cls;
    this.pageLive[pageNo] = 0;
    this.allocatedBytes += bytes;
    return pageNo;
  }

  private releasePage(pageNo: number): void {
    this.allocatedBytes -= this.pages[pageNo]!.length;
    this.pages[pageNo] = null;
    this.pageLive[pageNo] = 0;
    this.freePages.push(pageNo);
  }

  /**
   * Gives back pages of a class that hold no live record: rebuilds the
   * class's free list without their slots. Runs only when more than half of
   * the class is free, so its cost is amortised over the frees that caused it.
   */
  private sweepClass(cls: number): void {
    const slotSize = CLASS_SIZES[cls];
    let head = this.classFreeHead[cls];
    let newHead = -1;
    let tail = -1;
    let kept = 0;
    const current = this.classPage[cls];
    while (head >= 0) {
      const pageNo = head >>> SLOT_BITS;
      const page = this.pages[pageNo]!;
      const next = readNext(page, (head & (SLOTS_PER_PAGE_MAX - 1)) * slotSize);
      if (this.pageLive[pageNo] > 0 || pageNo === current) {
        if (tail < 0) newHead = head;
        else writeNext(this.pages[tail >>> SLOT_BITS]!, (tail & 4095) * slotSize, head);
        tail = head;
        kept++;
      }
      head = next;
    }
    if (tail >= 0) writeNext(this.pages[tail >>> SLOT_BITS]!, (tail & 4095) * slotSize, -1);
    this.classFreeHead[cls] = newHead;
    this.classFreeCount[cls] = kept;
    this.classSweepAt[cls] = Math.max(kept * 2, minSweepSlots(slotSize));
    for (let pageNo = 0; pageNo < this.pages.length; pageNo++) {
      if (
        this.pages[pageNo] !== null && this.pageClass[pageNo] === cls &&
        this.pageLive[pageNo] === 0 && pageNo !== current
      ) {
        this.releasePage(pageNo);
        this.classPages[cls]--;
      }
    }
  }
}

/** A class is not swept before this many of its slots are free (four pages). */
function minSweepSlots(slotSize: number): number {
  return 4 * slotsPerPage(slotSize);
}

function slotsPerPage(slotSize: number): number {
  return Math.max(1, Math.min(SLOTS_PER_PAGE_MAX, Math.floor(PAGE_BYTES / slotSize)));
}

function readNext(page: Uint8Array, off: number): number {
  return (page[off] | (page[off + 1] << 8) | (page[off + 2] << 16) | (page[off + 3] << 24));
}

function writeNext(page: Uint8Array, off: number, next: number): void {
  page[off] = next & 0xff;
  page[off + 1] = (next >>> 8) & 0xff;
  page[off + 2] = (next >>> 16) & 0xff;
  page[off + 3] = (next >>> 24) & 0xff;
}
