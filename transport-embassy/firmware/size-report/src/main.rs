//! The firmware's size table.
//!
//! Builds `transport-embassy/firmware` for `thumbv7em-none-eabihf` in release
//! three times — with stratus (default features: endpoints resolved on the
//! device by the rules engine), with stratus and fixed endpoint URLs
//! (`--no-default-features --features aws`: no rules engine), and as the
//! baseline without stratus (`--no-default-features`: same board, network
//! stack and loop, the reading written to a plain socket) — and prints, from
//! the ELF files:
//!
//! 1. `size`'s text / data / bss of each build and their difference, which is
//!    stratus's share (core, models, the HTTP layer, the transport's glue and
//!    whatever of `core`/`compiler_builtins` only stratus pulls in), for both
//!    stratus builds, set against the goal of 64 KiB of flash and 16 KiB of
//!    static RAM;
//! 2. the symbol table's sizes by crate in both builds (a cross-check of the
//!    difference, and where it goes), and `stratus_core`'s modules;
//! 3. the deepest stack path of each build's tasks, from the frames the
//!    functions' prologues take along a chain of direct calls ([`stack`]).
//!
//! text is every allocated read-only section (vector table, code, constants),
//! data the initialised RAM (stored in flash too), bss the zeroed RAM; flash
//! is text + data, static RAM data + bss (stacks and the heap-free firmware's
//! free RAM are not in it).

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use object::elf;
use object::read::elf::{ElfFile32, SectionHeader};
use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};

mod stack;

const TARGET: &str = "thumbv7em-none-eabihf";
const BIN: &str = "stratus-firmware";
/// The goal for stratus's share.
const FLASH_GOAL: u64 = 64 * 1024;
const RAM_GOAL: u64 = 16 * 1024;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("firmware size: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let firmware = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("the tool is not inside the firmware folder")?
        .to_path_buf();
    let target_dir = match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => firmware.join("../../target"),
    };
    let baseline = build(&firmware, &target_dir, Variant::Baseline)?;
    let fixed = build(&firmware, &target_dir, Variant::FixedEndpoints)?;
    let full = build(&firmware, &target_dir, Variant::Stratus)?;
    let baseline = Measured::read(&baseline)?;
    let fixed = Measured::read(&fixed)?;
    let full = Measured::read(&full)?;
    print!("{}", report(&full, &fixed, &baseline));
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Variant {
    /// Default features: the endpoint rules engine on the device.
    Stratus,
    /// Fixed endpoint URLs, no rules engine.
    FixedEndpoints,
    Baseline,
}

impl Variant {
    /// The feature flags of its `cargo build`.
    fn flags(self) -> &'static [&'static str] {
        match self {
            Variant::Stratus => &[],
            Variant::FixedEndpoints => &["--no-default-features", "--features", "aws"],
            Variant::Baseline => &["--no-default-features"],
        }
    }

    /// The name its ELF is copied to.
    fn elf(self) -> &'static str {
        match self {
            Variant::Stratus => "stratus-firmware.elf",
            Variant::FixedEndpoints => "stratus-firmware-fixed-endpoints.elf",
            Variant::Baseline => "stratus-firmware-baseline.elf",
        }
    }
}

/// Builds one variant and copies its ELF next to the binary under a name of
/// its own, so the two builds do not overwrite each other's.
fn build(firmware: &Path, target_dir: &Path, variant: Variant) -> Result<PathBuf, String> {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    // The firmware's `.cargo/config.toml` (its `[env]`: the operations kept)
    // is read from the folder cargo starts in.
    cmd.current_dir(firmware)
        .env("CARGO_TARGET_DIR", target_dir)
        .args(["build", "--release", "--target", TARGET])
        .args(variant.flags())
        .args(["--config", &remap_flags(firmware)?]);
    if variant != Variant::Baseline {
        // Placeholder keys, so the calls are compiled as they would be with
        // real ones (without keys the firmware only reports that it has
        // none, and the optimiser drops the calls). Nothing is sent.
        cmd.env("STRATUS_AWS_ACCESS_KEY_ID", "AKIDSIZEBUILDONLY")
            .env(
                "STRATUS_AWS_SECRET_ACCESS_KEY",
                "placeholder-for-the-size-build",
            )
            .env_remove("STRATUS_AWS_SESSION_TOKEN");
    }
    let flags: String = variant.flags().iter().map(|f| format!(" {f}")).collect();
    println!(
        "$ (cd transport-embassy/firmware && cargo build --release --target {TARGET}{flags} --config <path remaps>)"
    );
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the firmware build failed ({status})"));
    }
    let dir = target_dir.join(TARGET).join("release");
    let copy = dir.join(variant.elf());
    fs::copy(dir.join(BIN), &copy).map_err(|e| format!("copying {BIN}: {e}"))?;
    Ok(copy)
}

