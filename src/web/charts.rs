//! Charts drawn on the server as SVG: no script, no CDN, readable on an old office PC.
//! Every bar is a link to the records behind it, and every chart carries a text title.

use super::escape;

/// One bar: a label, a value, and where it leads.
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// What to print at the end of the bar (e.g. `12` or `87%`).
    pub shown: String,
    pub href: String,
    /// Drawn in the warning colour (overdue work, a low rate).
    pub alert: bool,
}

/// Horizontal bars, one per row, scaled to the largest value (or to `max` when given).
pub fn bars(title: &str, items: &[Bar], max: Option<f64>) -> String {
    let row = 28.0;
    // Room for the longest label, within reason: wide characters (Chinese) take about a
    // 13-pixel em at this size, narrow ones about half.
    let longest = items
        .iter()
        .map(|b| label_width(&b.label))
        .fold(0.0, f64::max);
    let label_w = (longest + 16.0).clamp(150.0, 260.0);
    let width = 560.0;
    let bar_w = width - label_w - 150.0;
    let height = row * items.len().max(1) as f64 + 8.0;
    let top = max
        .or_else(|| items.iter().map(|b| b.value).reduce(f64::max))
        .filter(|m| *m > 0.0)
        .unwrap_or(1.0);
    let mut s = format!(
        "<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"group\" aria-label=\"{t}\" \
         xmlns=\"http://www.w3.org/2000/svg\"><title>{t}</title>",
        t = escape(title)
    );
    for (i, b) in items.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let w = (b.value / top * bar_w).max(if b.value > 0.0 { 2.0 } else { 0.0 });
        let colour = if b.alert { "#b91c1c" } else { "#2563eb" };
        s.push_str(&format!(
            "<a href=\"{href}\"><text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"13\" \
             fill=\"#1f2933\">{label}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" \
             height=\"{h}\" rx=\"3\" fill=\"{colour}\"><title>{label}: {shown}</title></rect>\
             <text x=\"{vx:.1}\" y=\"{ty}\" font-size=\"13\" fill=\"#1f2933\">{shown}</text></a>",
            href = escape(&b.href),
            lx = label_w - 8.0,
            ty = y + row * 0.62,
            label = escape(&b.label),
            h = row - 8.0,
            vx = label_w + w + 6.0,
            shown = escape(&b.shown),
        ));
    }
    s.push_str("</svg>");
    s
}

/// About how wide a label is drawn at 13 pixels.
fn label_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 7.5 } else { 13.0 })
        .sum()
}

/// One period of a trend: a label and two counts (e.g. received and closed).
pub struct Period {
    pub label: String,
    pub first: i64,
    pub second: i64,
    pub href: String,
}

/// Paired vertical bars per period, with a legend.
pub fn trend(title: &str, legend: (&str, &str), periods: &[Period]) -> String {
    let width = 560.0;
    let height = 220.0;
    let base = 180.0;
    let top = periods
        .iter()
        .map(|p| p.first.max(p.second))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (width - 40.0) / periods.len().max(1) as f64;
    let bw = (slot / 2.0 - 3.0).max(2.0);
    let mut s = format!(
        "<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"group\" aria-label=\"{t}\" \
         xmlns=\"http://www.w3.org/2000/svg\"><title>{t}</title>\
         <line x1=\"30\" y1=\"{base}\" x2=\"{width}\" y2=\"{base}\" stroke=\"#9aa5b1\"/>\
         <rect x=\"30\" y=\"4\" width=\"12\" height=\"12\" fill=\"#2563eb\"/>\
         <text x=\"46\" y=\"15\" font-size=\"12\">{a}</text>\
         <rect x=\"150\" y=\"4\" width=\"12\" height=\"12\" fill=\"#1b7f3b\"/>\
         <text x=\"166\" y=\"15\" font-size=\"12\">{b}</text>",
        t = escape(title),
        a = escape(legend.0),
        b = escape(legend.1),
    );
    for (i, p) in periods.iter().enumerate() {
        let x = 34.0 + slot * i as f64;
        let h1 = p.first as f64 / top * 150.0;
        let h2 = p.second as f64 / top * 150.0;
        s.push_str(&format!(
            "<a href=\"{href}\"><rect x=\"{x:.1}\" y=\"{y1:.1}\" width=\"{bw:.1}\" height=\"{h1:.1}\" \
             fill=\"#2563eb\"><title>{label}: {f}</title></rect><rect x=\"{x2:.1}\" y=\"{y2:.1}\" \
             width=\"{bw:.1}\" height=\"{h2:.1}\" fill=\"#1b7f3b\"><title>{label}: {sec}</title>\
             </rect><text x=\"{tx:.1}\" y=\"{ly}\" font-size=\"11\" text-anchor=\"middle\">{label}\
             </text></a>",
            href = escape(&p.href),
            y1 = base - h1,
            x2 = x + bw + 2.0,
            y2 = base - h2,
            tx = x + bw,
            ly = base + 16.0,
            label = escape(&p.label),
            f = p.first,
            sec = p.second,
        ));
    }
    s.push_str("</svg>");
    s
}

/// A rate as people read it: `87%`, or `—` when nothing counts toward it yet.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{:.0}%", r * 100.0),
        None => "—".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_link_and_escape() {
        let svg = bars(
            "负荷<测试>",
            &[Bar {
                label: "第一网格 & 二".into(),
                value: 3.0,
                shown: "3".into(),
                href: "/work/demands?grid_id=1&overdue=true".into(),
                alert: true,
            }],
            None,
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("负荷&lt;测试&gt;"));
        assert!(svg.contains("第一网格 &amp; 二"));
        assert!(svg.contains("href=\"/work/demands?grid_id=1&amp;overdue=true\""));
        assert!(svg.contains("#b91c1c"));
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(Some(0.874)), "87%");
        assert_eq!(percent(None), "—");
    }
}
