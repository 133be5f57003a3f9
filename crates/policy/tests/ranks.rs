//! Levels across policies: the two built-in presets are one organisation's process, so a
//! level of one is read by rank under the other (P1 is SEV1), and ranks are checked.

use firebreak_policy::{builtin_levels, Policy};

#[test]
fn the_rank_table_matches_the_preset_files() {
    let mut seen = 0;
    for name in Policy::preset_names() {
        let policy = Policy::preset(name).expect("preset");
        for level in &policy.levels {
            let (_, rank) =
                builtin_levels().iter().find(|(id, _)| *id == level.id).expect("every preset level is in the table");
            assert_eq!(policy.rank_of(level), *rank, "{name} {}", level.id);
            assert_eq!(level.rank, Some(*rank), "{name} {} states its rank", level.id);
            seen += 1;
        }
    }
    assert_eq!(seen, builtin_levels().len());
}

#[test]
fn a_level_of_the_other_preset_maps_by_rank_with_a_note() {
    let protocol = Policy::preset("protocol").expect("protocol");
    let matrix = Policy::preset("matrix").expect("matrix");
    for (p, s) in [("P1", "SEV1"), ("P2", "SEV2"), ("P3", "SEV3"), ("P4", "SEV4")] {
        let m = protocol.map_level(p).expect("mapped");
        assert_eq!(m.id, s);
        assert!(m.note().expect("a mapped level has a note").contains(&format!("read as {s}")));
        assert_eq!(matrix.map_level(s).expect("mapped").id, p);
        assert_eq!(protocol.level(p).map(|l| l.id.as_str()), Some(s));
    }
    // Its own level is not "mapped" and has no note; case is forgiven.
    let own = protocol.map_level("sev2").expect("own");
    assert_eq!((own.id.as_str(), own.note()), ("SEV2", None));
    assert!(protocol.map_level("P9").is_none());
    assert!(protocol.map_level("Critical").is_none());
    // Severity order and the RTO table read mapped levels too.
    assert!(protocol.is_more_severe("P1", "SEV2"));
    assert_eq!(protocol.rto_for("core-api", "P1"), protocol.rto_for("core-api", "SEV1"));
    assert!(protocol.rto_for("core-api", "P1").is_some());
}

#[test]
fn a_policy_with_fewer_levels_reads_a_milder_rank_as_its_mildest() {
    let text = Policy::preset_toml("protocol").expect("protocol");
    let mut policy = Policy::from_toml_str(text).expect("parses");
    policy.levels.truncate(2);
    policy.tiers.iter_mut().for_each(|t| {
        t.rto.retain(|k, _| k == "SEV1" || k == "SEV2");
        t.team_defaults.retain(|k| k == "SEV1" || k == "SEV2");
    });
    assert_eq!(policy.map_level("P4").expect("mapped").id, "SEV2");
    assert_eq!(policy.map_level("P1").expect("mapped").id, "SEV1");
}

#[test]
fn ranks_must_rise_down_the_list() {
    let text = Policy::preset_toml("matrix").expect("matrix").replacen("rank = 2", "rank = 1", 1);
    let err = Policy::from_toml_str(&text).expect_err("two levels of rank 1");
    let msg = err.to_string();
    assert!(msg.contains("levels[1].rank") && msg.contains("most severe first"), "{msg}");
    let text = Policy::preset_toml("matrix").expect("matrix").replacen("rank = 1", "rank = 0", 1);
    assert!(Policy::from_toml_str(&text).expect_err("rank 0").to_string().contains("levels[0].rank"));
}
