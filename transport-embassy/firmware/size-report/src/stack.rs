//! The deepest stack path of a Thumb-2 firmware, from its machine code.
//!
//! Each function's frame is what its prologue takes: `push`/`push.w`
//! (4 bytes a register), `vpush` (4 bytes a single-precision register) and
//! `sub sp` (an immediate, or a register loaded by `movw`/`movt` just before).
//! Its callees are the targets of its `bl` and `b.w` instructions that start
//! another function. The deepest path from a root is the largest sum of
//! frames along a chain of such calls (a function already on the chain is not
//! entered again). Calls through a register (`blx`: function pointers, `dyn`
//! methods) are not followed, and interrupt frames are not counted: the
//! figure is a lower bound of the stack a root's poll can take, read from the
//! code, not a measurement on a board.
//!
//! Literal pools inside functions are skipped by the ELF's mapping symbols
//! (`$d` starts data, `$t` code).

use std::collections::{BTreeMap, HashMap};

/// One function of a path and the frame its prologue takes.
#[derive(Debug, PartialEq)]
pub struct Frame {
    pub name: String,
    pub bytes: u32,
}

/// A function of the image: where it is, what its prologue takes, whom it calls.
struct Function {
    name: String,
    frame: u32,
    callees: Vec<u32>,
}

/// The code the analysis reads: functions (address without the Thumb bit,
/// size, demangled name), the bytes of the sections holding them, and the
/// addresses where data (`$d`) and code (`$t`) start.
#[derive(Default)]
pub struct Image {
    /// Section start address → its bytes.
    pub sections: BTreeMap<u32, Vec<u8>>,
    /// Function start → (size, name).
    pub functions: BTreeMap<u32, (u32, String)>,
    /// Mapping symbols: address → whether data starts there (`$d`) or code (`$t`).
    pub mapping: BTreeMap<u32, bool>,
}

impl Image {
    fn halfword(&self, addr: u32) -> Option<u16> {
        let (&start, bytes) = self.sections.range(..=addr).next_back()?;
        let at = usize::try_from(addr - start).ok()?;
        let pair = bytes.get(at..at + 2)?;
        Some(u16::from_le_bytes([pair[0], pair[1]]))
    }

    /// Whether `addr` lies in a literal pool.
    fn is_data(&self, addr: u32) -> bool {
        self.mapping
            .range(..=addr)
            .next_back()
            .is_some_and(|(_, &data)| data)
    }

    /// The instructions of the function at `start`: (address, first
    /// halfword, second halfword of a 32-bit instruction).
    fn instructions(&self, start: u32, size: u32) -> Vec<(u32, u16, Option<u16>)> {
        let mut out = Vec::new();
        let end = start.saturating_add(size);
        let mut pc = start;
        while pc < end {
            if self.is_data(pc) {
                pc = pc.saturating_add(2);
                continue;
            }
            let Some(hw1) = self.halfword(pc) else { break };
            if is_wide(hw1) {
                let Some(hw2) = self.halfword(pc.wrapping_add(2)) else {
                    break;
                };
                out.push((pc, hw1, Some(hw2)));
                pc = pc.saturating_add(4);
            } else {
                out.push((pc, hw1, None));
                pc = pc.saturating_add(2);
            }
        }
        out
    }
}

/// A 32-bit Thumb-2 instruction starts with 0b11101, 0b11110 or 0b11111.
fn is_wide(hw1: u16) -> bool {
    hw1 >> 11 >= 0b11101
}

/// ARM's ThumbExpandImm for the `i:imm3:imm8` field of a data-processing
/// instruction with a modified immediate.
fn thumb_expand_imm(imm12: u32) -> u32 {
    let imm8 = imm12 & 0xFF;
    if imm12 >> 10 == 0 {
        match (imm12 >> 8) & 3 {
            0 => imm8,
            1 => imm8 << 16 | imm8,
            2 => imm8 << 24 | imm8 << 8,
            _ => imm8 << 24 | imm8 << 16 | imm8 << 8 | imm8,
        }
    } else {
        (0x80 | (imm12 & 0x7F)).rotate_right(imm12 >> 7)
    }
}

/// The `i:imm3:imm8` field of a 32-bit data-processing instruction.
fn imm12(hw1: u16, hw2: u16) -> u32 {
    u32::from((hw1 >> 10) & 1) << 11 | u32::from((hw2 >> 12) & 7) << 8 | u32::from(hw2 & 0xFF)
}

