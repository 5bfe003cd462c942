use super::*;
use serde_json::json;

fn topic_plan(action: Action) -> Plan {
    Plan {
        resource: "topic".into(),
        action,
        id: (action != Action::List).then(|| "Topic".into()),
        key: Vec::new(),
        id_out: None,
        id_field: None,
        scope: vec!["InstanceId".into()],
        items: (action == Action::List).then(|| "TopicList.TopicVO".into()),
        total: (action == Action::List).then(|| "Total".into()),
        target: None,
        paging: (action == Action::List).then(|| Paging::PageNumber {
            page: "CurrentPage".into(),
            size: "PageSize".into(),
            default_size: Some(10),
        }),
        filters: if action == Action::List {
            [("Remark".to_owned(), "Remark".to_owned())].into()
        } else {
            BTreeMap::new()
        },
        fuzzy: BTreeMap::new(),
        renames: BTreeMap::new(),
        unique: Vec::new(),
        conflict: None,
        not_found: (action != Action::Create && action != Action::List).then(|| ErrorAnswer {
            status: 404,
            code: "BIZ_TOPIC_NOT_FOUND".into(),
            message: "The topic does not exist.".into(),
        }),
        busy: None,
        lifecycle: None,
        id_format: None,
    }
}

fn topics() -> Stateful {
    let plans = [
        ("CreateTopic", Action::Create),
        ("GetTopicList", Action::List),
        ("ModifyTopicRemark", Action::Update),
        ("DeleteTopic", Action::Delete),
    ]
    .into_iter()
    .map(|(k, a)| (k.to_owned(), topic_plan(a)))
    .collect();
    Stateful::new(plans, 1)
}

fn list_example() -> Value {
    json!({"Total": 9, "CurrentPage": 1, "PageSize": 10, "TopicList": {"TopicVO": [
        {"Topic": "example", "Remark": "r", "PartitionNum": 12, "InstanceId": "x"}]}})
}

fn list(st: &Stateful, inst: &str, page: u64, size: u64) -> Value {
    st.apply(
        "GetTopicList",
        &json!({"InstanceId": inst, "CurrentPage": page.to_string(), "PageSize": size}),
        list_example,
    )
    .unwrap()
    .unwrap()
}

