//! The core's async paginator and waiter drivers over scripted responses:
//! the requests each page sends, the waiter's sleeps on the client's timer
//! and its attempts, and a paginated call that makes no heap allocation.
//! Its own test binary, so the counting allocator sees only this file.

use stratus_core::client::paging::{DriveBuffers, DriveError, PageResult, WaitConfig};
use stratus_core::client::test_support::VirtualClock;
use stratus_core::client::{Buffers, Client, ClientConfig, Order, Stubber};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::paginate::{PageState, PaginationConfig, Paginator};
use stratus_core::waiter::{WaitError, Waiter};
use stratus_tests::allocations_during;
use stratus_tests::pipeline::{Scripted, ScriptedTransport};

#[global_allocator]
static GLOBAL: stratus_tests::CountingAllocator = stratus_tests::CountingAllocator;

const HEADERS: [(&str, &str); 1] = [("Content-Type", "application/x-amz-json-1.0")];

fn json(body: &str) -> Scripted {
    Scripted::Response(
        200,
        vec![("Content-Type".into(), "application/x-amz-json-1.0".into())],
        body.as_bytes().to_vec(),
    )
}

fn scan() -> &'static Paginator {
    stratus_models::dynamodb::PAGINATORS
        .iter()
        .find(|p| p.operation == "Scan")
        .unwrap()
}

fn table_exists() -> &'static Waiter {
    stratus_models::dynamodb::WAITERS
        .iter()
        .find(|w| w.name == "TableExists")
        .unwrap()
}

fn creds() -> StaticCredentials {
    StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap())
}

/// A DynamoDB client in us-east-1 over `transport`, on the virtual `clock`.
fn dynamodb<'a>(
    transport: &'a ScriptedTransport,
    creds: &'a StaticCredentials,
    clock: &'a VirtualClock,
) -> Client<'a, &'a ScriptedTransport, &'a StaticCredentials, &'a VirtualClock> {
    Client::new(
        &stratus_models::dynamodb::ENTRY,
        ClientConfig::default().region("us-east-1"),
        transport,
        creds,
        clock,
    )
    .with_partitions(&stratus_models::PARTITIONS)
}

const PAGE1: &str = r#"{"Items":[{"id":{"S":"a"}},{"id":{"S":"b"}}],"Count":2,"ScannedCount":2,"LastEvaluatedKey":{"id":{"S":"b"}}}"#;
const PAGE2: &str = r#"{"Items":[{"id":{"S":"c"}}],"Count":1,"ScannedCount":1}"#;