/// The stack a prologue takes, from its first instructions (up to the first
/// branch).
fn frame(instructions: &[(u32, u16, Option<u16>)]) -> u32 {
    let mut total = 0u32;
    let mut regs = [0u32; 16];
    for &(_, hw1, hw2) in instructions.iter().take(24) {
        match hw2 {
            None => {
                if hw1 & 0xFE00 == 0xB400 {
                    // push {reglist[, lr]}
                    total = total.saturating_add(
                        4 * ((hw1 & 0xFF).count_ones() + u32::from((hw1 >> 8) & 1)),
                    );
                } else if hw1 & 0xFF80 == 0xB080 {
                    // sub sp, #imm7 * 4
                    total = total.saturating_add(u32::from(hw1 & 0x7F) * 4);
                } else if hw1 & 0xF000 == 0xD000 || hw1 & 0xF800 == 0xE000 || hw1 & 0xFF00 == 0x4700
                {
                    // b<cond>, b, bx/blx: the prologue is over.
                    break;
                }
            }
            Some(hw2) => {
                if hw1 == 0xE92D {
                    // push.w {reglist} (stmdb sp!)
                    total = total.saturating_add(4 * u32::from(hw2 & 0x5FFF).count_ones());
                } else if hw1 == 0xF84D && hw2 & 0x0FFF == 0x0D04 {
                    // str.w rt, [sp, #-4]! (push of one register)
                    total = total.saturating_add(4);
                } else if hw1 & 0xFFBF == 0xED2D && hw2 & 0x0E00 == 0x0A00 {
                    // vpush {s/d registers}: imm8 words
                    total = total.saturating_add(u32::from(hw2 & 0xFF) * 4);
                } else if hw1 & 0xFBEF == 0xF1AD && hw2 & 0x8F00 == 0x0D00 {
                    // sub.w sp, sp, #const
                    total = total.saturating_add(thumb_expand_imm(imm12(hw1, hw2)));
                } else if hw1 & 0xFBFF == 0xF2AD && hw2 & 0x8F00 == 0x0D00 {
                    // subw sp, sp, #imm12
                    total = total.saturating_add(imm12(hw1, hw2));
                } else if hw1 & 0xFBF0 == 0xF240 && hw2 & 0x8000 == 0 {
                    // movw rd, #imm16
                    let rd = usize::from((hw2 >> 8) & 0xF);
                    regs[rd] = u32::from(hw1 & 0xF) << 12 | imm12(hw1, hw2);
                } else if hw1 & 0xFBF0 == 0xF2C0 && hw2 & 0x8000 == 0 {
                    // movt rd, #imm16
                    let rd = usize::from((hw2 >> 8) & 0xF);
                    regs[rd] |= (u32::from(hw1 & 0xF) << 12 | imm12(hw1, hw2)) << 16;
                } else if hw1 == 0xEBAD && hw2 & 0x0F00 == 0x0D00 && hw2 & 0x70F0 == 0 {
                    // sub.w sp, sp, rm
                    total = total.saturating_add(regs[usize::from(hw2 & 0xF)]);
                } else if hw1 & 0xF800 == 0xF000 && hw2 & 0x8000 == 0x8000 {
                    // bl / b.w / b<cond>.w: the prologue is over.
                    break;
                }
            }
        }
    }
    total
}

/// The target of a `bl` or `b.w` (encoding T4) at `pc`, and whether it links.
fn branch_target(pc: u32, hw1: u16, hw2: u16) -> Option<(u32, bool)> {
    if hw1 & 0xF800 != 0xF000 {
        return None;
    }
    let links = match hw2 & 0xD000 {
        0xD000 => true,
        0x9000 => false,
        _ => return None,
    };
    let s = u32::from((hw1 >> 10) & 1);
    let j1 = u32::from((hw2 >> 13) & 1);
    let j2 = u32::from((hw2 >> 11) & 1);
    let i1 = 1 ^ (j1 ^ s);
    let i2 = 1 ^ (j2 ^ s);
    let imm =
        s << 24 | i1 << 23 | i2 << 22 | u32::from(hw1 & 0x3FF) << 12 | u32::from(hw2 & 0x7FF) << 1;
    // Sign-extend the 25-bit offset.
    let offset = ((imm << 7) as i32) >> 7;
    Some((pc.wrapping_add(4).wrapping_add(offset as u32), links))
}

/// Every function's frame and callees.
fn functions(image: &Image) -> HashMap<u32, Function> {
    let mut out = HashMap::new();
    for (&start, (size, name)) in &image.functions {
        let instructions = image.instructions(start, *size);
        let mut callees = Vec::new();
        for &(pc, hw1, hw2) in &instructions {
            let Some(hw2) = hw2 else { continue };
            let Some((target, _links)) = branch_target(pc, hw1, hw2) else {
                continue;
            };
            // A branch inside the function is control flow, not a call.
            let inside = target >= start && target < start.saturating_add(*size);
            if !inside && target != start && image.functions.contains_key(&target) {
                callees.push(target);
            }
        }
        callees.sort_unstable();
        callees.dedup();
        out.insert(
            start,
            Function {
                name: name.clone(),
                frame: frame(&instructions),
                callees,
            },
        );
    }
    out
}

/// The deepest path from `at`: its total and the next function on it.
fn deepest_from(
    at: u32,
    functions: &HashMap<u32, Function>,
    on_path: &mut Vec<u32>,
    memo: &mut HashMap<u32, (u32, Option<u32>)>,
) -> (u32, Option<u32>) {
    if let Some(&known) = memo.get(&at) {
        return known;
    }
    let Some(function) = functions.get(&at) else {
        return (0, None);
    };
    on_path.push(at);
    let mut best = (0u32, None);
    for &callee in &function.callees {
        if on_path.contains(&callee) {
            continue;
        }
        let (depth, _) = deepest_from(callee, functions, on_path, memo);
        if depth > best.0 {
            best = (depth, Some(callee));
        }
    }
    on_path.pop();
    let result = (function.frame.saturating_add(best.0), best.1);
    memo.insert(at, result);
    result
}

