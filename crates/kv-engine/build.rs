//! Compiles csrc/longdouble.c: INCRBYFLOAT's 80-bit arithmetic and formatting
//! (see that file for why it is C).

fn main() {
    println!("cargo:rerun-if-changed=csrc/longdouble.c");
    cc::Build::new()
        .file("csrc/longdouble.c")
        .opt_level(2)
        .compile("kvlongdouble");
}
