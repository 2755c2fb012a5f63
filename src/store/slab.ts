/**
 * Size-class slab allocator for small byte records (keys and small string
 * values). Records live packed in large pages instead of one JS object per
 * record, which is what lets a million keys cost about what they cost in
 * Redis (see docs/adr/0002-keyspace-representation.md).
 *
 * A record is named by a 32-bit handle: `page * 4096 + slot`. Each page
 * belongs to one size class and holds up to 4096 equal slots; a record
 * larger than the biggest class gets a page of its own. Freed slots of a
 * class form a doubly linked free list threaded through the slots
 * themselves (next and previous handles in their first 8 bytes), so the
 * allocator has no per-record overhead beyond rounding up to the class.
 *
 * Memory goes back as soon as it can: a page whose last record is freed
 * is released at once (its slots unlinked from the free list, which the
 * back links make O(slots of the page)), except that each class keeps one
 * empty page in reserve so an allocation right after cannot thrash pages.
 *
 * @module
 */

const SLOTS_PER_PAGE_MAX = 4096;
const SLOT_BITS = 12;
const SLOT_MASK = SLOTS_PER_PAGE_MAX - 1;
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
  /** The page each class bump-allocates from (slots past the bump were never handed out). */
  private classPage: number[] = CLASS_SIZES.map(() => -1);
  private classBump: number[] = CLASS_SIZES.map(() => 0);
  /** An empty page each class keeps instead of releasing it (-1 when none). */
  private classReserve: number[] = CLASS_SIZES.map(() => -1);
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
      const pageNo = head >>> SLOT_BITS;
      const next = readLink(this.pages[pageNo]!, (head & SLOT_MASK) * slotSize);
      this.classFreeHead[cls] = next;
      if (next >= 0) this.writePrev(next, -1);
      if (this.pageLive[pageNo]++ === 0 && this.classReserve[cls] === pageNo) {
        this.classReserve[cls] = -1;
      }
      return head;
    }
    let pageNo = this.classPage[cls];
    if (pageNo < 0 || this.classBump[cls] >= slotsPerPage(slotSize)) {
      pageNo = this.newPage(cls, slotSize * slotsPerPage(slotSize), slotSize);
      this.classPage[cls] = pageNo;
      this.classBump[cls] = 0;
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
    const off = (handle & SLOT_MASK) * slotSize;
    const head = this.classFreeHead[cls];
    writeLink(page, off, head);
    writeLink(page, off + 4, -1);
    if (head >= 0) this.writePrev(head, handle);
    this.classFreeHead[cls] = handle;
    // Every slot of a page other than the bump page has been handed out,
    // so when its last record goes, all its slots are on the free list.
    if (--this.pageLive[pageNo] === 0 && pageNo !== this.classPage[cls]) {
      if (this.classReserve[cls] < 0) this.classReserve[cls] = pageNo;
      else this.releaseEmptyPage(cls, pageNo);
    }
  }

  /** The page holding a record. */
  page(handle: number): Uint8Array {
    return this.pages[handle >>> SLOT_BITS]!;
  }

  /** Byte offset of a record inside its page. */
  offset(handle: number): number {
    return (handle & SLOT_MASK) * this.slotSize[handle >>> SLOT_BITS];
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
    this.classPage.fill(-1);
    this.classBump.fill(0);
    this.classReserve.fill(-1);
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

  /** Unlinks every slot of an empty page from its class's free list, then releases it. */
  private releaseEmptyPage(cls: number, pageNo: number): void {
    const slotSize = CLASS_SIZES[cls];
    const page = this.pages[pageNo]!;
    const slots = slotsPerPage(slotSize);
    for (let slot = 0; slot < slots; slot++) {
      const off = slot * slotSize;
      const next = readLink(page, off);
      const prev = readLink(page, off + 4);
      if (prev >= 0) this.writeNext(prev, next);
      else this.classFreeHead[cls] = next;
      if (next >= 0) this.writePrev(next, prev);
    }
    this.releasePage(pageNo);
  }

  private writeNext(handle: number, next: number): void {
    const pageNo = handle >>> SLOT_BITS;
    writeLink(this.pages[pageNo]!, (handle & SLOT_MASK) * this.slotSize[pageNo], next);
  }

  private writePrev(handle: number, prev: number): void {
    const pageNo = handle >>> SLOT_BITS;
    writeLink(this.pages[pageNo]!, (handle & SLOT_MASK) * this.slotSize[pageNo] + 4, prev);
  }
}

function slotsPerPage(slotSize: number): number {
  return Math.max(1, Math.min(SLOTS_PER_PAGE_MAX, Math.floor(PAGE_BYTES / slotSize)));
}

/** Reads a free-list link (a handle, or -1) stored little-endian in a free slot. */
function readLink(page: Uint8Array, off: number): number {
  return (page[off] | (page[off + 1] << 8) | (page[off + 2] << 16) | (page[off + 3] << 24));
}

function writeLink(page: Uint8Array, off: number, link: number): void {
  page[off] = link & 0xff;
  page[off + 1] = (link >>> 8) & 0xff;
  page[off + 2] = (link >>> 16) & 0xff;
  page[off + 3] = (link >>> 24) & 0xff;
}
