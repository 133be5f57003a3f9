//! The severity helper: the policy's criteria and examples as a short questionnaire that
//! suggests a level.
//!
//! Under stress people misjudge severity, so declaring an incident offers the criteria and
//! examples of every level as yes / no / unsure questions. The suggestion is the most severe
//! level with a "yes"; an "unsure" on a more severe level lifts the suggestion to that level,
//! because the policy's tie rule is [`TIE_RULE`]. The helper only suggests: the commander
//! chooses.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::policy::Policy;

/// The tie rule the helper applies, as shown to people.
pub const TIE_RULE: &str = "If unsure, take the higher severity.";

/// One question: does this criterion (or example) describe the incident?
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Question {
    /// The level the criterion belongs to.
    pub level: String,
    /// The criterion or example text.
    pub criterion: String,
    /// True for an example scenario, false for a criterion.
    pub is_example: bool,
}

impl Question {
    /// This question answered with `reply`.
    pub fn answer(&self, reply: Reply) -> Answer {
        Answer { level: self.level.clone(), criterion: self.criterion.clone(), reply }
    }
}

/// A reply to a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// It describes the incident.
    Yes,
    /// It does not.
    No,
    /// Cannot tell yet.
    Unsure,
}

/// An answered question, identified by its level and text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Answer {
    /// The level of the question.
    pub level: String,
    /// The criterion or example text of the question.
    pub criterion: String,
    /// The reply.
    pub reply: Reply,
}

/// The suggested level and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Suggestion {
    /// The suggested level id.
    pub level: String,
    /// One line saying why.
    pub reason: String,
    /// True when an "unsure" lifted the suggestion above the best "yes".
    pub lifted_by_unsure: bool,
}

/// The questions, most severe level first; each level's criteria, then its examples.
pub fn questionnaire(policy: &Policy) -> Vec<Question> {
    let mut out = Vec::new();
    for level in &policy.levels {
        let items = level.criteria.iter().map(|c| (c, false)).chain(level.examples.iter().map(|e| (e, true)));
        for (text, is_example) in items {
            out.push(Question { level: level.id.clone(), criterion: text.clone(), is_example });
        }
    }
    out
}

/// Suggest a level from the answers: the most severe level with a "yes"; an "unsure" on a more
/// severe level lifts it to that level. With no "yes", the most severe "unsure" is suggested.
/// `None` when nothing was answered yes or unsure. Answers for levels the policy does not
/// have are ignored.
pub fn suggest_level(policy: &Policy, answers: &[Answer]) -> Option<Suggestion> {
    let best = |reply: Reply| {
        answers
            .iter()
            .filter(|a| a.reply == reply)
            .filter_map(|a| policy.levels.iter().position(|l| l.id == a.level).map(|rank| (rank, a)))
            .min_by_key(|(rank, _)| *rank)
    };
    let yes = best(Reply::Yes);
    let unsure = best(Reply::Unsure);
    let label = |id: &str| policy.level(id).map_or_else(|| id.to_string(), |l| l.label());
    match (yes, unsure) {
        (Some((y, yes)), Some((u, unsure))) if u < y => Some(Suggestion {
            level: unsure.level.clone(),
            reason: format!(
                "\"{}\" fits {}, but you are unsure whether \"{}\" applies, which would make it {}: {}",
                yes.criterion,
                label(&yes.level),
                unsure.criterion,
                label(&unsure.level),
                TIE_RULE
            ),
            lifted_by_unsure: true,
        }),
        (Some((_, yes)), _) => Some(Suggestion {
            level: yes.level.clone(),
            reason: format!("\"{}\" fits {}, the most severe level that matches.", yes.criterion, label(&yes.level)),
            lifted_by_unsure: false,
        }),
        (None, Some((_, unsure))) => Some(Suggestion {
            level: unsure.level.clone(),
            reason: format!(
                "Nothing matched for certain, but \"{}\" may apply, which would make it {}: {}",
                unsure.criterion,
                label(&unsure.level),
                TIE_RULE
            ),
            lifted_by_unsure: true,
        }),
        (None, None) => None,
    }
}