/// The `--config` that adds path remaps to the firmware's rustflags: the
/// checkout's folder becomes `stratus` and cargo's home `cargo` in the panic
/// locations the firmware holds, so the sizes do not depend on where the
/// checkout and the registry are (every source path's length was in them).
/// Arrays given with `--config` are joined to the firmware's own
/// `rustflags` (its `target-cpu`).
fn remap_flags(firmware: &Path) -> Result<String, String> {
    let repo = firmware
        .join("../..")
        .canonicalize()
        .map_err(|e| format!("the checkout's folder: {e}"))?;
    let cargo_home = match env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home),
        None => PathBuf::from(env::var_os("HOME").ok_or("neither CARGO_HOME nor HOME is set")?)
            .join(".cargo"),
    };
    let flag = |from: &Path, to: &str| {
        let from = from.to_str().ok_or("a path that is not UTF-8")?;
        if from.contains(['"', '\\', '=']) {
            return Err(format!("a path the remap flag cannot carry: {from}"));
        }
        Ok(format!("\"--remap-path-prefix={from}={to}\""))
    };
    Ok(format!(
        "target.{TARGET}.rustflags=[{}, {}]",
        flag(&repo, "stratus")?,
        flag(&cargo_home, "cargo")?
    ))
}

/// `size`'s three figures.
#[derive(Clone, Copy, Default)]
struct Sizes {
    text: u64,
    data: u64,
    bss: u64,
}

impl Sizes {
    fn flash(&self) -> u64 {
        self.text + self.data
    }
    fn ram(&self) -> u64 {
        self.data + self.bss
    }
}

/// Bytes of one crate (or group of symbols).
#[derive(Clone, Copy, Default)]
struct Share {
    flash: u64,
    ram: u64,
}

struct Measured {
    sizes: Sizes,
    crates: BTreeMap<String, Share>,
    core_modules: BTreeMap<String, Share>,
    /// Flash bytes of each named symbol (demangled, without its hash).
    symbols: BTreeMap<String, u64>,
    /// RAM bytes of each named symbol.
    ram_symbols: BTreeMap<String, u64>,
    /// The deepest stack path from an embassy task's poll.
    stack: Vec<stack::Frame>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Data,
    Bss,
}

