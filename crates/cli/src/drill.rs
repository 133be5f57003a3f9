//! `firebreak drill list|run|report`: drills from the command line. A run opens the data
//! directory a second time on a drill clock (scaled, ending at the real end of the run)
//! and ticks until the scenario's duration has passed.
use crate::erased::Ser;
use crate::{read_text, write_atomically, Out};
use clap::Subcommand;
use firebreak_api::drill::{evaluation_pdf, Script};
use firebreak_api::system::SystemClock;
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
            // The api's listing (the window shows the same): built-ins, then the team's
            // own scenarios in `<data dir>/scenarios/`, and when the next drill is due.
            let view = fb.drills()?;
            let mut text: Vec<String> = view
                .scenarios
                .iter()
                .map(|s| {
                    format!(
                        "{:<24} [{}] {} — {} injects, {} criteria, {}",
                        s.name,
                        s.severity,
                        s.title,
                        s.injects,
                        s.criteria,
                        firebreak_drill::format_compact(chrono::Duration::seconds(s.duration_seconds))
                    )
                })
                .collect();
            text.push(format!(
                "next quarterly drill: {}{}",
                view.next_drill_due.format("%Y-%m-%d"),
                if view.overdue { " (overdue)" } else { "" }
            ));
            Ok(out(view.to_json(), text.join("\n")))
        }
        DrillCmd::Run { scenario, speed, responses } => {
            if speed == 0 || speed > 3600 {
                return Err(ApiError::invalid("--speed must be between 1 and 3600 (1, 10 and 60 are the usual)"));
            }
            let speed = speed.max(1);
            // A file, else a name from `drill list` (built-in or the team's own), else the
            // text itself (whose parse error then says what is wrong).
            let text = if Path::new(&scenario).exists() {
                read_text(Path::new(&scenario))?
            } else {
                fb.scenario_yaml(&scenario).unwrap_or_else(|_| scenario.clone())
            };
            let (sc, _) = firebreak_api::drill::scenario(&text)?;
            let script = match responses {
                Some(f) => Script::from_yaml(&read_text(&f)?)?,
                None => Script::default(),
            };
            let clock = firebreak_api::drill::drill_clock(SystemClock, sc.duration, speed);
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
