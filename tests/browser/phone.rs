//! Aunt Pan on a 360 × 740 phone: her list readable (no card over another, no title cut),
//! what waits for her rating put in front of her, rating with large targets and a
//! thank-you, a new demand confirmed with when it will be answered, and the large-text
//! view one tap away and remembered.

use thirtyfour::prelude::*;

use crate::harness::{Browser, Rect, Server};

const W: u32 = 360;
const H: u32 = 740;

/// The visible touch targets of the page lower than 44 px, as "text (height)".
async fn small_targets(b: &Browser) -> Vec<String> {
    let r = b
        .driver
        .execute(
            "return Array.from(document.querySelectorAll(\
             'a[href], button, select, textarea, label.choice, input:not([type=hidden]):not([type=radio])'))\
             .filter(function (e) { var r = e.getBoundingClientRect(); \
               return r.width > 0 && r.height > 0 && r.right > 0 && r.left < window.innerWidth; })\
             .filter(function (e) { return e.getBoundingClientRect().height < 44; })\
             .map(function (e) { return (e.textContent.trim() || e.outerHTML.slice(0, 60)) + \
               ' (' + Math.round(e.getBoundingClientRect().height) + ' px)'; });",
            Vec::new(),
        )
        .await
        .unwrap();
    serde_json::from_value(r.json().clone()).unwrap()
}

/// No two of the boxes share area; says which do.
fn none_overlap(what: &str, rects: &[Rect]) {
    for (i, a) in rects.iter().enumerate() {
        for (j, b) in rects.iter().enumerate().skip(i + 1) {
            assert!(!a.overlaps(b), "{what} {i} {a:?} overlaps {what} {j} {b:?}");
        }
    }
}

