//! The loop as each role meets it, in the browser (issue 13): the counter finding a
//! household by its address and seeing what a visit must know, the property company
//! returning a job that is not theirs, the office re-dispatching it and recording the
//! resident's rating from a call-back.

use linli::db::Q;

use crate::harness::{Browser, Server};

/// Aunt Pan's address as the pages show it (`1号楼 1单元 101`), and her id.
async fn pan(server: &Server) -> (i64, String, String) {
    let mut c = server.state.db.conn().await.unwrap();
    let (id, building, unit_no, room): (i64, String, String, String) = Q::new(
        "SELECT r.id, b.name, h.unit_no, h.room FROM users u \
         JOIN residents r ON r.id = u.resident_id \
         JOIN households h ON h.id = r.household_id JOIN buildings b ON b.id = h.building_id \
         WHERE u.username = 'resident'",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    Q::new(
        "INSERT INTO resident_tags (resident_id, tag, community_id) \
            SELECT id, 'elderly_alone', community_id FROM residents WHERE id = $1 \
            ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .execute(&mut c)
    .await
    .unwrap();
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    (
        id,
        format!("{building} {unit_no} {room}"),
        format!(
            "{}-{}-{}",
            digits(&building),
            digits(&unit_no),
            digits(&room)
        ),
    )
}

#[tokio::test]
async fn the_unit_returns_a_wrong_job_and_the_office_rates_on_the_residents_behalf() {
    let Some(server) = Server::start().await else {
        return;
    };
    let (pan_id, address, dashed) = pan(&server).await;
    let b = Browser::open("loop", 1280, 900).await;
    b.login(&server, "staff").await;
    // The counter: the address typed as the pages show it, and as 1-1-101.
    for q in [address.as_str(), dashed.as_str()] {
        let query: String = url_escape(q);
        b.go(&server, &format!("/work/demands/new?q={query}")).await;
        let text = b.text().await;
        assert!(
            text.contains("独居老人"),
            "{q}: her flag for the visit: {text}"
        );
    }
    b.shot("counter-address").await;
    b.click_value("resident_id", &pan_id.to_string()).await;
    b.select("channel", "phone").await;
    b.select("category", "water").await;
    b.type_into("description", "厨房燃气表附近有异味，像是漏气")
        .await;
    b.submit_form_of("description").await;
    let page = b.path().await;
    let id: i64 = page
        .trim_start_matches("/work/demands/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(b.text().await.contains("上门须知"));
    b.submit_form_at(&format!("/work/demands/{id}/act/accept"))
        .await;
    let property = server.unit_id("property").await;
    b.select("to", &format!("unit:{property}")).await;
    b.submit_form_at(&format!("/work/demands/{id}/act/dispatch"))
        .await;
    let text = b.text().await;
    assert!(
        text.contains("已派单") && text.contains("改派"),
        "the new state, and re-dispatch"
    );
    b.shot("dispatched").await;
    b.logout().await;

    // The property company: where to go, and back to the office with the reason.
    b.login(&server, "property").await;
    b.go(&server, &format!("/work/demands/{id}")).await;
    let text = b.text().await;
    assert!(
        text.contains("上门地址") && text.contains(&address),
        "{text}"
    );
    b.run_js("document.querySelectorAll('details').forEach(d => d.open = true)")
        .await;
    b.shot("unit-job").await;
    b.type_into("rt-reason", "是燃气问题，不归物业，请派燃气公司")
        .await;
    b.submit_form_at(&format!("/work/demands/{id}/act/return"))
        .await;
    assert_eq!(server.status_of(id).await, "accepted");
    b.logout().await;

    // The office: the job is in the queue to dispatch; given to the gas company, who
    // set an appointment and resolve it; the office calls her back and records her rating.
    b.login(&server, "staff").await;
    b.go(&server, "/work").await;
    assert!(
        b.text().await.contains("已受理待派单"),
        "a tile for the queue"
    );
    b.run_js("document.querySelector('a.kpi[href=\"/work/demands?status=accepted\"]').click()")
        .await;
    assert!(
        b.text().await.contains("厨房燃气表附近有异味"),
        "in the dispatcher's queue"
    );
    b.go(&server, &format!("/work/demands/{id}")).await;
    assert!(
        b.text().await.contains("不归物业"),
        "the reason on the timeline"
    );
    let gas = server.unit_id("gas").await;
    b.select("to", &format!("unit:{gas}")).await;
    b.submit_form_at(&format!("/work/demands/{id}/act/dispatch"))
        .await;
    b.logout().await;
    b.login(&server, "gas").await;
    b.go(&server, &format!("/work/demands/{id}")).await;
    b.submit_form_at(&format!("/work/demands/{id}/act/take"))
        .await;
    b.type_into("r-result", "更换燃气表接口密封圈，检测无泄漏")
        .await;
    b.submit_form_at(&format!("/work/demands/{id}/act/resolve"))
        .await;
    b.logout().await;
    b.login(&server, "staff").await;
    b.go(&server, &format!("/work/demands/{id}")).await;
    b.type_into("f-note", "已电话告知潘阿姨").await;
    b.submit_form_at(&format!("/work/demands/{id}/act/feedback"))
        .await;
    let text = b.text().await;
    assert!(
        text.contains("居民说问题解决了吗？"),
        "the form speaks to staff"
    );
    b.select("on_behalf", "phone").await;
    b.click_value("solved", "true").await;
    b.click_value("satisfaction", "satisfied").await;
    b.shot("rate-on-behalf").await;
    b.submit_form_at(&format!("/work/demands/{id}/act/rate"))
        .await;
    let text = b.text().await;
    assert!(text.contains("电话回访，工作人员代录"), "{text}");
    assert_eq!(server.status_of(id).await, "closed");
    b.shot("rated-on-behalf").await;
    b.go(&server, "/dash/definitions").await;
    b.shot("definitions").await;
    b.quit().await;
}

/// The dashboard's charts keep every label inside the chart, in both languages, at a desk's
/// width and a phone's.
#[tokio::test]
async fn the_dashboards_chart_labels_are_not_cut_off() {
    let Some(server) = Server::start_full().await else {
        return;
    };
    for (width, height) in [(1280, 1000), (360, 740)] {
        let b = Browser::open(&format!("charts-{width}"), width, height).await;
        b.login(&server, "secretary").await;
        for lang in ["zh-CN", "en"] {
            b.go(&server, &format!("/dash?lang={lang}")).await;
            let outside = b.chart_text_outside().await;
            assert!(outside.is_empty(), "{lang} at {width} px: {outside:?}");
            assert!(
                b.fits_width().await,
                "{lang} at {width} px scrolls sideways"
            );
            b.shot(&format!("dash-{lang}-{width}")).await;
        }
        b.quit().await;
    }
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|c| match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' => (c as char).to_string(),
            _ => format!("%{c:02X}"),
        })
        .collect()
}