fn names(page: &Value) -> Vec<String> {
    page["TopicList"]["TopicVO"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["Topic"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn created_resources_are_listed_updated_and_deleted_within_their_scope() {
    let st = topics();
    let create = |topic: &str, inst: &str| {
        st.apply(
            "CreateTopic",
            &json!({"InstanceId": inst, "Topic": topic, "Remark": "made", "PartitionNum": "6"}),
            || json!({"Code": 200}),
        )
    };
    assert_eq!(create("a", "i-1").unwrap().unwrap(), json!({"Code": 200}));
    create("b", "i-1").unwrap();
    create("c", "i-2").unwrap();
    let l = list(&st, "i-1", 1, 10);
    assert_eq!(
        (l["Total"].clone(), names(&l)),
        (json!(2), vec!["a".to_owned(), "b".into()])
    );
    let item = &l["TopicList"]["TopicVO"][0];
    assert_eq!(
        (&item["Remark"], &item["PartitionNum"], &item["InstanceId"]),
        (&json!("made"), &json!(6), &json!("i-1"))
    );
    // A duplicate create is a conflict; the first stays as it was.
    let dup = create("a", "i-1").unwrap_err();
    assert_eq!(
        (dup.status, dup.code.as_str()),
        (409, "ResourceAlreadyExists")
    );
    assert!(
        create("a", "i-2").is_ok(),
        "the same name in another scope is another topic"
    );
    st.apply(
        "ModifyTopicRemark",
        &json!({"InstanceId": "i-1", "Topic": "a", "Remark": "new"}),
        || json!({}),
    )
    .unwrap();
    st.apply(
        "DeleteTopic",
        &json!({"InstanceId": "i-1", "Topic": "b"}),
        || json!({}),
    )
    .unwrap();
    let l = list(&st, "i-1", 1, 10);
    assert_eq!(l["Total"], 1);
    assert_eq!(l["TopicList"]["TopicVO"][0]["Remark"], "new");
    for op in ["DeleteTopic", "ModifyTopicRemark"] {
        let e = st
            .apply(
                op,
                &json!({"InstanceId": "i-1", "Topic": "b"}),
                || json!({}),
            )
            .unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str()),
            (404, "BIZ_TOPIC_NOT_FOUND"),
            "{op}"
        );
    }
    assert!(st
        .apply("Other", &json!({}), || json!({}))
        .unwrap()
        .is_none());
}

#[test]
fn pages_hold_exactly_their_window_and_the_store_total() {
    let st = topics();
    for i in 0..23 {
        st.apply(
            "CreateTopic",
            &json!({"InstanceId": "i", "Topic": format!("t{i:02}")}),
            || json!({}),
        )
        .unwrap();
    }
    let mut seen = Vec::new();
    for page in 1..=5 {
        let l = list(&st, "i", page, 5);
        assert_eq!(l["Total"], 23);
        assert_eq!(
            (l["CurrentPage"].clone(), l["PageSize"].clone()),
            (json!(page), json!(5))
        );
        seen.extend(names(&l));
    }
    let want: Vec<String> = (0..23).map(|i| format!("t{i:02}")).collect();
    assert_eq!(seen, want);
    assert!(names(&list(&st, "i", 6, 5)).is_empty());
    // No size: the documented default.
    let l = st
        .apply("GetTopicList", &json!({"InstanceId": "i"}), list_example)
        .unwrap()
        .unwrap();
    assert_eq!(names(&l).len(), 10);
    // A blank member is an absent one; a page the service cannot answer is its 400 naming the
    // member, never a silently different page (nor a 500 when the echo overflows `Integer`).
    let blank = st
        .apply(
            "GetTopicList",
            &json!({"InstanceId": "i", "CurrentPage": " ", "PageSize": ""}),
            list_example,
        )
        .unwrap()
        .unwrap();
    assert_eq!(names(&blank).len(), 10, "blank members: the defaults");
    for (member, bad) in [
        ("PageSize", json!("x")),
        ("PageSize", json!("0")),
        ("PageSize", json!(0)),
        ("PageSize", json!("-1")),
        ("PageSize", json!(-5)),
        ("PageSize", json!("2.5")),
        ("PageSize", json!("9999999999")),
        ("PageSize", json!("100000000000000000000")),
        ("CurrentPage", json!("0")),
        ("CurrentPage", json!(-1)),
        ("CurrentPage", json!("abc")),
        ("CurrentPage", json!("2147483648")),
    ] {
        let mut input = json!({"InstanceId": "i", "CurrentPage": "1", "PageSize": "5"});
        input[member] = bad.clone();
        let e = st
            .apply("GetTopicList", &input, list_example)
            .expect_err(&format!("{member} = {bad}"));
        assert_eq!(
            (e.status, e.code.as_str()),
            (400, "InvalidParameter"),
            "{member} = {bad}: {e:?}"
        );
        assert!(e.message.contains(member), "{member} = {bad}: {e:?}");
    }
    // The largest page the 32-bit members can ask for answers every item, echoed as asked.
    let huge = list(&st, "i", 1, i32::MAX as u64);
    assert_eq!(
        (names(&huge).len(), huge["PageSize"].clone()),
        (23, json!(i32::MAX))
    );
    assert!(names(&list(&st, "i", i32::MAX as u64, i32::MAX as u64)).is_empty());
}

#[test]
fn offset_and_marker_pages_see_each_item_once() {
    let mut plans = BTreeMap::new();
    let mut p = topic_plan(Action::List);
    p.paging = Some(Paging::OffsetLimit {
        offset: "offset".into(),
        limit: "limit".into(),
        default_size: None,
        zero_is_all: false,
    });
    plans.insert("ByOffset".to_owned(), p.clone());
    p.paging = Some(Paging::OffsetLimit {
        offset: "offset".into(),
        limit: "limit".into(),
        default_size: None,
        zero_is_all: true,
    });
    plans.insert("ZeroIsAll".to_owned(), p.clone());
    p.paging = Some(Paging::Marker {
        marker: "Marker".into(),
        next_marker: "NextMarker".into(),
        limit: Some("MaxResults".into()),
        default_size: None,
    });
    plans.insert("ByMarker".to_owned(), p);
    plans.insert("CreateTopic".to_owned(), topic_plan(Action::Create));
    plans.insert("DeleteTopic".to_owned(), topic_plan(Action::Delete));
    let st = Stateful::new(plans, 2);
    for i in 0..7 {
        st.apply(
            "CreateTopic",
            &json!({"InstanceId": "i", "Topic": format!("t{i}")}),
            || json!({}),
        )
        .unwrap();
    }
    let by_offset = |o: u64| {
        names(
            &st.apply(
                "ByOffset",
                &json!({"InstanceId": "i", "offset": o, "limit": 3}),
                list_example,
            )
            .unwrap()
            .unwrap(),
        )
    };
    assert_eq!(by_offset(0), ["t0", "t1", "t2"]);
    assert_eq!(by_offset(6), ["t6"]);
    assert!(by_offset(7).is_empty(), "an offset past the end");
    for (offset, limit) in [
        (json!(-1), json!(3)),
        (json!(0), json!(0)),
        (json!("x"), json!(3)),
    ] {
        let e = st
            .apply(
                "ByOffset",
                &json!({"InstanceId": "i", "offset": offset, "limit": limit}),
                list_example,
            )
            .expect_err("a window the service cannot answer");
        assert_eq!(e.status, 400, "offset {offset}, limit {limit}");
    }
    // Where the document makes a limit of 0 "all on one page", it answers every item from the
    // offset (and echoes 0); a negative limit is still refused.
    let zero = |o: u64, l: i64| {
        st.apply(
            "ZeroIsAll",
            &json!({"InstanceId": "i", "offset": o, "limit": l}),
            list_example,
        )
    };
    assert_eq!(names(&zero(0, 0).unwrap().unwrap()).len(), 7);
    assert_eq!(names(&zero(5, 0).unwrap().unwrap()), ["t5", "t6"]);
    assert_eq!(names(&zero(3, 3).unwrap().unwrap()), ["t3", "t4", "t5"]);
    assert_eq!(zero(0, -1).expect_err("a negative limit").status, 400);
    // Markers survive a delete of an item already seen.
    let page = |m: &str| {
        st.apply(
            "ByMarker",
            &json!({"InstanceId": "i", "Marker": m, "MaxResults": 3}),
            list_example,
        )
        .unwrap()
        .unwrap()
    };
    let first = page("");
    assert_eq!(names(&first), ["t0", "t1", "t2"]);
    st.apply(
        "DeleteTopic",
        &json!({"InstanceId": "i", "Topic": "t1"}),
        || json!({}),
    )
    .unwrap();
    let second = page(first["NextMarker"].as_str().unwrap());
    assert_eq!(names(&second), ["t3", "t4", "t5"]);
    let third = page(second["NextMarker"].as_str().unwrap());
    assert_eq!(
        (names(&third), third["NextMarker"].clone()),
        (vec!["t6".to_owned()], json!(""))
    );
    let bad = st
        .apply(
            "ByMarker",
            &json!({"InstanceId": "i", "Marker": "nonsense"}),
            list_example,
        )
        .unwrap_err();
    assert_eq!(bad.status, 400, "a marker the mock never gave");
}

#[test]
fn parallel_creates_deletes_and_lists_stay_linearizable() {
    let st = topics();
    std::thread::scope(|s| {
        for t in 0..8 {
            let st = &st;
            s.spawn(move || {
                for i in 0..50 {
                    let topic = format!("w{t}-{i}");
                    st.apply(
                        "CreateTopic",
                        &json!({"InstanceId": "i", "Topic": topic}),
                        || json!({}),
                    )
                    .unwrap();
                    // Every writer also races a shared name: exactly one create of it wins.
                    let shared = format!("shared-{i}");
                    let _ = st.apply(
                        "CreateTopic",
                        &json!({"InstanceId": "i", "Topic": shared}),
                        || json!({}),
                    );
                    if i % 2 == 1 {
                        st.apply(
                            "DeleteTopic",
                            &json!({"InstanceId": "i", "Topic": topic}),
                            || json!({}),
                        )
                        .unwrap();
                    }
                    let l = list(st, "i", 1, 5);
                    assert!(names(&l).len() <= 5);
                }
            });
        }
    });
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let l = list(&st, "i", page, 7);
        let n = names(&l);
        assert_eq!(l["Total"], 8 * 25 + 50);
        if n.is_empty() {
            break;
        }
        all.extend(n);
        page += 1;
    }
    let unique: std::collections::BTreeSet<_> = all.iter().collect();
    assert_eq!((all.len(), unique.len()), (250, 250));
    assert!(all.iter().filter(|n| n.starts_with('w')).all(|n| n
        .rsplit('-')
        .next()
        .unwrap()
        .parse::<u32>()
        .unwrap()
        % 2
        == 0));
}