impl Measured {
    fn read(path: &Path) -> Result<Self, String> {
        let bytes = fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let file = ElfFile32::<object::Endianness>::parse(&*bytes)
            .map_err(|e| format!("{} is not a 32-bit ELF file: {e}", path.display()))?;
        let endian = file.endian();
        let mut sizes = Sizes::default();
        let mut kinds: BTreeMap<usize, Kind> = BTreeMap::new();
        for section in file.sections() {
            let header = section.elf_section_header();
            let flags = header.sh_flags(endian);
            if flags.0 & elf::SHF_ALLOC.0 == 0 {
                continue;
            }
            let kind = if header.sh_type(endian) == elf::SHT_NOBITS {
                Kind::Bss
            } else if flags.0 & elf::SHF_WRITE.0 != 0 {
                Kind::Data
            } else {
                Kind::Text
            };
            let size = u64::from(header.sh_size(endian));
            match kind {
                Kind::Text => sizes.text += size,
                Kind::Data => sizes.data += size,
                Kind::Bss => sizes.bss += size,
            }
            kinds.insert(section.index().0, kind);
        }
        let mut image = stack::Image::default();
        for section in file.sections() {
            let header = section.elf_section_header();
            if header.sh_flags(endian).0 & elf::SHF_EXECINSTR.0 != 0
                && let Ok(data) = section.data()
            {
                image.sections.insert(header.sh_addr(endian), data.to_vec());
            }
        }
        for symbol in file.symbols() {
            let name = symbol.name().unwrap_or("");
            // Mapping symbols: `$d` (data in code, literal pools), `$t` (Thumb code).
            if name == "$d" || name.starts_with("$d.") {
                image.mapping.insert(symbol.address() as u32 & !1, true);
            } else if name == "$t" || name.starts_with("$t.") {
                image.mapping.insert(symbol.address() as u32 & !1, false);
            } else if symbol.kind() == SymbolKind::Text && symbol.size() > 0 {
                image
                    .functions
                    .entry(symbol.address() as u32 & !1)
                    .or_insert_with(|| {
                        let shown = format!("{:#}", rustc_demangle::demangle(name));
                        (symbol.size() as u32, shown)
                    });
            }
        }
        let stack = stack::deepest_path(&image, |name| {
            name.contains("TaskStorage") && name.ends_with("::poll")
        })
        .unwrap_or_default();
        let mut crates: BTreeMap<String, Share> = BTreeMap::new();
        let mut core_modules: BTreeMap<String, Share> = BTreeMap::new();
        let mut symbols: BTreeMap<String, u64> = BTreeMap::new();
        let mut ram_symbols: BTreeMap<String, u64> = BTreeMap::new();
        // Aliases (one address, several names) are counted once.
        let mut seen = std::collections::BTreeSet::new();
        for symbol in file.symbols() {
            let size = symbol.size();
            if size == 0 || matches!(symbol.kind(), SymbolKind::Section | SymbolKind::File) {
                continue;
            }
            let Some(index) = symbol.section_index() else {
                continue;
            };
            let Some(&kind) = kinds.get(&index.0) else {
                continue;
            };
            if !seen.insert((symbol.address() & !1, size)) {
                continue;
            }
            let raw = symbol.name().unwrap_or("");
            let name = format!("{:#}", rustc_demangle::demangle(raw));
            let owner = crate_of(raw, &name);
            let share = match kind {
                Kind::Text => Share {
                    flash: size,
                    ram: 0,
                },
                Kind::Data => Share {
                    flash: size,
                    ram: size,
                },
                Kind::Bss => Share {
                    flash: 0,
                    ram: size,
                },
            };
            if kind != Kind::Bss && !owner.starts_with('(') {
                *symbols.entry(name.clone()).or_default() += size;
            }
            if kind != Kind::Text {
                *ram_symbols.entry(name.clone()).or_default() += size;
            }
            if owner == "stratus_core" {
                add(&mut core_modules, module_of(&name), share);
            }
            add(&mut crates, owner, share);
        }
        Ok(Measured {
            sizes,
            crates,
            core_modules,
            symbols,
            ram_symbols,
            stack,
        })
    }
}

fn add(map: &mut BTreeMap<String, Share>, key: String, share: Share) {
    let entry = map.entry(key).or_default();
    entry.flash += share.flash;
    entry.ram += share.ram;
}

