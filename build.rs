//! Generates the C header with cbindgen into `OUT_DIR` (never into the source tree:
//! `scripts/check-header.sh` compares it with the committed `include/smscode.h`, and
//! `scripts/check-header.sh --write` updates that), and gives the Linux `.so` its
//! SONAME.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");

    // Linux: the SONAME names the ABI. Under semver a 0.x minor release may break
    // the ABI, so 0.x versions keep two components (libsmscode.so.0.1, as cargo-c
    // does) and 1.0 onwards one (libsmscode.so.1).
    // Android packages libraries unversioned and wants the SONAME to equal the file name.
    match std::env::var("CARGO_CFG_TARGET_OS")
        .unwrap_or_default()
        .as_str()
    {
        "linux" => println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{}", soname()),
        "android" => println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsmscode.so"),
        _ => {}
    }

    let crate_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let config = cbindgen::Config::from_file(Path::new(&crate_dir).join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    // Only the C ABI module (src/ffi/mod.rs and the modules it declares) is parsed:
    // the Rust API's own constants stay out of C.
    let builder = cbindgen::Builder::new()
        .with_config(config)
        .with_src(Path::new(&crate_dir).join("src/ffi/mod.rs"));
    let header = builder.generate().expect("cbindgen can parse src/ffi");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    header.write_to_file(Path::new(&out_dir).join("smscode.h"));
}

/// `libsmscode.so.<major>.<minor>` for 0.x versions, `libsmscode.so.<major>` from 1.0.
fn soname() -> String {
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    if major == "0" {
        let minor = env!("CARGO_PKG_VERSION_MINOR");
        format!("libsmscode.so.0.{minor}")
    } else {
        format!("libsmscode.so.{major}")
    }
}
