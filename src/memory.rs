//! The process's allocator: the system allocator, with large blocks asking the kernel for
//! transparent huge pages (Linux only) and kept for reuse when freed (everywhere).
//!
//! Training on a large catalogue allocates and frees tensors of tens to hundreds of MiB in every
//! step: the sampled loss's scores, and with dense table updates the item table's gradient, the
//! optimizer's moments and their temporaries (a million items of 64 floats are 256 MiB each).
//! glibc serves blocks that large with fresh `mmap`s, so each step touches them again page by
//! page, 65,536 page faults per 256 MiB with 4 KiB pages. Where the kernel hands out huge pages
//! on request (`/sys/kernel/mm/transparent_hugepage/enabled` set to `madvise`, the common
//! default), advising these blocks makes that 128 faults of 2 MiB and spares the TLB. This is
//! what `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` does, which a program cannot set for itself once
//! it runs.
//!
//! A block handed back to the kernel comes back as fresh pages that the kernel must zero on first
//! touch (a third of a million-item step's time went to that). So freed large blocks are kept,
//! up to [`KEPT_BYTES`] in all, and handed out again for a request of the same size: a step
//! allocates the same shapes as the one before it. Measured in docs/benchmark-log.md ("Huge
//! pages and kept blocks").

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;

/// Blocks of at least this many bytes are advised to use huge pages and kept when freed.
pub const HUGE_PAGE_BLOCK_BYTES: usize = 4 << 20;

/// Most bytes of freed large blocks kept for reuse. 128 MiB: with the item table trained row by
/// row, a million-item step's largest temporaries are its `[positions, negatives]` scores
/// (about 50 MiB); 0.314 s per step against 0.352 s keeping none and 0.326 s keeping 512 MiB,
/// while on ML-1M, where nothing is gained, 512 MiB of kept blocks doubled the peak resident
/// memory (534 → 1,044 MiB; 657 MiB with 128). docs/benchmark-log.md, "Row-sparse item
/// updates".
pub const KEPT_BYTES: usize = 128 << 20;

/// Most freed large blocks kept for reuse.
const KEPT_SLOTS: usize = 32;

/// A freed block kept for reuse: its address and layout.
#[derive(Clone, Copy)]
struct Kept {
    address: usize,
    size: usize,
    align: usize,
}

/// The freed large blocks kept for reuse.
struct KeptBlocks {
    slots: [Option<Kept>; KEPT_SLOTS],
    bytes: usize,
}

static KEPT: Mutex<KeptBlocks> = Mutex::new(KeptBlocks {
    slots: [None; KEPT_SLOTS],
    bytes: 0,
});

/// Runs `f` on the kept blocks (a poisoned lock is still usable: the list stays consistent).
fn with_kept<T>(f: impl FnOnce(&mut KeptBlocks) -> T) -> T {
    let mut kept = KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    f(&mut kept)
}

/// A kept block of exactly `layout`'s size and alignment, taken out of the list.
fn take_kept(layout: Layout) -> Option<*mut u8> {
    if layout.size() < HUGE_PAGE_BLOCK_BYTES {
        return None;
    }
    with_kept(|kept| {
        let slot = kept.slots.iter_mut().find(|slot| {
            slot.is_some_and(|k| k.size == layout.size() && k.align == layout.align())
        })?;
        let block = slot.take()?;
        kept.bytes -= block.size;
        Some(block.address as *mut u8)
    })
}

/// Keeps a freed block when it is large and there is room; false when the caller must free it.
fn keep(block: *mut u8, layout: Layout) -> bool {
    if layout.size() < HUGE_PAGE_BLOCK_BYTES || layout.size() > KEPT_BYTES {
        return false;
    }
    with_kept(|kept| {
        if kept.bytes + layout.size() > KEPT_BYTES {
            return false;
        }
        let Some(slot) = kept.slots.iter_mut().find(|slot| slot.is_none()) else {
            return false;
        };
        *slot = Some(Kept {
            address: block as usize,
            size: layout.size(),
            align: layout.align(),
        });
        kept.bytes += layout.size();
        true
    })
}

/// Hands every kept block back to the system (after a training run, say); returns the bytes.
pub fn release_kept_blocks() -> usize {
    // Taken out whole, so nothing is allocated while the lock is held.
    let slots = with_kept(|kept| {
        kept.bytes = 0;
        std::mem::replace(&mut kept.slots, [None; KEPT_SLOTS])
    });
    let mut released = 0;
    for block in slots.into_iter().flatten() {
        if let Ok(layout) = Layout::from_size_align(block.size, block.align) {
            // SAFETY: the block was allocated by `System` with this layout and, being kept, had
            // no owner.
            unsafe { System.dealloc(block.address as *mut u8, layout) };
            released += block.size;
        }
    }
    released
}

/// [`System`], with every block of [`HUGE_PAGE_BLOCK_BYTES`] or more advised to use
/// transparent huge pages (`madvise(MADV_HUGEPAGE)`) before it is first touched, and kept for
/// a later request of its size when freed (up to [`KEPT_BYTES`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct HugePageAllocator;

