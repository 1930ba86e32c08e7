//! Property tests of the edge: every parser that reads what a person or a client typed is
//! fed random Unicode (and near-misses of valid input) and must answer, never panic. A
//! panic in a request handler is caught (a 500), but it is still a defect: these find
//! them before a user does.

use proptest::prelude::*;

use crate::clock::parse_time;
use crate::roster::ids::{IdCardNumber, Phone, mask_id_number, mask_phone};
use crate::web::i18n::Lang;
use crate::web::validate;

/// Text as people paste it: any Unicode, weighted towards digits, dashes, plus signs,
/// spaces and Chinese, which is where parsers of phones, dates and ID numbers slip.
fn typed() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        3 => "[0-9]{1,12}",
        1 => "[-+ ()/:.T Zx X]{1,3}",
        1 => "[中文字号楼单元０１２３４５６７８９]{1,3}",
        1 => any::<char>().prop_map(|c| c.to_string()),
        1 => "\\PC{1,4}",
    ];
    prop::collection::vec(pieces, 0..6).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn phones_parse_or_refuse(s in typed()) {
        if let Some(p) = Phone::parse(&s) {
            // What is accepted is canonical, and parses to itself again.
            prop_assert_eq!(Phone::parse(p.as_str()), Some(p.clone()));
            prop_assert!(p.as_str().is_ascii());
        }
        let _ = mask_phone(&s);
    }

    #[test]
    fn id_numbers_parse_or_refuse(s in typed()) {
        if let Some(n) = IdCardNumber::parse(&s) {
            prop_assert_eq!(n.as_str().len(), 18);
            let _ = n.birth_date();
            let _ = n.is_male();
        }
        let _ = mask_id_number(&s);
    }

    #[test]
    fn dates_and_times_parse_or_refuse(s in typed()) {
        if let Some(t) = parse_time(&s) {
            // A parsed moment can be shown and counted in days without overflow.
            let _ = crate::clock::rfc3339(t);
            let _ = crate::clock::day_of(t);
        }
    }

    #[test]
    fn free_text_is_bounded_or_refused(s in "\\PC{0,40}|[\\x00-\\x1f]{0,4}", max in 1usize..30) {
        match validate::optional("note", Some(&s), max) {
            Ok(Some(v)) => prop_assert!(v.chars().count() <= max),
            Ok(None) => prop_assert!(s.trim().is_empty()),
            Err(e) => prop_assert_eq!(e.field.as_deref(), Some("note")),
        }
    }

    #[test]
    fn roster_fields_parse_or_refuse(s in typed(), t in prop::collection::vec(typed(), 0..4)) {
        let _ = crate::roster::model::phone("phone", Some(&s));
        let _ = crate::roster::model::tags(&t);
        let _ = crate::roster::model::kind(Some(&s), &crate::roster::model::UNIT_KINDS);
        let _ = crate::roster::model::Identity::parse(crate::roster::model::IdentityInput {
            id_number: Some(&s),
            birth_date: t.first().map(String::as_str),
            gender: None,
        });
    }

    #[test]
    fn languages_and_cookies_parse_or_fall_back(s in "\\PC{0,30}") {
        let mut h = axum::http::HeaderMap::new();
        if let Ok(v) = axum::http::HeaderValue::from_str(&s) {
            h.insert(axum::http::header::ACCEPT_LANGUAGE, v.clone());
            h.insert(axum::http::header::COOKIE, v);
        }
        let _ = Lang::from_request(Some(&s), &h);
        let _ = crate::web::session::cookie(&h, "linli_session");
        let _ = crate::web::pages::url_escape(&s);
    }

    #[test]
    fn codes_of_the_model_parse_or_refuse(s in "\\PC{0,20}") {
        use crate::demands::model::{Channel, Level, Satisfaction, Status, TargetKind, Urgency};
        let _ = (Status::parse(&s), Level::parse(&s), Channel::parse(&s));
        let _ = (Urgency::parse(&s), Satisfaction::parse(&s), TargetKind::parse(&s));
        let _ = crate::auth::Role::parse(&s);
    }
}
