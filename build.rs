//! Generates `include/smscode.h` with cbindgen, and gives the Linux `.so` its SONAME.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");

    // Linux: libsmscode.so.<major>, the ABI version (0 while the version is 0.x).
    // Android packages libraries unversioned and wants the SONAME to equal the file name.
    match std::env::var("CARGO_CFG_TARGET_OS")
        .unwrap_or_default()
        .as_str()
    {
        "linux" => {
            let major = env!("CARGO_PKG_VERSION_MAJOR");
            println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsmscode.so.{major}");
        }
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
    let path = Path::new(&crate_dir).join("include").join("smscode.h");
    let mut generated = Vec::new();
    header.write(&mut generated);
    // Write only on change, so an unchanged header keeps its timestamp.
    if std::fs::read(&path).ok().as_deref() != Some(generated.as_slice()) {
        std::fs::create_dir_all(path.parent().expect("include/")).expect("create include/");
        std::fs::write(&path, generated).expect("write include/smscode.h");
    }
}