#[tokio::test]
async fn aunt_pans_list_is_readable_on_a_360_px_phone_and_puts_the_rating_first() {
    let Some(server) = Server::start().await else {
        return;
    };
    let waiting = server
        .raised_by_resident(
            "卫生间的水管一直在漏水，水已经流到楼下邻居家的天花板上了，请尽快来看看",
        )
        .await;
    server.fed_back(waiting).await;
    server
        .raised_by_resident("门禁对讲报修单号YC2026120300000000000000173201987654321还是打不开")
        .await;
    server
        .raised_by_resident("小区东门外的人行道砖松动了好几块，老人走路容易绊倒")
        .await;
    let phone = Browser::open("phone-list", W, H).await;
    phone.login(&server, "resident").await;
    assert_eq!(phone.path().await, "/me");
    phone.shot("my-demands").await;

    let cards = phone.rects("a.mine-card").await;
    assert!(cards.len() >= 3, "her demands are listed: {cards:?}");
    none_overlap("card", &cards);
    let mut blocks = phone.rects(".prompt, a.button.big").await;
    blocks.extend(cards.iter().copied());
    none_overlap("block", &blocks);
    for c in &cards {
        assert!(
            c.x >= 0.0 && c.x + c.width <= W as f64 + 0.5,
            "a card inside the screen: {c:?}"
        );
    }
    let cut = phone
        .clipped(".mine-title, .mine-meta .tag, .mine-meta .badge, .mine-meta .when, .rate-title")
        .await;
    assert!(cut.is_empty(), "text cut at 360 px: {cut:?}");
    assert!(phone.fits_width().await, "no sideways scrolling");
    let text = phone.text().await;
    assert!(
        text.contains("卫生间的水管一直在漏水，水已经流到楼下邻居家的天花板上了，请"),
        "the whole title is there, wrapped: {text}"
    );
    assert!(text.contains("提交于 "), "the date is said as a date");
    assert!(text.contains("待受理"), "the state is said");

    // The prompt, on the first screen, counts what waits and leads to it.
    let badges = phone.rects(".mine-card .badge").await.len();
    assert!(badges >= 1);
    assert!(
        text.contains(&format!("您有 {badges} 件诉求待评价")),
        "{text}"
    );
    let prompt = phone.rects(".prompt").await[0];
    assert!(
        prompt.y + prompt.height <= H as f64,
        "the prompt is on the first screen: {prompt:?}"
    );
    let badge = phone
        .driver
        .find(By::Css(format!(
            "a.mine-card[href='/me/demands/{waiting}#rate'] .badge"
        )))
        .await
        .expect("a badge on the demand waiting for her rating");
    assert_eq!(badge.text().await.unwrap(), "待评价");
    let small = small_targets(&phone).await;
    assert!(small.is_empty(), "touch targets under 44 px: {small:?}");
    phone
        .driver
        .find(By::Css(format!(
            ".prompt a[href='/me/demands/{waiting}#rate']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(phone.path().await, format!("/me/demands/{waiting}"));
    phone.quit().await;
}

#[tokio::test]
async fn she_rates_with_large_targets_and_is_thanked_with_her_rating_shown_back() {
    let Some(server) = Server::start().await else {
        return;
    };
    let id = server
        .raised_by_resident("楼道的灯坏了，晚上下楼看不见台阶")
        .await;
    server.fed_back(id).await;
    let phone = Browser::open("phone-rate", W, H).await;
    phone.login(&server, "resident").await;
    phone.go(&server, &format!("/me/demands/{id}#rate")).await;
    let choices = phone.rects("form.rate-form label.choice").await;
    assert_eq!(
        choices.len(),
        5,
        "solved or not, and three degrees of satisfaction"
    );
    for c in &choices {
        assert!(c.height >= 44.0, "a choice at least 44 px high: {c:?}");
        assert!(c.width >= 200.0, "a choice wide enough for a thumb: {c:?}");
    }
    none_overlap("choice", &choices);
    let submit = phone.rects("form.rate-form button[type=submit]").await;
    assert!(submit[0].height >= 44.0, "{submit:?}");
    let small = small_targets(&phone).await;
    assert!(small.is_empty(), "touch targets under 44 px: {small:?}");
    // A thumb on the words of the choice picks it.
    for label in ["已解决", "满意"] {
        phone
            .driver
            .find(By::XPath(format!(
                "//label[contains(@class,'choice')][normalize-space(.)='{label}']"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    phone.type_into("rate-comment", "修得很快，谢谢").await;
    phone.shot("rate-chosen").await;
    phone
        .submit_form_at(&format!("/me/demands/{id}/rate"))
        .await;
    assert_eq!(phone.path().await, format!("/me/demands/{id}?rated=1"));
    let text = phone.text().await;
    assert!(text.contains("感谢您的评价！"), "{text}");
    assert!(text.contains("您的评价"));
    assert!(text.contains("已解决 · 满意"));
    assert!(text.contains("修得很快，谢谢"));
    assert!(text.contains("已关闭"));
    assert!(phone.fits_width().await);
    phone.shot("rated-thanks").await;
    phone.quit().await;
}

#[tokio::test]
async fn a_new_demand_from_the_phone_says_where_and_is_confirmed_with_when_it_is_answered() {
    let Some(server) = Server::start().await else {
        return;
    };
    let phone = Browser::open("phone-new", W, H).await;
    phone.login(&server, "resident").await;
    phone.go(&server, "/me/new").await;
    let pickers = phone
        .driver
        .find_all(By::Css("input[type=file][name=photo]"))
        .await
        .unwrap();
    assert_eq!(pickers.len(), 2, "the album and the camera");
    for p in &pickers {
        assert_eq!(p.attr("accept").await.unwrap().as_deref(), Some("image/*"));
    }
    assert_eq!(pickers[0].attr("capture").await.unwrap(), None, "the album");
    assert_eq!(
        pickers[1].attr("capture").await.unwrap().as_deref(),
        Some("environment"),
        "the camera"
    );
    let small = small_targets(&phone).await;
    assert!(small.is_empty(), "touch targets under 44 px: {small:?}");
    phone.select("category", "water").await;
    phone
        .type_into("description", "楼顶水箱溢水，顺着外墙往下流")
        .await;
    phone.type_into("location", "5号楼 楼顶").await;
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("roof.png");
    std::fs::write(&png, TINY_PNG).unwrap();
    pickers[0]
        .send_keys(png.display().to_string())
        .await
        .unwrap();
    assert_eq!(
        phone
            .driver
            .find(By::Id("photo-chosen"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "已选照片：roof.png",
        "the page says which photo was chosen"
    );
    phone.shot("new-filled").await;
    phone.submit_form_of("description").await;
    let path = phone.path().await;
    assert!(
        path.ends_with("?sent=1"),
        "confirmed on the demand's page: {path}"
    );
    let id: i64 = path
        .trim_start_matches("/me/demands/")
        .trim_end_matches("?sent=1")
        .parse()
        .unwrap();
    let pan = server.actor("resident").await;
    let d = linli::demands::service::detail(&server.state, &pan, id, None)
        .await
        .unwrap();
    assert_eq!(d.demand.location, "5号楼 楼顶", "the place is kept");
    assert_eq!(d.attachments.len(), 1, "the photo from the album is kept");
    let short = |s: &str| s[..16].replace('T', " ");
    let text = phone.text().await;
    assert!(text.contains("您的诉求已提交"), "{text}");
    assert!(text.contains(&format!("诉求编号：{id}")));
    assert!(
        text.contains(&format!(
            "社区将在 {} 前受理",
            short(&d.demand.accept_due_at)
        )),
        "{text}"
    );
    assert!(text.contains(&format!(
        "并在 {} 前给您答复办理结果",
        short(&d.demand.feedback_due_at)
    )));
    assert!(text.contains("5号楼 楼顶"));
    assert!(phone.fits_width().await);
    phone.shot("new-confirmed").await;
    phone.quit().await;
}

#[tokio::test]
async fn the_large_text_view_is_one_tap_away_and_remembered_across_pages() {
    let Some(server) = Server::start().await else {
        return;
    };
    let phone = Browser::open("phone-large", W, H).await;
    phone.login(&server, "resident").await;
    let size = |b: &Browser| {
        let d = b.driver.clone();
        async move {
            let r = d
                .execute(
                    "return [document.documentElement.className, getComputedStyle(document.body).fontSize, \
                     document.querySelector('a.toggle').getAttribute('aria-pressed')];",
                    Vec::new(),
                )
                .await
                .unwrap();
            serde_json::from_value::<(String, String, String)>(r.json().clone()).unwrap()
        }
    };
    assert_eq!(
        size(&phone).await,
        ("".into(), "16px".into(), "false".into())
    );
    let old = phone.driver.find(By::Tag("html")).await.unwrap();
    phone
        .driver
        .find(By::Css("a.toggle"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for _ in 0..50 {
        if old.tag_name().await.is_err() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        phone.path().await,
        "/me?large_text=1",
        "one tap, the same page"
    );
    assert_eq!(
        size(&phone).await,
        ("large".into(), "20px".into(), "true".into())
    );
    assert!(phone.fits_width().await);
    phone.shot("large-text").await;
    for path in ["/me/new", "/me"] {
        phone.go(&server, path).await;
        assert_eq!(size(&phone).await.0, "large", "{path} remembers it");
        assert!(
            phone.fits_width().await,
            "{path} fits at 360 px in large text"
        );
    }
    phone.shot("large-text-list").await;
    phone.logout().await;
    assert_eq!(size(&phone).await.0, "large", "the login page too");
    phone.shot("large-text-login").await;
    phone.go(&server, "/login?large_text=0").await;
    assert_eq!(
        size(&phone).await,
        ("".into(), "16px".into(), "false".into())
    );
    phone.go(&server, "/login").await;
    assert_eq!(size(&phone).await.0, "", "off is remembered too");
    phone.quit().await;
}

/// A 1 × 1 PNG.
const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A grid worker out on a round opens Linli on the phone in English: the header (brand,
/// menu, who is signed in, large text, language) stays compact, fits the width and leaves
/// the page most of the screen; no link of it covers another.
#[tokio::test]
async fn a_grid_workers_header_on_the_phone_is_compact_in_english_too() {
    let Some(server) = Server::start().await else {
        return;
    };
    let phone = Browser::open("phone-staff", W, H).await;
    phone.login(&server, "grid01").await;
    for lang in ["zh-CN", "en"] {
        phone.go(&server, &format!("/lang/{lang}?next=/work")).await;
        phone.shot(&format!("phone-staff-{lang}")).await;
        assert!(phone.fits_width().await, "{lang}: no sideways scrolling");
        let header = phone.rects("header.top").await;
        // Three rows at most (44 px targets): brand and menu, then who and the switches.
        assert!(
            header[0].height <= 150.0,
            "{lang}: the header takes {} px of a 740 px screen",
            header[0].height
        );
        none_overlap(
            "header link",
            &phone
                .rects("header.top a, header.top button, header.top .who > span")
                .await,
        );
        assert!(
            small_targets(&phone).await.is_empty(),
            "{lang}: {:?}",
            small_targets(&phone).await
        );
    }
    phone.quit().await;
}

/// A child's record on a phone and a laptop: the masked name, the guardian's consent with
/// its withdraw button, and (withdrawn) the warning with the form to record one — every
/// part within the screen's width, nothing cut off.
#[tokio::test]
async fn a_childs_record_shows_the_guardians_consent_on_a_phone() {
    let Some(server) = Server::start().await else {
        return;
    };
    let (held, withdrawn) = {
        let mut c = server.state.db.conn().await.unwrap();
        let first = |sql: &'static str| linli::db::Q::new(sql);
        let held: (i64,) = first(
            "SELECT child_id FROM guardian_consents WHERE withdrawn_at IS NULL ORDER BY id LIMIT 1",
        )
        .fetch_one(&mut c)
        .await
        .unwrap();
        let gone: (i64,) = first(
            "SELECT child_id FROM guardian_consents WHERE withdrawn_at IS NOT NULL \
             ORDER BY id LIMIT 1",
        )
        .fetch_one(&mut c)
        .await
        .unwrap();
        (held.0, gone.0)
    };
    for (width, suffix) in [(360, "-360"), (1280, "")] {
        let b = Browser::open(&format!("child{width}"), width, 900).await;
        b.login(&server, "staff").await;
        b.go(&server, &format!("/roster/residents/{held}")).await;
        let text = b.text().await;
        assert!(
            text.contains("监护人同意") && text.contains("撤回同意") && text.contains("未满14周岁"),
            "{text}"
        );
        assert!(
            b.fits_width().await,
            "{width} px: nothing wider than the screen"
        );
        assert_eq!(
            b.clipped("#guardian-consent td, #guardian-consent button")
                .await,
            Vec::<String>::new()
        );
        b.run_js("document.getElementById('guardian-consent').scrollIntoView();")
            .await;
        b.shot(&format!("child-consent{suffix}")).await;
        b.go(&server, &format!("/roster/residents/{withdrawn}"))
            .await;
        let text = b.text().await;
        assert!(
            text.contains("尚无有效的监护人同意") && text.contains("记录同意"),
            "{text}"
        );
        assert!(b.fits_width().await);
        b.run_js("document.getElementById('guardian-consent').scrollIntoView();")
            .await;
        b.shot(&format!("child-consent-withdrawn{suffix}")).await;
        b.quit().await;
    }
}

/// Master Zhang (`resident2`) on the portal: his daughter or son under 14 shown masked
/// with the consent he gave, withdrawn and given again in his own name, online; the page
/// within a 360 px screen, nothing cut off, its targets large enough to tap.
#[tokio::test]
async fn a_guardian_consents_on_the_portal_on_a_phone() {
    let Some(server) = Server::start().await else {
        return;
    };
    let in_force = async || -> Option<i64> {
        let mut c = server.state.db.conn().await.unwrap();
        linli::db::Q::new(
            "SELECT g.id FROM guardian_consents g JOIN users u ON u.resident_id = g.guardian_id \
             WHERE u.username = 'resident2' AND g.withdrawn_at IS NULL",
        )
        .fetch_optional::<(i64,)>(&mut c)
        .await
        .unwrap()
        .map(|r| r.0)
    };
    let household: (i64,) = {
        let mut c = server.state.db.conn().await.unwrap();
        linli::db::Q::new(
            "SELECT r.household_id FROM residents r JOIN users u ON u.resident_id = r.id \
             WHERE u.username = 'resident2'",
        )
        .fetch_one(&mut c)
        .await
        .unwrap()
    };
    for (width, suffix) in [(W, "-360"), (1280, "")] {
        let b = Browser::open(&format!("family{width}"), width, H).await;
        b.login(&server, "resident2").await;
        b.go(&server, "/me").await;
        assert!(b.text().await.contains("孩子的个人信息（监护人同意）"));
        b.go(&server, "/me/family").await;
        let text = b.text().await;
        assert!(text.contains("张*"), "the child, masked: {text}");
        if let Some(id) = in_force().await {
            assert!(text.contains("撤回同意"), "{text}");
            b.run_js("window.confirm = function () { return true; };")
                .await;
            b.submit_form_at(&format!("/me/family/consents/{id}/withdraw"))
                .await;
            let text = b.text().await;
            assert!(
                text.contains("已撤回您的同意") && text.contains("尚无有效的监护人同意"),
                "{text}"
            );
            assert_eq!(in_force().await, None);
        }
        assert!(
            b.fits_width().await,
            "{width} px: nothing wider than the screen"
        );
        b.shot(&format!("family-missing{suffix}")).await;
        b.click_value("agree", "yes").await;
        b.submit_form_at(&format!("/me/family/{}/consents", household.0))
            .await;
        let text = b.text().await;
        assert!(
            text.contains("已记录您的同意") && text.contains("线上确认"),
            "{text}"
        );
        assert!(in_force().await.is_some());
        assert!(b.fits_width().await);
        assert_eq!(
            b.clipped(".family-child h2, .family-child p, .family-child button")
                .await,
            Vec::<String>::new()
        );
        if width == W {
            let small: Vec<String> = small_targets(&b)
                .await
                .into_iter()
                .filter(|t| !t.contains("type=\"checkbox\""))
                .collect();
            assert_eq!(small, Vec::<String>::new(), "targets under 44 px");
        }
        b.shot(&format!("family{suffix}")).await;
        b.quit().await;
    }
}
