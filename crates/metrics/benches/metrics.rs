//! How long `compute` takes over 10,000 generated incidents (goal: at most 50 ms), so a
//! year of a busy team's incidents charts without a visible pause.
use chrono::{Duration, TimeZone, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use firebreak_metrics::{compute, to_csv, IncidentRecord, Period, Targets};

/// Deterministic pseudo-random incidents spread over two years, four levels, with a
/// few drills, unacknowledged and unresolved ones.
fn generated(n: usize) -> Vec<IncidentRecord> {
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let mut seed: u64 = 0x5eed;
    let mut next = move |bound: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % bound
    };
    (0..n)
        .map(|i| {
            let detected = start + Duration::minutes(next(2 * 365 * 24 * 60) as i64);
            let ack = detected + Duration::seconds(next(3_600) as i64);
            let resolved = ack + Duration::seconds(next(6 * 3_600) as i64);
            let level = next(4);
            IncidentRecord {
                id: format!("id-{i}"),
                human_id: format!("INC-{i}"),
                severity: format!("SEV{}", level + 1),
                drill: next(50) == 0,
                impact_started_at: (next(3) > 0).then(|| detected - Duration::seconds(next(900) as i64)),
                detected_at: detected,
                acknowledged_at: (next(20) > 0).then_some(ack),
                mitigated_at: Some(ack + Duration::minutes(10)),
                resolved_at: (next(10) > 0).then_some(resolved),
                pir_required: level < 2,
                pir_due: Some(resolved + Duration::hours(48)),
                pir_completed_at: (next(4) > 0).then(|| resolved + Duration::hours(next(72) as i64)),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let records = generated(10_000);
    let levels: Vec<String> = (1..=4).map(|n| format!("SEV{n}")).collect();
    let targets = Targets::reference();
    let period = Period::all();
    c.bench_function("compute 10k incidents", |b| {
        b.iter(|| compute(black_box(&records), &period, None, &levels, &targets))
    });
    let report = compute(&records, &period, None, &levels, &targets);
    c.bench_function("compute + csv 10k incidents", |b| {
        b.iter(|| to_csv(&compute(black_box(&records), &period, None, &levels, &targets)))
    });
    assert!(!to_csv(&report).is_empty());
}

criterion_group!(benches, bench);
criterion_main!(benches);
