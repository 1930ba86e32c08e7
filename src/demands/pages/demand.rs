//! The demand page: everything about one demand, its timeline, and a form for every step
//! the viewer may take now (and only those).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::db::Q;
use crate::demands::api::view::DemandView;
use crate::demands::api::{AttachmentView, SummonView, detail};
use crate::error::Error;
use crate::state::AppState;
use crate::web::i18n::text;
use crate::web::pages::{Page, render};
use crate::web::session::PageUser;

use super::{Item, short_time};

/// What the viewer may do now, one flag per step.
#[derive(Default)]
pub struct Can {
    pub accept: bool,
    pub decline: bool,
    pub merge: bool,
    pub dispatch: bool,
    pub take: bool,
    pub resolve: bool,
    pub feedback: bool,
    pub rate: bool,
    pub reopen: bool,
    pub close: bool,
    pub escalate: bool,
    pub whistle: bool,
    pub report_in: bool,
    pub report_back: bool,
    pub any: bool,
}

impl Can {
    fn of(actions: &[String]) -> Can {
        let has = |a: &str| actions.iter().any(|x| x == a);
        Can {
            accept: has("accept"),
            decline: has("decline"),
            merge: has("merge"),
            dispatch: has("dispatch"),
            take: has("take"),
            resolve: has("resolve"),
            feedback: has("feedback"),
            rate: has("rate"),
            reopen: has("reopen"),
            close: has("close"),
            escalate: has("escalate"),
            whistle: has("whistle"),
            report_in: has("report-in"),
            report_back: has("report-back"),
            any: !actions.is_empty(),
        }
    }
}

/// The choices the forms offer: categories, grids, people, teams, units.
#[derive(Default)]
pub struct Options {
    pub categories: Vec<(String, String)>,
    pub grids: Vec<(i64, String)>,
    pub people: Vec<(i64, String)>,
    pub teams: Vec<(i64, String)>,
    pub units: Vec<(i64, String)>,
}

/// The active categories, named in the viewer's language.
pub async fn categories(st: &AppState) -> Result<Vec<(String, String)>, Error> {
    let mut c = st.db.conn().await?;
    let english = crate::web::i18n::current() == crate::web::i18n::Lang::En;
    let rows: Vec<(String, String, String)> = Q::new(
        "SELECT code, name_zh, name_en FROM categories WHERE active = TRUE ORDER BY sort, code",
    )
    .fetch_all(&mut c)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, zh, en)| (code, if english { en } else { zh }))
        .collect())
}

/// The choices for a demand of `community_id` in `street_id`.
pub async fn options(st: &AppState, street_id: i64, community_id: i64) -> Result<Options, Error> {
    let categories = categories(st).await?;
    let mut c = st.db.conn().await?;
    let people: Vec<(i64, String, String)> = Q::new(
        "SELECT id, display_name, role FROM users WHERE community_id = $1 AND active = TRUE \
         AND role IN ('grid_worker', 'volunteer', 'staff', 'secretary') ORDER BY role, id",
    )
    .bind(community_id)
    .fetch_all(&mut c)
    .await?;
    Ok(Options {
        categories,
        grids: Q::new("SELECT id, name FROM grids WHERE community_id = $1 ORDER BY id")
            .bind(community_id)
            .fetch_all(&mut c)
            .await?,
        people: people
            .into_iter()
            .map(|(id, name, role)| {
                (
                    id,
                    format!("{name}（{}）", text(&format!("web.role.{role}"))),
                )
            })
            .collect(),
        teams: Q::new("SELECT id, name FROM teams WHERE community_id = $1 ORDER BY id")
            .bind(community_id)
            .fetch_all(&mut c)
            .await?,
        units: Q::new("SELECT id, name FROM units WHERE street_id = $1 ORDER BY id")
            .bind(street_id)
            .fetch_all(&mut c)
            .await?,
    })
}