/// The deepest path from any function whose name `is_root` accepts, as the
/// frames along it (the root first); `None` when no function is a root.
pub fn deepest_path(image: &Image, is_root: impl Fn(&str) -> bool) -> Option<Vec<Frame>> {
    let functions = functions(image);
    let mut memo = HashMap::new();
    let mut roots: Vec<u32> = functions
        .iter()
        .filter(|(_, f)| is_root(&f.name))
        .map(|(&a, _)| a)
        .collect();
    roots.sort_unstable();
    let root = roots
        .into_iter()
        .max_by_key(|&r| deepest_from(r, &functions, &mut Vec::new(), &mut memo).0)?;
    let mut path = Vec::new();
    let mut at = Some(root);
    while let Some(a) = at {
        let Some(function) = functions.get(&a) else {
            break;
        };
        if path.len() > 64 {
            break;
        }
        path.push(Frame {
            name: function.name.clone(),
            bytes: function.frame,
        });
        at = memo.get(&a).and_then(|&(_, next)| next);
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(code: &[u16]) -> Vec<u8> {
        code.iter().flat_map(|h| h.to_le_bytes()).collect()
    }

    #[test]
    fn prologues_are_read() {
        // push {r4-r7, lr}; push.w {r8-r11}; vpush {d8-d9}; sub sp, #8; sub.w sp, sp, #4096
        let code = [
            0xB5F0, 0xE92D, 0x0F00, 0xED2D, 0x8B04, 0xB082, 0xF5AD, 0x5D80, 0x4770,
        ];
        let image = Image {
            sections: [(0x1000, words(&code))].into(),
            functions: [(0x1000, (code.len() as u32 * 2, "f".to_string()))].into(),
            mapping: BTreeMap::new(),
        };
        let instructions = image.instructions(0x1000, code.len() as u32 * 2);
        assert_eq!(frame(&instructions), 20 + 16 + 16 + 8 + 4096);
    }

    #[test]
    fn a_large_frame_through_a_register_is_read() {
        // push {r7, lr}; movw r4, #0x4648; sub.w sp, sp, r4
        let code = [0xB580, 0xF244, 0x6448, 0xEBAD, 0x0D04, 0x4770];
        let image = Image {
            sections: [(0x2000, words(&code))].into(),
            functions: [(0x2000, (12, "g".to_string()))].into(),
            mapping: BTreeMap::new(),
        };
        let instructions = image.instructions(0x2000, 12);
        assert_eq!(frame(&instructions), 8 + 0x4648);
    }

    #[test]
    fn the_deepest_chain_of_calls_is_found() {
        // a: push {r7, lr}; bl b; bl c   b: sub sp, #16; bx lr   c: sub sp, #64; bx lr
        let bl = |from: u32, to: u32| -> [u16; 2] {
            let off = to.wrapping_sub(from + 4) as i32;
            let imm = (off as u32) >> 1;
            let s = (off < 0) as u16;
            let imm10 = ((imm >> 11) & 0x3FF) as u16;
            let imm11 = (imm & 0x7FF) as u16;
            let i1 = ((imm >> 22) & 1) as u16;
            let i2 = ((imm >> 21) & 1) as u16;
            let j1 = (1 ^ i1) ^ s;
            let j2 = (1 ^ i2) ^ s;
            [
                0xF000 | s << 10 | imm10,
                0xD000 | j1 << 13 | j2 << 11 | imm11,
            ]
        };
        let mut a = vec![0xB580];
        a.extend(bl(0x3002, 0x3010));
        a.extend(bl(0x3006, 0x3020));
        a.push(0xBD80);
        a.resize(8, 0xBF00);
        let mut code = a.clone();
        code.extend([0xB084, 0x4770]);
        code.resize(16, 0xBF00);
        code.extend([0xB090, 0x4770]);
        let image = Image {
            sections: [(0x3000, words(&code))].into(),
            functions: [
                (0x3000, (16, "a".to_string())),
                (0x3010, (4, "b".to_string())),
                (0x3020, (4, "c".to_string())),
            ]
            .into(),
            mapping: BTreeMap::new(),
        };
        let path = deepest_path(&image, |n| n == "a").unwrap();
        assert_eq!(
            path,
            vec![
                Frame {
                    name: "a".into(),
                    bytes: 8
                },
                Frame {
                    name: "c".into(),
                    bytes: 64
                },
            ]
        );
    }

    #[test]
    fn branch_targets_decode_both_ways() {
        // bl from 0x1000 to 0x1100 and back to 0x0f00.
        assert_eq!(branch_target(0x1000, 0xF000, 0xF87E), Some((0x1100, true)));
        assert_eq!(branch_target(0x1000, 0xF7FF, 0xFF7E), Some((0x0F00, true)));
        // b.w
        assert_eq!(branch_target(0x1000, 0xF000, 0xB87E), Some((0x1100, false)));
    }
}