// SAFETY: every block comes from `System` with the layout it is later freed with: a kept block
// is only handed out again for exactly its size and alignment, and is owned by nobody while kept.
// `advise` only gives the kernel a hint about pages inside a live block.
unsafe impl GlobalAlloc for HugePageAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if let Some(block) = take_kept(layout) {
            return block;
        }
        // SAFETY: forwarded unchanged; the caller upholds `GlobalAlloc::alloc`'s contract.
        let block = unsafe { System.alloc(layout) };
        advise(block, layout.size());
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // Fresh blocks from the system are zero already; a kept one is not, and is cleared here.
        if let Some(block) = take_kept(layout) {
            // SAFETY: the kept block is `layout.size()` bytes and owned by this call now.
            unsafe { std::ptr::write_bytes(block, 0, layout.size()) };
            return block;
        }
        // SAFETY: as in `alloc`.
        let block = unsafe { System.alloc_zeroed(layout) };
        advise(block, layout.size());
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        if keep(block, layout) {
            return;
        }
        // SAFETY: `block` came from `System` through this allocator with this layout.
        unsafe { System.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as in `dealloc`; the caller upholds `GlobalAlloc::realloc`'s contract.
        let moved = unsafe { System.realloc(block, layout, new_size) };
        advise(moved, new_size);
        moved
    }
}

/// Asks for huge pages on the whole pages inside `[block, block + len)` when the block is large.
#[cfg(target_os = "linux")]
fn advise(block: *mut u8, len: usize) {
    const PAGE: usize = 4096;
    if block.is_null() || len < HUGE_PAGE_BLOCK_BYTES {
        return;
    }
    let start = (block as usize).next_multiple_of(PAGE);
    let end = (block as usize + len) / PAGE * PAGE;
    if end > start {
        // SAFETY: the range lies inside a live block this process owns; MADV_HUGEPAGE changes no
        // contents and its failure (no THP support) leaves the block as it was, so it is ignored.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

/// Elsewhere there is nothing to ask.
#[cfg(not(target_os = "linux"))]
fn advise(_block: *mut u8, _len: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kernel's transparent-huge-page mode, the bracketed word of `enabled`.
    fn huge_page_mode() -> Option<String> {
        let text = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled").ok()?;
        let start = text.find('[')? + 1;
        let end = text[start..].find(']')? + start;
        Some(text[start..end].to_owned())
    }

    /// `AnonHugePages` of the mapping that holds `address`, in KiB, from `/proc/self/smaps`.
    fn huge_kib_at(address: usize) -> Option<u64> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").ok()?;
        let mut inside = false;
        for line in smaps.lines() {
            let range = line.split_whitespace().next().unwrap_or("");
            if let Some((low, high)) = range.split_once('-')
                && let (Ok(low), Ok(high)) = (
                    usize::from_str_radix(low, 16),
                    usize::from_str_radix(high, 16),
                )
            {
                inside = (low..high).contains(&address);
                continue;
            }
            if inside && let Some(rest) = line.strip_prefix("AnonHugePages:") {
                return rest.trim().trim_end_matches("kB").trim().parse().ok();
            }
        }
        None
    }

    #[test]
    fn a_large_block_gets_huge_pages_where_the_kernel_grants_them_on_request() {
        let layout = Layout::from_size_align(64 << 20, 64).unwrap();
        let allocator = HugePageAllocator;
        // SAFETY: a non-zero layout; the block is written within bounds and freed once.
        let block = unsafe { allocator.alloc(layout) };
        assert!(!block.is_null());
        unsafe { std::ptr::write_bytes(block, 1, layout.size()) };
        let huge = huge_kib_at(block as usize + (32 << 20));
        unsafe { allocator.dealloc(block, layout) };
        match huge_page_mode().as_deref() {
            Some("madvise") => {
                let huge = huge.expect("the block's mapping in /proc/self/smaps");
                assert!(
                    huge > 0,
                    "no huge pages in a 64 MiB advised block: {huge} KiB"
                );
            }
            mode => eprintln!(
                "SKIPPED the huge-page check: transparent huge pages are {mode:?}, not \
                 \"madvise\", so advising changes nothing here"
            ),
        }
    }

    #[test]
    fn a_freed_large_block_is_handed_out_again_for_its_size_and_cleared_when_asked() {
        // An odd size no other test allocates, so blocks freed by parallel tests do not interfere.
        let layout = Layout::from_size_align(HUGE_PAGE_BLOCK_BYTES + 3 * 4096 + 64, 128).unwrap();
        let allocator = HugePageAllocator;
        // SAFETY: non-zero layouts; each block is written within bounds and freed once.
        unsafe {
            let first = allocator.alloc(layout);
            std::ptr::write_bytes(first, 7, layout.size());
            allocator.dealloc(first, layout);
            let again = allocator.alloc_zeroed(layout);
            assert_eq!(again, first, "the kept block is reused");
            let bytes = std::slice::from_raw_parts(again, layout.size());
            assert!(
                bytes.iter().all(|&b| b == 0),
                "a reused block asked zeroed is zero"
            );
            allocator.dealloc(again, layout);
        }
    }

    #[test]
    fn small_blocks_and_reallocation_keep_their_contents() {
        let mut grown: Vec<u32> = (0..1000).collect();
        grown.extend(1000..(HUGE_PAGE_BLOCK_BYTES as u32));
        assert!(grown.iter().enumerate().all(|(i, &v)| i as u32 == v));
        let zeroed = vec![0u8; 2 * HUGE_PAGE_BLOCK_BYTES];
        assert!(zeroed.iter().all(|&b| b == 0));
    }
}