/// One line of the timeline as people read it.
pub struct Event {
    pub at: String,
    pub who: String,
    pub what: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "work/demand.html")]
pub struct DemandPage {
    pub page: Page,
    pub d: DemandView,
    pub item: Item,
    pub category: String,
    pub timeline: Vec<Event>,
    pub summons: Vec<SummonView>,
    pub photos: Vec<AttachmentView>,
    pub can: Can,
    pub opts: Options,
    pub error: Option<String>,
    /// Where the rating form posts.
    pub rate_action: String,
    pub channel: String,
    pub rating: Option<String>,
    pub deadlines: String,
}

impl DemandPage {
    pub fn category_selected(&self, code: &str) -> bool {
        self.d.category.as_deref() == Some(code)
    }
    pub fn grid_selected(&self, id: &i64) -> bool {
        self.d.grid_id == Some(*id)
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    pub done: Option<String>,
}

/// Builds the page (also after a refused step, with its error).
pub async fn build(
    st: &AppState,
    u: &PageUser,
    id: i64,
    error: Option<String>,
) -> Result<DemandPage, Error> {
    let det = detail(st, &u.actor, id).await?;
    let d = det.demand;
    let can = Can::of(&det.next_actions);
    let opts = if can.accept || can.dispatch || can.whistle {
        options(st, d.street_id, d.community_id).await?
    } else {
        Options::default()
    };
    let category = match &d.category {
        Some(code) => {
            let mut c = st.db.conn().await?;
            let english = crate::web::i18n::current() == crate::web::i18n::Lang::En;
            Q::new("SELECT name_zh, name_en FROM categories WHERE code = $1")
                .bind(code.as_str())
                .fetch_optional::<(String, String)>(&mut c)
                .await?
                .map(|(zh, en)| if english { en } else { zh })
                .unwrap_or_else(|| code.clone())
        }
        None => text("web.demand.uncategorised"),
    };
    let timeline = det
        .timeline
        .iter()
        .map(|e| Event {
            at: short_time(&e.at),
            who: e.actor_name.clone(),
            what: text(&format!("demand.action.{}", e.action)),
            note: e.note.clone(),
        })
        .collect();
    Ok(DemandPage {
        page: Page::for_user(u, format!("#{} {}", d.id, d.title), "/work/demands"),
        item: Item::of(&d),
        category,
        timeline,
        summons: det.summons,
        photos: det
            .attachments
            .into_iter()
            .map(|a| AttachmentView {
                url: format!("/work/attachments/{}", a.id),
                ..a
            })
            .collect(),
        can,
        opts,
        error,
        rate_action: format!("/work/demands/{}/act/rate", d.id),
        channel: text(&format!("demand.channel.{}", d.channel.as_str())),
        rating: d.rating.as_ref().map(|r| {
            let solved = text(if r.solved {
                "web.rate.solved"
            } else {
                "web.rate.not_solved"
            });
            match r.satisfaction {
                Some(s) => format!("{solved} · {}", text(&format!("web.rate.{}", s.as_str()))),
                None => solved,
            }
        }),
        deadlines: format!(
            "{} / {}",
            short_time(&d.accept_due_at),
            short_time(&d.feedback_due_at)
        ),
        d,
    })
}

pub async fn page(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Response {
    match build(&st, &u, id, None).await {
        Ok(mut p) => {
            if let Some(done) = q.done.filter(|d| d.len() < 20) {
                p.page.flash = Some(text("web.demand.done").replace(
                    "{step}",
                    &text(&format!("demand.action.{}", done.replace('-', "_"))),
                ));
            }
            render(&p)
        }
        Err(e) => error_page(e),
    }
}

pub use crate::web::pages::error_page;

/// An attachment, for the pages (same scope as the API).
pub async fn attachment(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>) -> Response {
    match crate::demands::api::attachments::file(&st, &u.actor, id).await {
        Ok(r) => r,
        Err(e) => error_page(e),
    }
}
