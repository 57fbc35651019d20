//! stratus on a NUCLEO-F767ZI: brings up Ethernet and DHCP, reads the die
//! temperature every few seconds and sends it to AWS twice, as a Kinesis
//! `PutRecord` and as an IoT Data `Publish`. Failures are logged over defmt
//! and the loop goes on.
//!
//! Built with `--no-default-features` it is the size baseline instead: the
//! same board, network stack, TLS and loop, the reading written to a TLS
//! connection without stratus (see `baseline.rs`).
#![no_std]
#![no_main]

#[cfg(feature = "aws")]
mod aws;
#[cfg(not(feature = "aws"))]
mod baseline;
mod board;
mod sensor;
#[cfg(feature = "aws")]
mod settings;
mod tls;

use core::fmt::Write as _;

use defmt::{error, info};
use embassy_executor::Spawner;
use embassy_net::{Stack, StackResources};
use embassy_stm32::peripherals::RNG;
use embassy_stm32::rng::Rng;
use embassy_time::Timer;
use static_cell::ConstStaticCell;
use {defmt_rtt as _, panic_probe as _};

/// Seconds between readings.
const PERIOD_SECS: u64 = 10;

/// Sockets the stack holds: DHCP, DNS, one TCP connection, one spare.
static RESOURCES: ConstStaticCell<StackResources<4>> = ConstStaticCell::new(StackResources::new());

#[embassy_executor::task]
async fn net_task(mut runner: embassy_net::Runner<'static, board::Device>) -> ! {
    runner.run().await
}

#[embassy_executor::main]
async fn main(spawner: Spawner) {
    let p = embassy_stm32::init(board::config());
    let device_id = embassy_stm32::uid::uid_hex();
    info!("stratus firmware, device {}", device_id);

    let mut rng = Rng::new(p.RNG, board::Irqs);
    // The network stack's seed first; the RNG then serves TLS.
    let seed = board::seed(&mut rng);
    let pins = board::EthernetPins {
        eth: p.ETH,
        sma: p.ETH_SMA,
        ref_clk: p.PA1,
        mdio: p.PA2,
        crs_dv: p.PA7,
        mdc: p.PC1,
        rxd0: p.PC4,
        rxd1: p.PC5,
        tx_en: p.PG11,
        txd0: p.PG13,
        txd1: p.PB13,
    };
    let Some(device) = board::ethernet(pins, board::mac_address()) else {
        error!("the Ethernet buffers are already in use");
        return;
    };
    let Some(resources) = RESOURCES.try_take() else {
        error!("the network stack's resources are already in use");
        return;
    };
    let config = embassy_net::Config::dhcpv4(Default::default());
    let (stack, runner) = embassy_net::new(device, config, resources, seed);
    match net_task(runner) {
        Ok(token) => spawner.spawn(token),
        Err(_) => {
            error!("the network task could not start");
            return;
        }
    }
    wait_for_address(stack).await;

    let mut thermometer = sensor::Thermometer::new(p.ADC1).await;
    let Some(mut sender) = Sender::new(stack, rng) else {
        return;
    };
    let mut count: u32 = 0;
    loop {
        let millicelsius = thermometer.millicelsius();
        let mut payload: heapless::String<128> = heapless::String::new();
        let written = write!(
            payload,
            "{{\"device\":\"{device_id}\",\"n\":{count},\"millicelsius\":{millicelsius}}}"
        );
        match written {
            Ok(()) => {
                info!("reading {}: {} m°C", count, millicelsius);
                sender.send(device_id, payload.as_bytes()).await;
            }
            Err(_) => error!("the reading does not fit its buffer"),
        }
        count = count.wrapping_add(1);
        Timer::after_secs(PERIOD_SECS).await;
    }
}

async fn wait_for_address(stack: Stack<'static>) {
    info!("waiting for a DHCP lease");
    stack.wait_config_up().await;
    match stack.config_v4() {
        Some(config) => info!("address {}", config.address),
        None => info!("network up"),
    }
}

/// Where readings go: the two AWS calls.
#[cfg(feature = "aws")]
struct Sender {
    uplink: &'static mut aws::Uplink,
}

#[cfg(feature = "aws")]
impl Sender {
    fn new(stack: Stack<'static>, rng: Rng<'static, RNG>) -> Option<Self> {
        match aws::Uplink::new(stack, rng) {
            Ok(uplink) => Some(Sender { uplink }),
            Err(e) => {
                error!("cannot call AWS: {}", e);
                None
            }
        }
    }

    async fn send(&mut self, device_id: &str, payload: &[u8]) {
        self.uplink.put_record(device_id, payload).await;
        self.uplink.publish(payload).await;
    }
}

/// Where readings go: a TLS connection to a collector (the size baseline).
#[cfg(not(feature = "aws"))]
struct Sender {
    collector: baseline::Collector,
}

#[cfg(not(feature = "aws"))]
impl Sender {
    fn new(stack: Stack<'static>, rng: Rng<'static, RNG>) -> Option<Self> {
        Some(Sender {
            collector: baseline::Collector::new(stack, rng)?,
        })
    }

    async fn send(&mut self, _device_id: &str, payload: &[u8]) {
        self.collector.send(payload).await;
    }
}
