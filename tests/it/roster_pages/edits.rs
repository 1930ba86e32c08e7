//! Editing residents and households in pages: good and bad input, masked forms.

use super::*;

#[tokio::test]
async fn a_resident_is_edited_in_pages_and_a_refused_form_changes_nothing() {
    let w = world().await;
    let id = w.id("中乙");
    let before = w.stored(id).await;
    let mut c = PageClient::login(&w.app, "staff").await;
    let path = format!("/roster/residents/{id}/edit");
    let form = c.page(&path).await;
    // The office sees the phone whole, so the form holds it whole.
    assert!(form.html.contains("value=\"13800000002\""), "{}", form.html);
    let was = |k: &str| -> String {
        let at = form
            .html
            .find(&format!("name=\"{k}_was\" value=\""))
            .unwrap();
        let rest = &form.html[at + k.len() + 16..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    let base = |phone: &'static str, name: &'static str| {
        vec![
            ("pii", "whole".to_string()),
            ("name", name.to_string()),
            ("name_was", was("name")),
            ("gender", String::new()),
            ("gender_was", was("gender")),
            ("birth_date", was("birth_date")),
            ("birth_date_was", was("birth_date")),
            ("id_number", String::new()),
            ("id_number_was", was("id_number")),
            ("phone", phone.to_string()),
            ("phone_was", was("phone")),
            ("relation", "户主".to_string()),
            ("relation_was", was("relation")),
            ("health_note", String::new()),
            ("health_note_was", was("health_note")),
            ("tags_sent", "1".to_string()),
            ("tag", "elderly_alone".to_string()),
            ("tag", "disabled".to_string()),
        ]
    };
    let send = |f: &Vec<(&'static str, String)>| -> Vec<(&'static str, String)> { f.clone() };

    // A phone the API refuses: 422, the field named in Chinese, what was typed kept,
    // nothing changed.
    let bad = send(&base("12345", "王中乙"));
    let pairs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = c.submit(&path, &path, &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.html.contains("电话 格式不正确"), "{}", r.html);
    assert!(
        !r.html.contains("phone 格式"),
        "the field is named in Chinese"
    );
    assert!(r.html.contains("value=\"12345\""), "what was typed stays");
    assert!(r.html.contains("value=\"王中乙\""), "what was typed stays");
    let after = w.stored(id).await;
    assert_eq!(after["name"], before["name"]);
    assert_eq!(after["phone"], before["phone"]);
    assert_eq!(after["updated_at"], before["updated_at"]);

    // A good one: saved, and the record is shown with a confirmation.
    let good = send(&base("13900000009", "王中乙"));
    let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = c.submit(&path, &path, &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let shown = c.page(r.location.as_deref().unwrap()).await;
    assert!(shown.html.contains("已保存"), "{}", shown.html);
    assert!(shown.html.contains("王中乙") && shown.html.contains("独居老人"));
    let after = w.stored(id).await;
    assert_eq!(after["name"], "王中乙");
    assert_eq!(after["phone"], "13900000009");
    assert_eq!(
        after["birth_date"], before["birth_date"],
        "left alone, kept"
    );
    let mut tags: Vec<&str> = after["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    tags.sort();
    assert_eq!(tags, ["disabled", "elderly_alone"], "the tags replaced");

    // An ID number with a wrong check digit: refused on the ID number, named in Chinese.
    let first17 = "13010419600101002";
    let good = format!("{first17}{}", linli::roster::ids::check_digit(first17));
    let wrong = format!("{first17}{}", if good.ends_with('0') { '1' } else { '0' });
    let mut typed = send(&base("13900000009", "王中乙"));
    for (k, v) in typed.iter_mut() {
        match *k {
            "phone_was" => *v = "13900000009".into(),
            "name_was" => *v = "王中乙".into(),
            "id_number" => *v = wrong.clone(),
            _ => {}
        }
    }
    let pairs: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = c.submit(&path, &path, &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.html.contains("身份证号码不正确"), "{}", r.html);
    assert!(
        r.html.contains(&format!("value=\"{wrong}\"")),
        "what was typed stays"
    );
    assert_eq!(w.stored(id).await["id_number"], Value::Null);
}

#[tokio::test]
async fn a_masked_form_never_saves_the_mask_and_keeps_what_it_cannot_see() {
    let w = world().await;
    let id = w.id("老甲");
    // The office gives 老甲 a sensitive tag the street may not see.
    let staff = w.app.login("staff").await;
    let r = staff
        .patch(
            &format!("/api/v1/residents/{id}"),
            json!({"tags": ["elderly_alone", "low_income"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let mut c = PageClient::login(&w.app, "street").await;
    let path = format!("/roster/residents/{id}/edit");
    let form = c.page(&path).await;
    assert!(
        !form.html.contains("13800000001"),
        "the street sees no whole phone"
    );
    assert!(form.html.contains("138****0001"), "the mask is a hint");
    assert!(!form.html.contains("低收入"), "nor the sensitive tag");
    // Blank masked fields and a new relation: only the relation changes.
    let r = c
        .submit(
            &path,
            &path,
            &[
                ("pii", "masked"),
                ("name", "老甲"),
                ("name_was", "老甲"),
                ("phone", ""),
                ("phone_was", ""),
                ("id_number", ""),
                ("id_number_was", ""),
                ("relation", "本人"),
                ("relation_was", "户主"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let after = w.stored(id).await;
    assert_eq!(after["relation"], "本人");
    assert_eq!(
        after["phone"], "13800000001",
        "the phone is kept, not masked"
    );
    let tags = after["tags"].to_string();
    assert!(tags.contains("low_income"), "{tags}");
    // The mask typed back is refused, not saved.
    let r = c
        .submit(
            &path,
            &path,
            &[
                ("pii", "masked"),
                ("phone", "138****0001"),
                ("name", "老甲"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert_eq!(w.stored(id).await["phone"], "13800000001");
}

#[tokio::test]
async fn residents_are_added_moved_out_and_households_edited_in_pages() {
    let w = world().await;
    let mut c = PageClient::login(&w.app, "staff").await;
    let household = w.app.world.grids[0].2[3];
    let path = format!("/roster/households/{household}/residents/new");
    // No name: refused, named, nothing added.
    let n = w.app.scalar("SELECT COUNT(*) FROM residents").await;
    let r = c.submit(&path, &path, &[("relation", "子女")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.html.contains("缺少必填项：名称"), "{}", r.html);
    assert!(r.html.contains("value=\"子女\""));
    assert_eq!(w.app.scalar("SELECT COUNT(*) FROM residents").await, n);
    let r = c
        .submit(
            &path,
            &path,
            &[
                ("name", "新来的"),
                ("relation", "子女"),
                ("tags_sent", "1"),
                ("tag", "floating"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let at = r.location.unwrap();
    let id: i64 = at["/roster/residents/".len()..at.find('?').unwrap()]
        .parse()
        .unwrap();
    let shown = c.page(&at).await;
    assert!(shown.html.contains("新来的") && shown.html.contains("流动人口"));
    assert_eq!(w.stored(id).await["household_id"], household);

    // Moving out keeps the resident on the community's roster, in no household.
    let r = c
        .submit(
            &format!("/roster/residents/{id}/edit"),
            &format!("/roster/residents/{id}/move-out"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(w.stored(id).await["household_id"], Value::Null);

    // Removing takes them off the roster; the list says so and no longer shows them.
    let r = c
        .submit(
            &format!("/roster/residents/{id}/edit"),
            &format!("/roster/residents/{id}/delete"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = c.page(r.location.as_deref().unwrap()).await;
    assert!(list.html.contains("居民已从名册删除"), "{}", list.html);
    assert!(!listed(&list.html).contains(&id));
    assert_eq!(
        w.app
            .scalar_with("SELECT COUNT(*) FROM residents WHERE id = $1", id)
            .await,
        0
    );

    // A household: a blank room is refused on 门牌, a good edit saved.
    let path = format!("/roster/households/{household}/edit");
    let r = c
        .submit(&path, &path, &[("unit_no", "2单元"), ("room", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.html.contains("门牌"), "{}", r.html);
    let room = || async {
        w.app
            .scalar_with(
                "SELECT COUNT(*) FROM households WHERE id = $1 AND room = '202'",
                household,
            )
            .await
    };
    assert_eq!(room().await, 1, "nothing changed");
    let r = c
        .submit(&path, &path, &[("unit_no", "2单元"), ("room", "203")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let b = c.page(r.location.as_deref().unwrap()).await;
    assert!(b.html.contains("住户已保存") && b.html.contains("2单元 203"));
    let building = w.building(0).await;
    let path = format!("/roster/buildings/{building}/households/new");
    let r = c
        .submit(&path, &path, &[("unit_no", "1单元"), ("room", "301")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert!(
        c.page(&format!("/roster/buildings/{building}"))
            .await
            .html
            .contains("1单元 301")
    );
}

/// The value of the hidden field `name` in a page's form.
fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&key)
        .unwrap_or_else(|| panic!("no {name}: {html}"));
    let rest = &html[at + key.len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[tokio::test]
async fn two_people_editing_one_resident_do_not_overwrite_each_other_unseen() {
    let w = world().await;
    let id = w.id("中乙");
    let path = format!("/roster/residents/{id}/edit");
    let mut c = PageClient::login(&w.app, "staff").await;
    let form = c.page(&path).await;
    let seen = hidden(&form.html, "version");
    let typed = |html: &str, relation: &str| -> Vec<(String, String)> {
        let mut f = vec![("pii".to_string(), "whole".to_string())];
        f.push(("version".into(), hidden(html, "version")));
        for k in [
            "name",
            "gender",
            "birth_date",
            "id_number",
            "phone",
            "relation",
            "health_note",
        ] {
            let was = hidden(html, &format!("{k}_was"));
            let now = if k == "relation" {
                relation.to_string()
            } else {
                was.clone()
            };
            f.push((k.to_string(), now));
            f.push((format!("{k}_was"), was));
        }
        f.push(("tags_sent".into(), "1".into()));
        f.push(("tags_was".into(), hidden(html, "tags_was")));
        for t in hidden(html, "tags_was")
            .split(',')
            .filter(|t| !t.is_empty())
        {
            f.push(("tag".into(), t.to_string()));
        }
        f
    };
    let pairs = |f: &[(String, String)]| -> Vec<(String, String)> { f.to_vec() };

    // Meanwhile another worker changes her phone by the API.
    let other = w.app.login("staff").await;
    let r = other
        .patch(
            &format!("/api/v1/residents/{id}"),
            json!({"phone": "13911112222"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // This worker, from the form opened before, changes only the relation: refused with
    // what happened, the form showing the new phone and keeping the relation typed.
    let mine = pairs(&typed(&form.html, "长女"));
    let send: Vec<(&str, &str)> = mine.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = c.submit(&path, &path, &send).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.html);
    assert!(r.html.contains("另一位工作人员修改并保存"), "{}", r.html);
    assert!(
        r.html.contains("value=\"13911112222\""),
        "the phone as it now is"
    );
    assert!(r.html.contains("value=\"长女\""), "the relation as typed");
    assert_ne!(
        hidden(&r.html, "version"),
        seen,
        "the form now has the new version"
    );
    let stored = w.stored(id).await;
    assert_eq!(stored["phone"], "13911112222");
    assert_ne!(
        stored["relation"], "长女",
        "nothing saved by the refused form"
    );

    // Saved again from that form: both changes stand.
    let again = pairs(&typed(&r.html, "长女"));
    let send: Vec<(&str, &str)> = again
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = c.submit(&path, &path, &send).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let stored = w.stored(id).await;
    assert_eq!(
        (stored["phone"].as_str(), stored["relation"].as_str()),
        (Some("13911112222"), Some("长女"))
    );

    // The API the same way: a stale version is refused and changes nothing, the current
    // one is taken.
    let stale: i64 = seen.parse().unwrap();
    let r = other
        .patch(
            &format!("/api/v1/residents/{id}"),
            json!({"relation": "次女", "version": stale}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.body["error"]["code"], "version_conflict");
    assert_eq!(w.stored(id).await["relation"], "长女");
    let now = other.fetch(&format!("/api/v1/residents/{id}")).await["version"].clone();
    let r = other
        .patch(
            &format!("/api/v1/residents/{id}"),
            json!({"relation": "次女", "version": now}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
