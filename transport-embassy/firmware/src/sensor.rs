//! The reading: the on-chip temperature sensor through ADC1.

use embassy_stm32::Peri;
use embassy_stm32::adc::{Adc, SampleTime, Temperature};
use embassy_stm32::peripherals::ADC1;
use embassy_time::Timer;

/// ADC1 with its temperature channel switched on.
pub struct Thermometer {
    adc: Adc<'static, ADC1>,
    channel: Temperature,
}

impl Thermometer {
    /// Switches the sensor on and waits for it to settle.
    pub async fn new(adc: Peri<'static, ADC1>) -> Self {
        let adc = Adc::new(adc);
        let channel = adc.enable_temperature();
        Timer::after_micros(u64::from(Temperature::start_time_us())).await;
        Thermometer { adc, channel }
    }

    /// The die temperature in thousandths of a degree Celsius, from the
    /// datasheet's typical curve (0.76 V at 25 °C, 2.5 mV/°C, VDDA 3.3 V):
    /// good to a few degrees, enough for a demonstration reading.
    pub fn millicelsius(&mut self) -> i32 {
        let raw = self
            .adc
            .blocking_read(&mut self.channel, SampleTime::CYCLES480);
        let millivolts = i32::from(raw) * 3300 / 4095;
        (millivolts - 760) * 400 + 25_000
    }
}
