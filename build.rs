fn main() {
    // include_dir sees edits to bundled articles but not added or removed files.
    println!("cargo:rerun-if-changed=kb");
}
