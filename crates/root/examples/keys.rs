//! Lists the keys of ROOT files (development aid).
#![allow(clippy::print_stdout)]
fn main() {
    for p in std::env::args().skip(1) {
        let f = futures::executor::block_on(hadron_root::RootFile::open_path(&p));
        match f {
            Ok(f) => {
                let (k, s) = futures::executor::block_on(f.streamer_info_payload())
                    .map(|(k, s)| (k.class_name, s.len()))
                    .unwrap_or_default();
                println!(
                    "{p}: v{} {} keys; streamers {k} {s}B",
                    f.header().root_version(),
                    f.root_directory().keys.len()
                );
            }
            Err(e) => println!("{p}: ERROR {e}"),
        }
    }
}
