//! `firebreak drill list|run|report`: drills from the command line. A run opens the data
//! directory a second time on a drill clock (scaled, ending at the real end of the run)
//! and ticks until the scenario's duration has passed.
use crate::erased::Ser;
use crate::{read_text, write_atomically, Out};
use clap::Subcommand;
use firebreak_api::drill::{builtin_names, evaluation_pdf, Script};
use firebreak_api::{ApiError, Firebreak};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum DrillCmd {
    /// The built-in scenarios, and when the next quarterly drill is due.
    List,
    /// Run SCENARIO (a built-in name or a scenario file) on a drill clock.
    Run {
        scenario: String,
        /// Drill clock speed: 1, 10 or 60 (times real time).
        #[arg(long, default_value_t = 1)]
        speed: u32,
        /// Scripted responses (YAML), for rehearsals and automation.
        #[arg(long, value_name = "FILE")]
        responses: Option<PathBuf>,
    },
    /// The evaluation of a run (RUN: the drill incident's id).
    Report {
        run: String,
        #[arg(long, value_parser = ["pdf", "md"])]
        format: String,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
}

pub fn command(fb: &mut Firebreak, dir: &Path, cmd: DrillCmd, out: Out<'_>) -> Result<Value, ApiError> {
    match cmd {
        DrillCmd::List => {
            let last = fb.last_drill_at()?;
            let now = fb.now();
            let next = firebreak_drill::next_quarterly_drill(last, now);
            let overdue = firebreak_drill::drill_overdue(last, now);
            let list = builtin_names();
            let mut text: Vec<String> = list
                .iter()
                .map(|(name, s)| {
                    format!(
                        "{name:<24} [{}] {} — {} injects, {} criteria, {}",
                        s.severity,
                        s.title,
                        s.injects.len(),
                        s.success_criteria.len(),
                        firebreak_drill::format_compact(s.duration)
                    )
                })
                .collect();
            text.push(format!(
                "next quarterly drill: {}{}",
                next.format("%Y-%m-%d"),
                if overdue { " (overdue)" } else { "" }
            ));
            let v = json!({
                "scenarios": list.iter().map(|(n, s)| json!({"name": n, "scenario": s.to_json()})).collect::<Vec<_>>(),
                "last_drill_at": last, "next_drill_due": next, "overdue": overdue,
            });
            Ok(out(v, text.join("\n")))
        }
        DrillCmd::Run { scenario, speed, responses } => {
            if speed == 0 || speed > 3600 {
                return Err(ApiError::invalid("--speed must be between 1 and 3600 (1, 10 and 60 are the usual)"));
            }
            let speed = speed.max(1);
            let text = if Path::new(&scenario).exists() { read_text(Path::new(&scenario))? } else { scenario.clone() };
            let (sc, _) = firebreak_api::drill::scenario(&text)?;
            let script = match responses {
                Some(f) => Script::from_yaml(&read_text(&f)?)?,
                None => Script::default(),
            };
            let clock = firebreak_api::drill::drill_clock(sc.duration, speed);
            let mut drill = Firebreak::open(dir, Box::new(clock))?;
            let run = drill.drill_start(&text, speed, &script, None)?;
            let human = drill.show(&run.incident)?.human_id;
            eprintln!(
                "drill {human}: {} at {speed}×, {} (drill time)",
                sc.title,
                firebreak_drill::format_compact(sc.duration)
            );
            let mut applied = 0;
            loop {
                if drill.drill_tick(&run.incident, &script, &mut applied)? {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            let e = drill.drill_evaluation(&run.incident)?;
            let text = format!("{human}: {} of {} criteria met", e.met_count, e.total);
            Ok(out(json!({ "run": human, "evaluation": e.to_json() }), text))
        }
        DrillCmd::Report { run, format, output } => {
            let e = fb.drill_evaluation(&run)?;
            let human = fb.show(&run)?.human_id;
            let bytes = match format.as_str() {
                "md" => firebreak_drill::evaluation_markdown(&e).into_bytes(),
                _ => evaluation_pdf(&e, &human, &fb.author()?, fb.now())?,
            };
            write_atomically(&output, &bytes)?;
            Ok(out(
                json!({ "file": output, "bytes": bytes.len() }),
                format!("wrote {} ({} bytes)", output.display(), bytes.len()),
            ))
        }
    }
}