/// The path's components at angle-bracket depth 0.
fn components(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start, mut i) = (0i32, 0, 0);
    let b = path.as_bytes();
    while i < b.len() {
        match b[i] {
            b'<' => depth += 1,
            b'>' => depth -= 1,
            b':' if depth == 0 && b.get(i + 1) == Some(&b':') => {
                out.push(&path[start..i]);
                start = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&path[start..]);
    out
}

/// The crate a path names first (`a::b::c` → `a`), if it is a path.
fn path_crate(path: &str) -> Option<String> {
    let path = path
        .trim_start_matches('&')
        .trim_start_matches("mut ")
        .trim_start_matches("*const ")
        .trim_start_matches("*mut ")
        .trim_start_matches("dyn ")
        .trim_start_matches('[');
    let parts = components(path);
    if parts.len() < 2 {
        return None;
    }
    let first = parts[0];
    let first = first.split('<').next().unwrap_or(first);
    (!first.is_empty()
        && first
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_'))
    .then(|| first.to_string())
}

/// The crate a symbol belongs to. `<X as Trait>::f` goes to X's crate, or to
/// the trait's when X is a primitive or a type parameter; drop glue goes to
/// the type dropped. Generic code of one crate instantiated for another's
/// types stays with the crate that wrote it, and code inlined into a caller
/// is the caller's: the limits of this method.
fn crate_of(raw: &str, name: &str) -> String {
    let rust = raw.starts_with("_ZN") || raw.starts_with("_R");
    if !rust {
        let owner = match raw {
            n if n.starts_with(".L") || n.starts_with("anon.") => "(anonymous constants)",
            n if n.starts_with("OUTLINED_FUNCTION") => "(machine-outlined code, any crate)",
            n if n.starts_with("_defmt") || n == "_SEGGER_RTT" => "defmt",
            n if n.starts_with("_embassy") || n.starts_with("__embassy") => "embassy",
            "Reset"
            | "__pre_init"
            | "DefaultHandler"
            | "DefaultHandler_"
            | "HardFault"
            | "HardFault_"
            | "HardFaultTrampoline"
            | "__INTERRUPTS"
            | "__EXCEPTIONS"
            | "__RESET_VECTOR"
            | "main" => "cortex_m_rt (vectors, reset)",
            n if n
                .bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_') =>
            {
                "embassy_stm32 (interrupt handlers)"
            }
            _ => "compiler_builtins (memory, integer and float helpers)",
        };
        return owner.to_string();
    }
    if let Some(rest) = name.strip_prefix("core::ptr::drop_in_place<")
        && let Some(owner) = path_crate(rest)
    {
        return owner;
    }
    if let Some(inner) = name.strip_prefix('<') {
        // `<X as Trait>::f` or `<X>::f`.
        let mut depth = 1;
        let mut end = inner.len();
        for (i, c) in inner.char_indices() {
            match c {
                '<' => depth += 1,
                '>' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let qualified = &inner[..end];
        let (self_type, trait_path) = match qualified.find(" as ") {
            Some(at) => (&qualified[..at], Some(&qualified[at + 4..])),
            None => (qualified, None),
        };
        return path_crate(self_type)
            .or_else(|| trait_path.and_then(path_crate))
            .unwrap_or_else(|| "core".to_string());
    }
    path_crate(name).unwrap_or_else(|| "(other)".to_string())
}

/// `stratus_core::a::b::…` → `a::b` (module depth two).
fn module_of(name: &str) -> String {
    let trimmed = name.trim_start_matches('<');
    let parts: Vec<&str> = components(trimmed)
        .into_iter()
        .skip(1)
        .take_while(|p| {
            p.chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                && !p.contains(['<', ' ', '{'])
        })
        .take(2)
        .collect();
    if parts.is_empty() {
        "(crate root)".to_string()
    } else {
        parts.join("::")
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn signed(n: i64) -> String {
    if n < 0 {
        format!("−{}", thousands(n.unsigned_abs()))
    } else {
        format!("+{}", thousands(n.unsigned_abs()))
    }
}

fn report(full: &Measured, fixed: &Measured, baseline: &Measured) -> String {
    let mut out = String::new();
    let (f, x, b) = (full.sizes, fixed.sizes, baseline.sizes);
    let diff = |x: u64, y: u64| x as i64 - y as i64;
    let _ = writeln!(
        out,
        "\nFirmware ELF, {TARGET}, release (opt-level \"z\", fat LTO, codegen-units 1, \
         target-cpu cortex-m7 from the firmware's .cargo/config.toml), \
         section sizes read from the ELF headers:\n"
    );
    let _ = writeln!(
        out,
        "| build | text | data | bss | flash (text+data) | static RAM (data+bss) |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    for (label, s) in [
        ("firmware: stratus, Kinesis PutRecord + IoT Data Publish", f),
        (
            "firmware, fixed endpoint URLs (no endpoint rules engine)",
            x,
        ),
        (
            "baseline: same board, network stack, TLS and loop, no stratus",
            b,
        ),
    ] {
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} | {} | {} |",
            thousands(s.text),
            thousands(s.data),
            thousands(s.bss),
            thousands(s.flash()),
            thousands(s.ram())
        );
    }
    let verdict = |share: i64, goal: u64| {
        if share <= goal as i64 {
            "met"
        } else {
            "NOT met"
        }
    };
    let mut verdicts = String::new();
    for (label, s) in [
        ("stratus's share (difference)", f),
        ("stratus's share, fixed endpoints", x),
    ] {
        let share_flash = diff(s.flash(), b.flash());
        let share_ram = diff(s.ram(), b.ram());
        let _ = writeln!(
            out,
            "| **{label}** | {} | {} | {} | **{}** | **{}** |",
            signed(diff(s.text, b.text)),
            signed(diff(s.data, b.data)),
            signed(diff(s.bss, b.bss)),
            signed(share_flash),
            signed(share_ram)
        );
        let _ = writeln!(
            verdicts,
            "Goal for {label}: flash under {} bytes (64 KiB): {}; static RAM under {} bytes (16 KiB): {}.",
            thousands(FLASH_GOAL),
            verdict(share_flash, FLASH_GOAL),
            thousands(RAM_GOAL),
            verdict(share_ram, RAM_GOAL)
        );
    }
    let _ = write!(out, "\n{verdicts}");

    let _ = writeln!(
        out,
        "\nSymbols by crate (sizes from the symbol table; code inlined into a caller counts \
         for the caller, generic code for the crate that wrote it):\n"
    );
    let _ = writeln!(
        out,
        "| crate | flash, firmware | flash, baseline | flash, difference | RAM, firmware | RAM, baseline |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    let mut names: Vec<&String> = full.crates.keys().chain(baseline.crates.keys()).collect();
    names.sort();
    names.dedup();
    let get = |m: &Measured, n: &str| m.crates.get(n).copied().unwrap_or_default();
    names.sort_by_key(|n| std::cmp::Reverse(get(full, n).flash.max(get(baseline, n).flash)));
    let (mut total_full, mut total_base) = (Share::default(), Share::default());
    for name in names {
        let (x, y) = (get(full, name), get(baseline, name));
        total_full.flash += x.flash;
        total_full.ram += x.ram;
        total_base.flash += y.flash;
        total_base.ram += y.ram;
        if x.flash + y.flash + x.ram + y.ram < 256 {
            continue;
        }
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} |",
            thousands(x.flash),
            thousands(y.flash),
            signed(diff(x.flash, y.flash)),
            thousands(x.ram),
            thousands(y.ram)
        );
    }
    let (unnamed_full, unnamed_base) = (
        f.flash().saturating_sub(total_full.flash),
        b.flash().saturating_sub(total_base.flash),
    );
    let _ = writeln!(
        out,
        "| no symbol (string literals, jump tables, alignment) | {} | {} | {} | {} | {} |",
        thousands(unnamed_full),
        thousands(unnamed_base),
        signed(diff(unnamed_full, unnamed_base)),
        thousands(f.ram().saturating_sub(total_full.ram)),
        thousands(b.ram().saturating_sub(total_base.ram))
    );
    let _ = writeln!(
        out,
        "| all symbols (crates under 256 bytes not listed) | {} | {} | {} | {} | {} |",
        thousands(total_full.flash),
        thousands(total_base.flash),
        signed(diff(total_full.flash, total_base.flash)),
        thousands(total_full.ram),
        thousands(total_base.ram)
    );

    let _ = writeln!(
        out,
        "\nLargest symbols of the firmware build that the baseline does not have \
         (by name), whatever their crate:\n"
    );
    let _ = writeln!(out, "| symbol | flash |");
    let _ = writeln!(out, "|---|---:|");
    let mut only: Vec<(&String, &u64)> = full
        .symbols
        .iter()
        .filter(|(name, _)| !baseline.symbols.contains_key(*name))
        .collect();
    only.sort_by_key(|(_, size)| std::cmp::Reverse(**size));
    for (name, size) in only.into_iter().take(25) {
        let shown: String = name.chars().take(110).collect();
        let _ = writeln!(out, "| `{shown}` | {} |", thousands(*size));
    }

    let _ = writeln!(
        out,
        "\nStatic RAM by symbol (512 bytes and more; task futures are embassy's \
         `POOL`s, the call's state lives in the main task's):\n"
    );
    let _ = writeln!(out, "| symbol | firmware | baseline |");
    let _ = writeln!(out, "|---|---:|---:|");
    let mut ram: Vec<&String> = full
        .ram_symbols
        .keys()
        .chain(baseline.ram_symbols.keys())
        .collect();
    ram.sort();
    ram.dedup();
    let bytes = |m: &Measured, n: &str| m.ram_symbols.get(n).copied().unwrap_or(0);
    ram.retain(|n| bytes(full, n).max(bytes(baseline, n)) >= 512);
    ram.sort_by_key(|n| std::cmp::Reverse(bytes(full, n).max(bytes(baseline, n))));
    for name in ram {
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} |",
            thousands(bytes(full, name)),
            thousands(bytes(baseline, name))
        );
    }

    let _ = writeln!(
        out,
        "\n`stratus_core` by path (first two levels, module or function; firmware build):\n"
    );
    let _ = writeln!(out, "| path | flash |");
    let _ = writeln!(out, "|---|---:|");
    let mut modules: Vec<(&String, &Share)> = full.core_modules.iter().collect();
    modules.sort_by_key(|(_, s)| std::cmp::Reverse(s.flash));
    let mut rest = 0;
    for (module, s) in modules {
        if s.flash < 256 {
            rest += s.flash;
            continue;
        }
        let _ = writeln!(out, "| {module} | {} |", thousands(s.flash));
    }
    let _ = writeln!(out, "| (paths under 256 bytes) | {} |", thousands(rest));

    let total = |m: &Measured| m.stack.iter().map(|f| u64::from(f.bytes)).sum::<u64>();
    let _ = writeln!(
        out,
        "\nDeepest stack path from a task's poll (frames read from the prologues, \
         along direct calls; calls through pointers and interrupt frames not counted): \
         firmware {} B, fixed endpoints {} B, baseline {} B. The firmware's:\n",
        thousands(total(full)),
        thousands(total(fixed)),
        thousands(total(baseline))
    );
    let _ = writeln!(out, "| function | frame |");
    let _ = writeln!(out, "|---|---:|");
    for frame in full.stack.iter().filter(|f| f.bytes > 0) {
        let shown: String = frame.name.chars().take(110).collect();
        let _ = writeln!(out, "| `{shown}` | {} |", thousands(u64::from(frame.bytes)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crates_of_names() {
        let c = |n: &str| crate_of("_ZN", n);
        assert_eq!(
            c("stratus_core::client::pipeline::Client<T,C,K>::call::{{closure}}"),
            "stratus_core"
        );
        assert_eq!(c("<char as core::fmt::Debug>::fmt"), "core");
        assert_eq!(
            c("<xmlparser::Tokenizer as core::iter::traits::iterator::Iterator>::next"),
            "xmlparser"
        );
        assert_eq!(
            c("core::ptr::drop_in_place<stratus_core::client::output::CallError>"),
            "stratus_core"
        );
        assert_eq!(c("<&T as core::fmt::Display>::fmt"), "core");
        assert_eq!(
            crate_of(".Lanon.1234.5", ".Lanon.1234.5"),
            "(anonymous constants)"
        );
    }

    #[test]
    fn modules_of_names() {
        assert_eq!(
            module_of("stratus_core::protocol::serialize::json::write_value"),
            "protocol::serialize"
        );
        assert_eq!(
            module_of("stratus_core::client::pipeline::Client<T,C,K>::attempts::{{closure}}"),
            "client::pipeline"
        );
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