fn instance_plans(busy: bool) -> BTreeMap<String, Plan> {
    let plan = |action| Plan {
        resource: "v2/instances".into(),
        action,
        id: (action != Action::Create && action != Action::List).then(|| "instance_id".into()),
        key: Vec::new(),
        id_out: (action == Action::Create).then(|| "instance_id".into()),
        id_field: None,
        scope: vec!["project_id".into()],
        items: (action == Action::List).then(|| "instances".into()),
        total: (action == Action::List).then(|| "instance_num".into()),
        target: None,
        paging: None,
        filters: Default::default(),
        fuzzy: BTreeMap::new(),
        renames: BTreeMap::new(),
        unique: if action == Action::Create {
            vec!["name".into()]
        } else {
            Vec::new()
        },
        conflict: Some(ErrorAnswer {
            status: 400,
            code: "DMS.00400060".into(),
            message: "This instance name already exists.".into(),
        }),
        not_found: Some(ErrorAnswer {
            status: 404,
            code: "DMS.00404022".into(),
            message: "This instance does not exist.".into(),
        }),
        busy: busy.then(|| ErrorAnswer {
            status: 400,
            code: "DMS.00400026".into(),
            message: "This operation is not allowed due to the instance status.".into(),
        }),
        lifecycle: Some(Lifecycle {
            field: "status".into(),
            pending: vec![json!("CREATING")],
            ready: json!("RUNNING"),
            deleting: Some(json!("DELETING")),
            failed: Vec::new(),
        }),
        id_format: Some("8959ab1c-7n1a-yyb1-a05t-93dfc361b32d".into()),
    };
    [
        ("Create", Action::Create),
        ("List", Action::List),
        ("Show", Action::Get),
        ("Update", Action::Update),
        ("Delete", Action::Delete),
    ]
    .into_iter()
    .map(|(k, a)| (k.to_owned(), plan(a)))
    .collect()
}

