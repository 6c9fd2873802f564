//! The `hadron` binary: a thin clap front over the Hadron libraries.

fn main() {
    allocator::tune();
    let args: Vec<String> = std::env::args().collect();
    let code =
        hadron_cli::run_with(&args, hadron_cli::Terminal::detect(), &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}

/// glibc's allocator settings for a scan's working set. By default it hands every freed block above 128 KiB back
/// to the kernel (a basket's bytes, a decompressed basket, a decoded column) and the next block of that size has
/// its pages faulted in and zeroed again, ~4 µs each in a VM: up to a third of a short query. Here blocks up to
/// 32 MiB come from the heap, the heap grows 16 MiB at a time and is not trimmed, so a query faults in its working
/// set once. A user's own `GLIBC_TUNABLES` is left alone.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod allocator {
    #![allow(unsafe_code)]

    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }

    const M_TRIM_THRESHOLD: i32 = -1;
    const M_TOP_PAD: i32 = -2;
    const M_MMAP_THRESHOLD: i32 = -3;

    pub fn tune() {
        if std::env::var_os("GLIBC_TUNABLES").is_some() {
            return;
        }
        // SAFETY: mallopt only changes parameters (called before any other thread starts); a value it rejects
        // leaves the default in place.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 32 << 20);
            mallopt(M_TRIM_THRESHOLD, i32::MAX);
            mallopt(M_TOP_PAD, 16 << 20);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod allocator {
    pub fn tune() {}
}
