//! The NUCLEO-F767ZI: clocks, the random number generator and the RMII
//! Ethernet port (LAN8742A PHY) with the pins the board wires to it.

use embassy_stm32::eth::{self, Ethernet, GenericPhy, PacketQueue, Sma};
use embassy_stm32::peripherals::{ETH, ETH_SMA, RNG};
use embassy_stm32::rcc::{
    AHBPrescaler, APBPrescaler, Hse, HseMode, Pll, PllMul, PllPDiv, PllPreDiv, PllQDiv, PllSource,
    Sysclk, mux,
};
use embassy_stm32::rng::{self, Rng};
use embassy_stm32::time::Hertz;
use embassy_stm32::{Config, Peri, bind_interrupts};
use static_cell::ConstStaticCell;

bind_interrupts!(pub struct Irqs {
    ETH => eth::InterruptHandler;
    RNG => rng::InterruptHandler<RNG>;
});

/// The Ethernet driver as the board wires it.
pub type Device = Ethernet<'static, ETH, GenericPhy<Sma<'static, ETH_SMA>>>;

/// DMA descriptors and frame buffers of the MAC (4 to send, 4 to receive).
static PACKETS: ConstStaticCell<PacketQueue<4, 4>> = ConstStaticCell::new(PacketQueue::new());

/// 216 MHz from the 8 MHz clock the ST-LINK feeds to HSE (bypass), and the
/// 48 MHz the RNG needs from PLL Q.
pub fn config() -> Config {
    let mut config = Config::default();
    config.rcc.hse = Some(Hse {
        freq: Hertz(8_000_000),
        mode: HseMode::Bypass,
    });
    config.rcc.pll_src = PllSource::HSE;
    config.rcc.pll = Some(Pll {
        prediv: PllPreDiv::DIV4,
        mul: PllMul::MUL216,
        divp: Some(PllPDiv::DIV2),
        divq: Some(PllQDiv::DIV9),
        divr: None,
    });
    config.rcc.sys = Sysclk::PLL1_P;
    config.rcc.ahb_pre = AHBPrescaler::DIV1;
    config.rcc.apb1_pre = APBPrescaler::DIV4;
    config.rcc.apb2_pre = APBPrescaler::DIV2;
    config.rcc.mux.clk48sel = mux::Clk48sel::PLL1_Q;
    config
}

/// A locally administered unicast MAC address made from the chip's unique
/// id, so that two boards on one network differ.
pub fn mac_address() -> [u8; 6] {
    let uid = embassy_stm32::uid::uid();
    let mut mac = [0x02, 0, 0, 0, 0, 0];
    for (i, byte) in uid.iter().enumerate() {
        mac[1 + i % 5] ^= *byte;
    }
    mac
}

/// A seed for the network stack from the hardware RNG.
pub fn seed(rng: &mut Rng<'static, RNG>) -> u64 {
    let mut bytes = [0u8; 8];
    rng.fill_bytes(&mut bytes);
    u64::from_le_bytes(bytes)
}

/// The peripherals and pins of the Ethernet port.
pub struct EthernetPins {
    pub eth: Peri<'static, ETH>,
    pub sma: Peri<'static, ETH_SMA>,
    pub ref_clk: Peri<'static, embassy_stm32::peripherals::PA1>,
    pub mdio: Peri<'static, embassy_stm32::peripherals::PA2>,
    pub crs_dv: Peri<'static, embassy_stm32::peripherals::PA7>,
    pub mdc: Peri<'static, embassy_stm32::peripherals::PC1>,
    pub rxd0: Peri<'static, embassy_stm32::peripherals::PC4>,
    pub rxd1: Peri<'static, embassy_stm32::peripherals::PC5>,
    pub tx_en: Peri<'static, embassy_stm32::peripherals::PG11>,
    pub txd0: Peri<'static, embassy_stm32::peripherals::PG13>,
    pub txd1: Peri<'static, embassy_stm32::peripherals::PB13>,
}

/// The Ethernet driver; the PHY is found on the management bus and
/// auto-negotiates. `None` when called twice (the buffers are taken).
pub fn ethernet(pins: EthernetPins, mac: [u8; 6]) -> Option<Device> {
    let packets = PACKETS.try_take()?;
    Some(Ethernet::new(
        packets,
        pins.eth,
        Irqs,
        pins.ref_clk,
        pins.crs_dv,
        pins.rxd0,
        pins.rxd1,
        pins.txd0,
        pins.txd1,
        pins.tx_en,
        mac,
        pins.sma,
        pins.mdio,
        pins.mdc,
    ))
}
