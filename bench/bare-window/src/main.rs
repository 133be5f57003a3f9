//! The yardstick window for `scripts/bench.sh`: Tauri with one static page and nothing
//! else, so the app's start-up, memory and idle CPU can be read beside what any Tauri
//! window costs on the same machine in the same run.
fn main() {
    tauri::Builder::default().run(tauri::generate_context!()).expect("error while running the bare window");
}
