//! Drills in the window: a drill incident runs on its own scaled clock (ending at the
//! real end of the run, so no drill time lies in the future), and a tokio task delivers
//! injects and the commander rotation until the scenario's duration has passed.
use crate::commands::AppState;
use firebreak_api::drill::Script;
use firebreak_api::system::SystemClock;
use firebreak_api::{Firebreak, Result};
use firebreak_core::clock::{Clock, ScaledClock};
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

/// A drill's clock, kept so the facilitator can pause and resume it.
pub type DrillClock = Arc<ScaledClock<SystemClock>>;

pub fn start(fb: &mut Firebreak, yaml: &str, speed: u32) -> Result<(String, DrillClock)> {
    let (sc, _) = firebreak_api::drill::scenario(yaml)?;
    let speed = speed.clamp(1, 3600);
    let clock: DrillClock = Arc::new(firebreak_api::drill::drill_clock(SystemClock, sc.duration, speed));
    let run = fb.drill_start(yaml, speed, &Script::default(), Some(clock.clone() as Arc<dyn Clock>))?;
    Ok((run.incident, clock))
}

pub fn spawn_ticker(app: AppHandle, incident: String) {
    tauri::async_runtime::spawn(async move {
        let script = Script::default();
        let mut applied = 0;
        loop {
            // A tick that panics is logged and the drill goes on; one that fails stops it.
            let tick = || tick(&app, &incident, &script, &mut applied);
            match crate::commands::survive("drill ticker", tick) {
                Some(Ok(true)) => break,
                Some(Ok(false)) | None => {}
                Some(Err(e)) => {
                    eprintln!("firebreak: drill stopped: {}", e.message);
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
}

/// Delivers what is due in the drill now; true once it has ended.
fn tick(app: &AppHandle, incident: &str, script: &Script, applied: &mut usize) -> Result<bool> {
    let state = app.state::<AppState>();
    let mut arrived: Vec<String> = Vec::new();
    let outcome = state.with(|fb| fb.drill_tick_with(incident, script, applied, &mut |h| arrived.push(h.to_string())));
    for headline in arrived {
        // Injects notify like real alerts do, marked as a drill.
        let _ = app.notification().builder().title("[DRILL] inject").body(&headline).show();
    }
    outcome
}
