//! The compiled stateful mocks of the five services through every documented lifecycle, on
//! the store's clock (no waiting): each resource with a status member shows its pending states
//! in order, then its final one; an update or delete the document refuses while it is pending
//! gets the documented answer; a delete shows the deleting state until its time passed, after
//! which the resource is gone. (Races, paging and refusals of every resource run in each mock
//! crate's own `tests/stateful.rs`.)

use std::time::Duration;

use apigen_runtime::mock::{stateful_check, LifecycleClock, Stateful};

/// One state lasts this long: far longer than the test runs, so only `Store::advance` moves
/// a resource on.
const STEP: Duration = Duration::from_secs(600);

macro_rules! lifecycles {
    ($test:ident, $krate:ident, $mock:ident, $service:literal, $resources:expr) => {
        #[tokio::test]
        async fn $test() {
            let engine =
                Stateful::new($krate::plans(), 0).with_lifecycle(LifecycleClock::uniform(STEP));
            let store = engine.store().clone();
            let mock = $krate::$mock::new().with_state(engine);
            let running = mock.start(None).await.expect("mock starts");
            let cases = std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../generated/",
                $service,
                "-mock/tests/cases.json"
            ))
            .expect("cases read");
            let exercised = stateful_check::check_lifecycles(
                &running.base_url,
                $krate::server::schema(),
                &$krate::plans(),
                &cases,
                &store,
                STEP,
            )
            .await
            .unwrap_or_else(|p| panic!("{} problems:\n{p}", p.len()));
            assert_eq!(
                exercised, $resources,
                "resources with a lifecycle run through it"
            );
        }
    };
}

lifecycles!(
    alikafka_instances,
    alikafka_mock,
    AlikafkaMock,
    "alikafka",
    1
);
lifecycles!(
    retailcloud_deploy_orders,
    retailcloud_mock,
    RetailcloudMock,
    "retailcloud",
    1
);
lifecycles!(cse_engines_and_instances, cse_mock, CseMock, "cse", 2);
lifecycles!(
    dms_kafka_instances,
    dms_kafka_mock,
    DmsKafkaMock,
    "dms-kafka",
    2
);
lifecycles!(mse_has_none, mse_mock, MseMock, "mse", 0);
