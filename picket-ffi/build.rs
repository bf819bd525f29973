//! Gives the shared library its SONAME, so that a program linked against an installed
//! `libpicket.so` records the ABI it was built for (`libpicket.so.0.1`), not the unversioned
//! development symlink. See the top-level Makefile, which installs
//! `libpicket.so.X.Y.Z`, the SONAME link and `libpicket.so`.
//!
//! The ABI part of the version follows semver and cargo-c: the major version, or `0.MINOR`
//! while the major version is 0 (every 0.x minor release may break the ABI).
//! Only ELF targets get it; a Mach-O `install_name` or a Windows import library is not set
//! here.

fn main() {
    let major =
        std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
    let minor =
        std::env::var("CARGO_PKG_VERSION_MINOR").expect("cargo sets CARGO_PKG_VERSION_MINOR");
    let abi = if major == "0" {
        format!("0.{minor}")
    } else {
        major
    };
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let elf = matches!(
        os.as_str(),
        "linux"
            | "android"
            | "freebsd"
            | "netbsd"
            | "openbsd"
            | "dragonfly"
            | "illumos"
            | "solaris"
    );
    if elf {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpicket.so.{abi}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
