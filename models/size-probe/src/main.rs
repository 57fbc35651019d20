//! Keeps every compiled-in service table alive in a bare binary so the linker
//! (with section GC) retains exactly the flash they need.
#![no_std]
#![no_main]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

/// Entry point: hands each table to `black_box` so none is dropped.
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    for svc in core::hint::black_box(stratus_models::SERVICES) {
        core::hint::black_box(*svc as *const stratus_core::model::ServiceModel);
    }
    loop {}
}
