//! Simulated devices: deterministic readings from a seed (SplitMix64), a
//! slow random walk per device, each reading one JSON line.

/// One device's state.
pub struct Device {
    /// `device-000`, …
    pub id: String,
    rng: u64,
    temperature_c: f64,
    humidity_pct: f64,
    battery_v: f64,
    /// Readings made so far.
    pub made: u64,
}

/// One reading, as sent.
pub struct Reading {
    /// Index of the device in the fleet.
    pub device: usize,
    /// Temperature, degrees Celsius.
    pub temperature_c: f64,
    /// Battery voltage.
    pub battery_v: f64,
    /// The JSON line (no newline).
    pub line: String,
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A number in `[-1, 1)`.
fn unit(state: &mut u64) -> f64 {
    (splitmix64(state) >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

impl Device {
    /// Device `index` of a fleet seeded with `seed`.
    pub fn new(seed: u64, index: usize) -> Self {
        let mut rng = seed ^ (index as u64).wrapping_mul(0xA076_1D64_78BD_642F);
        let temperature_c = 20.0 + 5.0 * unit(&mut rng);
        let humidity_pct = 45.0 + 10.0 * unit(&mut rng);
        Device {
            id: format!("device-{index:03}"),
            rng,
            temperature_c,
            humidity_pct,
            battery_v: 3.9,
            made: 0,
        }
    }

    /// The next reading; `run` and `at_ms` (Unix milliseconds) go in the line.
    pub fn read(&mut self, index: usize, run: &str, at_ms: u64) -> Reading {
        self.temperature_c = (self.temperature_c + 0.2 * unit(&mut self.rng)).clamp(-40.0, 85.0);
        self.humidity_pct = (self.humidity_pct + 0.5 * unit(&mut self.rng)).clamp(0.0, 100.0);
        self.battery_v = (self.battery_v - 0.0005 * (1.0 + unit(&mut self.rng))).max(3.0);
        let seq = self.made;
        self.made += 1;
        let line = format!(
            r#"{{"run":"{run}","device":"{}","seq":{seq},"ts":{at_ms},"temperature_c":{:.2},"humidity_pct":{:.1},"battery_v":{:.3}}}"#,
            self.id, self.temperature_c, self.humidity_pct, self.battery_v
        );
        Reading {
            device: index,
            temperature_c: self.temperature_c,
            battery_v: self.battery_v,
            line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_readings_other_seed_others() {
        let a: Vec<String> = (0..5)
            .map(|_| Device::new(7, 3))
            .map(|mut d| d.read(3, "r", 0).line)
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut d = Device::new(7, 3);
        let mut e = Device::new(8, 3);
        assert_ne!(d.read(3, "r", 0).line, e.read(3, "r", 0).line);
        assert!(d.read(3, "r", 0).line.contains(r#""seq":1,"#));
    }
}