#[test]
fn instances_pass_through_their_lifecycle_on_the_clock() {
    let st = Stateful::new(instance_plans(true), 5)
        .with_lifecycle(LifecycleClock::parse("instant,v2/instances=10s").unwrap());
    let created = st
        .apply(
            "Create",
            &json!({"project_id": "p", "body": {"name": "k1", "engine": "kafka"}}),
            || json!({"instance_id": "8959ab1c-7n1a-yyb1-a05t-93dfc361b32d"}),
        )
        .unwrap()
        .unwrap();
    let id = created["instance_id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 36);
    assert_eq!(id.matches('-').count(), 4, "the documented format: {id}");
    assert_ne!(id, "8959ab1c-7n1a-yyb1-a05t-93dfc361b32d");
    let show = || {
        st.apply(
            "Show",
            &json!({"project_id": "p", "instance_id": id}),
            || json!({"name": "doc", "instance_id": "doc", "status": "RUNNING", "engine": "x"}),
        )
    };
    assert_eq!(
        show().unwrap().unwrap(),
        json!({"name": "k1", "instance_id": id, "status": "CREATING", "engine": "kafka"})
    );
    let dup = st
        .apply(
            "Create",
            &json!({"project_id": "p", "body": {"name": "k1"}}),
            || json!({}),
        )
        .unwrap_err();
    assert_eq!((dup.status, dup.code.as_str()), (400, "DMS.00400060"));
    let del = |st: &Stateful| {
        st.apply(
            "Delete",
            &json!({"project_id": "p", "instance_id": id}),
            || json!({}),
        )
    };
    assert_eq!(
        del(&st).unwrap_err().code,
        "DMS.00400026",
        "busy while creating"
    );
    st.store().advance(Duration::from_secs(10));
    assert_eq!(show().unwrap().unwrap()["status"], "RUNNING");
    del(&st).unwrap();
    assert_eq!(show().unwrap().unwrap()["status"], "DELETING");
    let listed = st
        .apply(
            "List",
            &json!({"project_id": "p"}),
            || json!({"instances": [{"status": "x"}]}),
        )
        .unwrap()
        .unwrap();
    assert_eq!(listed["instances"][0]["status"], "DELETING");
    st.store().advance(Duration::from_secs(10));
    assert_eq!(show().unwrap_err().code, "DMS.00404022");
    let listed = st
        .apply(
            "List",
            &json!({"project_id": "p"}),
            || json!({"instances": []}),
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        (listed["instances"].clone(), listed["instance_num"].clone()),
        (json!([]), json!(0))
    );
    // Instant: final at once, gone at once.
    let st = Stateful::new(instance_plans(false), 5);
    let c = st
        .apply(
            "Create",
            &json!({"project_id": "p", "body": {"name": "k"}}),
            || json!({}),
        )
        .unwrap()
        .unwrap();
    let id = c["instance_id"].as_str().unwrap();
    let shown = st
        .apply(
            "Show",
            &json!({"project_id": "p", "instance_id": id}),
            || json!({"status": "x"}),
        )
        .unwrap()
        .unwrap();
    assert_eq!(shown["status"], "RUNNING");
}

#[test]
fn lifecycle_clocks_parse() {
    assert_eq!(
        LifecycleClock::parse("instant").unwrap(),
        LifecycleClock::instant()
    );
    assert_eq!(
        LifecycleClock::parse("realistic").unwrap().delay("x"),
        LifecycleClock::REALISTIC
    );
    let c = LifecycleClock::parse("250ms, topic=0s,v2/instances=1.5s").unwrap();
    assert_eq!(
        (c.delay("other"), c.delay("topic"), c.delay("v2/instances")),
        (
            Duration::from_millis(250),
            Duration::ZERO,
            Duration::from_millis(1500)
        )
    );
    for bad in ["soon", "5h", "-1s", "x=1y", "1e9s"] {
        assert!(LifecycleClock::parse(bad).is_err(), "{bad}");
    }
    // The error names the part that is not a duration, not the whole text.
    let e = LifecycleClock::parse("instant, v2/instances=3 hours").unwrap_err();
    assert_eq!(e.text, "3 hours");
    assert_eq!(
        e.to_string(),
        "expected a duration such as 500ms or 2s, got \"3 hours\""
    );
}

/// What a mock binary prints and exits with when `--lifecycle` or `--state` is bad.
#[test]
fn bad_stateful_arguments_are_usage_errors_with_their_cause() {
    use crate::server::cli::{CliArgs, CliError};
    use std::error::Error as _;
    let args = |a: &[&str]| CliArgs::parse(a.iter().map(|s| s.to_string()), "x-mock").unwrap();
    let plans = || topics().plans().clone();
    let e = Stateful::from_cli(plans(), &args(&["--lifecycle", "2s,topic=soon"])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "--lifecycle: expected a duration such as 500ms or 2s, got \"soon\""
    );
    assert_eq!(e.exit_status(), 2);
    assert!(matches!(&e, CliError::Lifecycle(c) if c.text == "soon"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, "{\n  \"kinds\": 7\n}").unwrap();
    let e = Stateful::from_cli(plans(), &args(&["--state", path.to_str().unwrap()])).unwrap_err();
    assert_eq!(e.exit_status(), 2);
    let CliError::State(StateFileError::NotStateFile { path: p, source }) = &e else {
        panic!("{e:?}");
    };
    assert_eq!((p, source.line()), (&path, 2));
    assert!(e.to_string().starts_with(&format!(
        "--state: {}: not a mock state file: ",
        path.display()
    )));
    assert!(e.source().is_some());
    // A directory is not readable as a file: the I/O error, with the path.
    let e =
        Stateful::from_cli(plans(), &args(&["--state", dir.path().to_str().unwrap()])).unwrap_err();
    assert!(
        matches!(&e, CliError::State(StateFileError::Read { path, .. }) if path == dir.path()),
        "{e:?}"
    );
    // No flag: no engine, no error.
    assert!(Stateful::from_cli(plans(), &args(&[])).unwrap().is_none());
}

#[test]
fn renamed_members_and_batch_deletes() {
    let mut plans = BTreeMap::new();
    let base = |action| {
        let mut p = topic_plan(action);
        p.resource = "v2/instances/topics".into();
        p.scope = vec!["instance_id".into()];
        p.id = Some(
            if action == Action::Delete {
                "topics"
            } else {
                "id"
            }
            .into(),
        );
        p.items = (action == Action::List).then(|| "topics".into());
        p.total = (action == Action::List).then(|| "total".into());
        p.paging = None;
        p.renames = [("id".to_owned(), "name".to_owned())].into();
        p
    };
    plans.insert("Create".to_owned(), base(Action::Create));
    plans.insert("List".to_owned(), base(Action::List));
    plans.insert("Delete".to_owned(), base(Action::Delete));
    let st = Stateful::new(plans, 3);
    let made = st
        .apply(
            "Create",
            &json!({"instance_id": "i", "body": {"id": "orders", "partition": 3}}),
            || json!({"id": "test01", "name": "test01"}),
        )
        .unwrap()
        .unwrap();
    assert_eq!(made, json!({"id": "orders", "name": "orders"}));
    st.apply(
        "Create",
        &json!({"instance_id": "i", "body": {"id": "audit"}}),
        || json!({}),
    )
    .unwrap();
    let listed = || {
        st.apply(
            "List",
            &json!({"instance_id": "i"}),
            || json!({"total": 1, "topics": [{"name": "test01", "partition": 1}]}),
        )
        .unwrap()
        .unwrap()
    };
    assert_eq!(
        listed()["topics"][0],
        json!({"name": "orders", "partition": 3})
    );
    let e = st
        .apply(
            "Delete",
            &json!({"instance_id": "i", "body": {"topics": ["orders", "nope"]}}),
            || json!({}),
        )
        .unwrap_err();
    assert_eq!(e.status, 404);
    assert_eq!(listed()["total"], 2, "all or nothing");
    st.apply(
        "Delete",
        &json!({"instance_id": "i", "body": {"topics": ["orders", "audit"]}}),
        || json!({}),
    )
    .unwrap();
    assert_eq!(listed()["total"], 0);
}

#[test]
fn state_survives_a_restart_through_its_file() {
    let dir = std::env::temp_dir().join(format!("apigen-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("alikafka.json");
    let _ = std::fs::remove_file(&path);
    {
        let st = topics().persist_to(&path).unwrap();
        for t in ["a", "b", "c"] {
            st.apply(
                "CreateTopic",
                &json!({"InstanceId": "i", "Topic": t}),
                || json!({}),
            )
            .unwrap();
        }
        st.apply(
            "DeleteTopic",
            &json!({"InstanceId": "i", "Topic": "b"}),
            || json!({}),
        )
        .unwrap();
    }
    let st = topics().persist_to(&path).unwrap();
    assert_eq!(names(&list(&st, "i", 1, 10)), ["a", "c"]);
    // New records keep coming after the old ones.
    st.apply(
        "CreateTopic",
        &json!({"InstanceId": "i", "Topic": "d"}),
        || json!({}),
    )
    .unwrap();
    assert_eq!(names(&list(&st, "i", 1, 10)), ["a", "c", "d"]);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    std::fs::write(&path, "not json").unwrap();
    assert!(topics()
        .persist_to(&path)
        .unwrap_err()
        .to_string()
        .contains("not a mock state file"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn list_filters_answer_and_count_only_matching_items() {
    let st = topics();
    for (t, remark) in [("a", "blue"), ("b", "red"), ("c", "blue")] {
        st.apply(
            "CreateTopic",
            &json!({"InstanceId": "i-1", "Topic": t, "Remark": remark}),
            || json!({}),
        )
        .unwrap();
    }
    let filtered = |remark: &str, page: u64, size: u64| {
        st.apply(
            "GetTopicList",
            &json!({"InstanceId": "i-1", "CurrentPage": page.to_string(), "PageSize": size,
                    "Remark": remark}),
            list_example,
        )
        .unwrap()
        .unwrap()
    };
    let blue = filtered("blue", 1, 10);
    assert_eq!(
        (blue["Total"].clone(), names(&blue)),
        (json!(2), vec!["a".to_owned(), "c".into()])
    );
    // Paging runs over the filtered items.
    assert_eq!(names(&filtered("blue", 2, 1)), vec!["c".to_owned()]);
    assert_eq!(filtered("green", 1, 10)["Total"], json!(0));
    // Without the filter, every item.
    assert_eq!(list(&st, "i-1", 1, 10)["Total"], json!(3));
}

#[test]
fn fuzzy_filters_match_part_of_the_member_unless_asked_for_an_exact_match() {
    let mut plans: BTreeMap<String, Plan> = topics().plans().clone();
    let list = plans.get_mut("GetTopicList").unwrap();
    list.fuzzy
        .insert("Remark".into(), Some("ExactMatchRemark".into()));
    let st = Stateful::new(plans, 1);
    for (t, remark) in [
        ("a", "blue-1"),
        ("b", "red"),
        ("c", "blue-10"),
        ("d", "Blue"),
    ] {
        st.apply(
            "CreateTopic",
            &json!({"InstanceId": "i-1", "Topic": t, "Remark": remark}),
            || json!({}),
        )
        .unwrap();
    }
    let filtered = |remark: &str, exact: Option<&str>| {
        let mut input = json!({"InstanceId": "i-1", "CurrentPage": "1", "PageSize": 10,
                               "Remark": remark});
        if let Some(e) = exact {
            input["ExactMatchRemark"] = json!(e);
        }
        let page = st
            .apply("GetTopicList", &input, list_example)
            .unwrap()
            .unwrap();
        (page["Total"].as_u64().unwrap(), names(&page))
    };
    assert_eq!(filtered("blue", None), (2, vec!["a".into(), "c".into()]));
    assert_eq!(
        filtered("blue-1", Some("false")),
        (2, vec!["a".into(), "c".into()])
    );
    assert_eq!(filtered("blue-1", Some("true")), (1, vec!["a".into()]));
    assert_eq!(filtered("blue", Some("true")), (0, vec![]));
    assert_eq!(filtered("Bl", None), (1, vec!["d".into()]));
}

#[test]
fn a_list_of_values_filters_the_items_holding_any_of_them() {
    let st = topics();
    for t in ["a", "b", "c"] {
        st.apply(
            "CreateTopic",
            &json!({"InstanceId": "i-1", "Topic": t, "Remark": format!("r-{t}")}),
            || json!({}),
        )
        .unwrap();
    }
    let filtered = |remarks: Value| {
        let page = st
            .apply(
                "GetTopicList",
                &json!({"InstanceId": "i-1", "CurrentPage": "1", "PageSize": 10,
                        "Remark": remarks}),
                list_example,
            )
            .unwrap()
            .unwrap();
        names(&page)
    };
    assert_eq!(
        filtered(json!(["r-a", "r-c"])),
        vec!["a".to_owned(), "c".into()]
    );
    assert_eq!(filtered(json!(["r-x"])), Vec::<String>::new());
    // An empty list filters nothing.
    assert_eq!(filtered(json!([])).len(), 3);
}

#[test]
fn a_composite_identity_conflicts_and_deletes_by_the_whole_tuple() {
    // A node label: its key and value within a cluster.
    let plan = |action: Action| Plan {
        resource: "nodelabel".into(),
        id: (action != Action::List).then(|| "LabelKey".into()),
        key: if action == Action::List {
            Vec::new()
        } else {
            vec!["LabelValue".into()]
        },
        scope: vec!["ClusterId".into()],
        items: (action == Action::List).then(|| "Data".into()),
        filters: if action == Action::List {
            [("LabelKey".to_owned(), "LabelKey".to_owned())].into()
        } else {
            BTreeMap::new()
        },
        lifecycle: None,
        ..topic_plan(action)
    };
    let plans = [
        ("CreateNodeLabel", Action::Create),
        ("ListNodeLabels", Action::List),
        ("DeleteNodeLabel", Action::Delete),
    ]
    .into_iter()
    .map(|(k, a)| (k.to_owned(), plan(a)))
    .collect();
    let st = Stateful::new(plans, 1);
    let create = |k: &str, v: &str| {
        st.apply(
            "CreateNodeLabel",
            &json!({"ClusterId": "c-1", "LabelKey": k, "LabelValue": v}),
            || json!({}),
        )
    };
    let list = |filter: Option<&str>| {
        let mut input = json!({"ClusterId": "c-1"});
        if let Some(k) = filter {
            input["LabelKey"] = json!(k);
        }
        let page = st
            .apply("ListNodeLabels", &input, || json!({"Data": []}))
            .unwrap()
            .unwrap();
        page["Data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| format!("{}={}", l["LabelKey"], l["LabelValue"]).replace('"', ""))
            .collect::<Vec<_>>()
    };
    create("zone", "a").unwrap();
    create("zone", "b").unwrap();
    create("tier", "a").unwrap();
    // The same key with another value is another label; the same pair is a conflict.
    let dup = create("zone", "a").unwrap_err();
    assert_eq!(dup.status, 409, "{dup:?}");
    assert!(dup.message.contains("zone, a"), "{dup:?}");
    assert_eq!(list(None), ["zone=a", "zone=b", "tier=a"]);
    assert_eq!(list(Some("zone")), ["zone=a", "zone=b"]);
    let delete = |k: &str, v: &str| {
        st.apply(
            "DeleteNodeLabel",
            &json!({"ClusterId": "c-1", "LabelKey": k, "LabelValue": v}),
            || json!({}),
        )
    };
    assert_eq!(delete("zone", "c").unwrap_err().status, 404);
    delete("zone", "a").unwrap();
    assert_eq!(list(None), ["zone=b", "tier=a"]);
    // A tuple member missing is a missing parameter, not a match on the key alone.
    let partial = st
        .apply(
            "DeleteNodeLabel",
            &json!({"ClusterId": "c-1", "LabelKey": "zone"}),
            || json!({}),
        )
        .unwrap_err();
    assert_eq!(partial.status, 400, "{partial:?}");
}

#[test]
fn an_update_joined_by_its_own_id_member_shows_in_nested_list_members() {
    // retailcloud deploy configs: created answering Result.SchemaId, listed as Id with the
    // code path in ContainerCodePath, updated by Id.
    let renames: BTreeMap<String, String> = [
        ("SchemaId", "Id"),
        ("CodePath", "ContainerCodePath.CodePath"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_owned(), b.to_owned()))
    .collect();
    let plan = |action: Action, id: Option<&str>| Plan {
        resource: "deployconfig".into(),
        id: id.map(str::to_owned),
        id_out: (action == Action::Create).then(|| "Result.SchemaId".into()),
        scope: vec!["AppId".into()],
        items: (action == Action::List).then(|| "Data".into()),
        paging: None,
        filters: BTreeMap::new(),
        renames: renames.clone(),
        not_found: None,
        id_format: Some("0".into()),
        ..topic_plan(action)
    };
    let plans = [
        ("CreateDeployConfig", plan(Action::Create, None)),
        ("ListDeployConfig", plan(Action::List, None)),
        ("UpdateDeployConfig", plan(Action::Update, Some("Id"))),
    ]
    .into_iter()
    .map(|(k, p)| (k.to_owned(), p))
    .collect();
    let st = Stateful::new(plans, 1);
    let created = st
        .apply(
            "CreateDeployConfig",
            &json!({"AppId": 7, "Name": "web", "CodePath": "/srv"}),
            || json!({"Result": {"SchemaId": 0}}),
        )
        .unwrap()
        .unwrap();
    let id = created["Result"]["SchemaId"].clone();
    assert!(id.as_u64().is_some_and(|n| n > 0), "{created}");
    let listed = || {
        st.apply("ListDeployConfig", &json!({"AppId": 7}), || {
            json!({"Data": [{"Id": 0, "Name": "x", "ContainerCodePath": {"CodePath": "/code"},
                             "EnvType": "online"}]})
        })
        .unwrap()
        .unwrap()["Data"][0]
            .clone()
    };
    let item = listed();
    assert_eq!(
        (
            &item["Id"],
            &item["Name"],
            &item["ContainerCodePath"]["CodePath"]
        ),
        (&id, &json!("web"), &json!("/srv")),
        "{item}"
    );
    st.apply(
        "UpdateDeployConfig",
        &json!({"AppId": 7, "Id": id, "CodePath": "/opt"}),
        || json!({"Success": true}),
    )
    .unwrap();
    assert_eq!(listed()["ContainerCodePath"]["CodePath"], json!("/opt"));
}

#[test]
fn a_describe_without_the_scope_finds_the_resource_in_any_scope() {
    let st = topics();
    st.apply(
        "CreateTopic",
        &json!({"InstanceId": "i-1", "Topic": "a"}),
        || json!({}),
    )
    .unwrap();
    // `DeleteTopic` here as a delete that does not send the scope member.
    st.apply("DeleteTopic", &json!({"Topic": "a"}), || json!({}))
        .unwrap();
    assert_eq!(list(&st, "i-1", 1, 10)["Total"], json!(0));
    let again = st
        .apply("DeleteTopic", &json!({"Topic": "a"}), || json!({}))
        .unwrap_err();
    assert_eq!(again.status, 404);
}

#[test]
fn generated_ids_never_run_out_and_numeric_ones_keep_their_digits() {
    let mut rng = fastrand::Rng::with_seed(7);
    let ids: std::collections::BTreeSet<String> = (0..200)
        .map(|_| shaped_id(Some("0"), "app", &mut rng))
        .collect();
    assert_eq!(ids.len(), 200, "an example id `0` is widened");
    for id in &ids {
        assert!(
            id.len() == 8 && id.chars().all(|c| c.is_ascii_digit()),
            "{id}"
        );
        assert!(!id.starts_with('0'), "{id}: a long loses a leading zero");
    }
}