#[test]
fn the_async_paginator_sends_each_token_and_stops() {
    let transport = ScriptedTransport::new([json(PAGE1), json(PAGE2)]);
    let clock = VirtualClock::new(1_700_000_000);
    let creds = creds();
    let client = dynamodb(&transport, &creds, &clock);
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let (mut state_buf, mut input, mut scratch) = ([0u8; 512], [0u8; 512], [0u8; 256]);
    let config = PaginationConfig {
        page_size: Some(2),
        ..Default::default()
    };
    let mut state = PageState::new(scan(), &config, &mut state_buf).unwrap();
    let mut windows = Vec::new();
    let mut ws = bufs.workspace();
    let pages = embassy_futures::block_on(client.paginate::<16, ()>(
        &mut state,
        r#"{"TableName": "t"}"#,
        DriveBuffers {
            input: &mut input,
            scratch: &mut scratch,
        },
        &mut ws,
        &mut |r| {
            if let PageResult::Page { page, .. } = r {
                windows.push((page.skip, page.take, page.more));
            }
            Ok(())
        },
    ))
    .unwrap();
    assert_eq!(pages, 2);
    assert_eq!(windows, [(0, None, true), (0, None, false)]);
    assert_eq!(state.total_items(), 3);
    let sent = transport.sent();
    let bodies: Vec<String> = sent
        .iter()
        .map(|s| String::from_utf8(s.body.clone()).unwrap())
        .collect();
    assert_eq!(bodies[0], r#"{"TableName": "t", "Limit": 2}"#);
    assert_eq!(
        bodies[1],
        r#"{"TableName": "t", "Limit": 2, "ExclusiveStartKey": {"id": {"S": "b"}}}"#
    );
    assert_eq!(transport.remaining(), 0);
    assert!(clock.sleeps().is_empty(), "pages do not sleep");
}

fn wait_with(
    script: Vec<Scripted>,
    config: WaitConfig,
) -> (Result<u32, DriveError<()>>, Vec<u64>, usize) {
    let transport = ScriptedTransport::new(script);
    let clock = VirtualClock::new(1_700_000_000);
    let creds = creds();
    let client = dynamodb(&transport, &creds, &clock);
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let (mut input, mut scratch) = ([0u8; 128], [0u8; 128]);
    let mut ws = bufs.workspace();
    let r = embassy_futures::block_on(client.wait::<16, ()>(
        table_exists(),
        r#"{"TableName": "t"}"#,
        config,
        DriveBuffers {
            input: &mut input,
            scratch: &mut scratch,
        },
        &mut ws,
        &mut |_| Ok(()),
    ));
    let sleeps = clock.sleeps().iter().copied().collect();
    (r, sleeps, transport.sent().len())
}

#[test]
fn the_async_waiter_sleeps_on_the_timer_between_attempts() {
    // Not found (retry), CREATING (no acceptor: retry), ACTIVE (success).
    let (r, sleeps, sent) = wait_with(
        vec![
            Scripted::json_error(400, "ResourceNotFoundException"),
            json(r#"{"Table":{"TableName":"t","TableStatus":"CREATING"}}"#),
            json(r#"{"Table":{"TableName":"t","TableStatus":"ACTIVE"}}"#),
        ],
        WaitConfig::default(),
    );
    assert_eq!(r.unwrap(), 3);
    // The model's delay (20 s) twice, on the client's timer.
    assert_eq!(table_exists().delay, 20);
    assert_eq!(sleeps, [20_000, 20_000]);
    assert_eq!(sent, 3);

    // Overridden: 2 attempts 5 ms apart, then botocore's max-attempts error
    // naming the acceptor the last attempt matched.
    let (r, sleeps, sent) = wait_with(
        vec![
            Scripted::json_error(400, "ResourceNotFoundException"),
            Scripted::json_error(400, "ResourceNotFoundException"),
        ],
        WaitConfig {
            delay_ms: Some(5),
            max_attempts: Some(2),
        },
    );
    match r {
        Err(DriveError::Wait(WaitError::MaxAttempts {
            attempts: 2,
            explain: Some(i),
        })) => assert_eq!(
            table_exists().acceptors[i].explanation().to_string(),
            "Matched expected service error code: ResourceNotFoundException"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!((sleeps, sent), (vec![5], 2));
}

#[test]
fn a_paginated_scan_makes_no_heap_allocation() {
    let stubber: Stubber<'_, 4> = Stubber::new();
    let transport = ScriptedTransport::new([]);
    let clock = VirtualClock::new(1_700_000_000);
    let creds = creds();
    let client = dynamodb(&transport, &creds, &clock);
    for page in [PAGE1, PAGE2] {
        stubber
            .add_response("Scan", 200, &HEADERS, page.as_bytes(), None)
            .unwrap();
    }
    client.register("*", &stubber, Order::Normal, None).unwrap();
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let (mut state_buf, mut input, mut scratch) = ([0u8; 512], [0u8; 512], [0u8; 256]);
    let mut token = [0u8; 256];
    let config = PaginationConfig {
        max_items: Some(2),
        ..Default::default()
    };
    let mut items = 0;
    let mut resume_len = 0;
    let n = allocations_during(|| {
        let mut state = PageState::new(scan(), &config, &mut state_buf).unwrap();
        let mut ws = bufs.workspace();
        embassy_futures::block_on(client.paginate::<16, ()>(
            &mut state,
            r#"{"TableName": "t"}"#,
            DriveBuffers {
                input: &mut input,
                scratch: &mut scratch,
            },
            &mut ws,
            &mut |r| {
                if let PageResult::Page { page, .. } = r {
                    items += page.take.unwrap_or(2);
                }
                Ok(())
            },
        ))
        .unwrap();
        resume_len = state.resume_token(&mut token).unwrap().map_or(0, str::len);
    });
    assert_eq!(n, 0, "the paginated call allocated {n} times");
    assert_eq!(items, 2);
    assert!(
        resume_len > 0,
        "MaxItems on a page boundary leaves a resume token"
    );
    println!("paginated DynamoDB Scan (MaxItems 2, resume token): {n} heap allocations");
}
