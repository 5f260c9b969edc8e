//! Plot tests: the series each plot draws are checked as data (pure
//! functions), and every plot kind is rendered to a temporary folder and
//! decoded back as a PNG of the stated size with visible text.

use std::path::Path;

use super::plot::*;
use super::testdata::*;
use super::*;

/// Decodes a PNG; returns (width, height, RGB(A) bytes, bytes per pixel).
fn decode(path: &Path) -> (u32, u32, Vec<u8>, usize) {
    let file = std::fs::File::open(path).unwrap();
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bpp = info.color_type.samples();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf, bpp)
}

/// Pixels darker than mid-grey inside the rectangle [x0, x1) x [y0, y1).
fn dark_pixels(png: &(u32, u32, Vec<u8>, usize), x0: u32, x1: u32, y0: u32, y1: u32) -> usize {
    let (w, _, buf, bpp) = png;
    let mut n = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            let i = (y as usize * *w as usize + x as usize) * bpp;
            if buf[i..i + 3].iter().all(|c| *c < 110) {
                n += 1;
            }
        }
    }
    n
}

const RUN_PNGS: [&str; 4] = [
    "availability.png",
    "survival.png",
    "outage_durations.png",
    "causes.png",
];

fn check_pngs(dir: &Path, names: &[&str]) {
    for name in names {
        let png = decode(&dir.join(name));
        assert_eq!((png.0, png.1), (WIDTH, HEIGHT), "{name}");
        // The title is text in the top band: dark glyph pixels must be there
        // (an empty band would mean the embedded font did not render).
        let title = dark_pixels(&png, 0, WIDTH, 0, 60);
        assert!(title > 300, "{name}: {title} dark pixels in the title band");
        // Axis labels / tick labels along the bottom band.
        let bottom = dark_pixels(&png, 0, WIDTH, HEIGHT - 80, HEIGHT);
        assert!(
            bottom > 100,
            "{name}: {bottom} dark pixels in the bottom band"
        );
    }
}

#[test]
fn every_plot_kind_renders_a_png_of_the_stated_size() {
    // Fontconfig must play no part: point it nowhere before the first render.
    std::env::set_var("FONTCONFIG_FILE", "/nonexistent/fonts.conf");
    std::env::set_var("FONTCONFIG_PATH", "/nonexistent");
    let run = run("web-and-db", 0.999913);
    let perfect = perfect("perfect");
    let sweep = sweep();
    let compare = compare();
    let cases: [(&str, Report, bool); 4] = [
        ("run", Report::Run(&run), false),
        ("perfect", Report::Run(&perfect), false),
        ("sweep", Report::Sweep(&sweep), false),
        ("compare", Report::Compare(&compare), true),
    ];
    // OUTAGE_TEST_PLOTS=DIR keeps the images there for a person to look at.
    let tmp = tempfile::tempdir().unwrap();
    let base = std::env::var_os("OUTAGE_TEST_PLOTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    for (name, rep, has_compare) in cases {
        let dir = base.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let written = plot::write_all(&dir, &rep).unwrap();
        let mut names: Vec<&str> = RUN_PNGS.to_vec();
        if has_compare {
            names.push("compare.png");
        }
        let got: Vec<String> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(got, names, "{name}");
        check_pngs(&dir, &names);
        // Atomic writes leave no temporary files behind.
        let leftovers = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with('.')
            })
            .count();
        assert_eq!(leftovers, 0, "{name}");
    }
}

#[test]
fn text_renders_with_the_embedded_font_only() {
    // No font crate that needs system fonts or fontconfig is in the build.
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    for bad in ["font-kit", "yeslogic-fontconfig-sys", "servo-fontconfig"] {
        assert!(
            !lock.contains(&format!("name = \"{bad}\"")),
            "{bad} in Cargo.lock"
        );
    }
    // A PNG holding nothing but a line of text has glyph pixels.
    ensure_font();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("text.png");
    {
        use plotters::prelude::*;
        let root = BitMapBackend::new(&path, (400, 100)).into_drawing_area();
        root.fill(&WHITE).unwrap();
        root.draw_text(
            "99.99% (4 nines)",
            &("sans-serif", 32.0).into_font().color(&BLACK),
            (10, 30),
        )
        .unwrap();
        root.present().unwrap();
    }
    let png = decode(&path);
    assert_eq!((png.0, png.1), (400, 100));
    let n = dark_pixels(&png, 0, 400, 0, 100);
    assert!(n > 500, "only {n} dark pixels: text did not render");
    assert_eq!(
        dark_pixels(&png, 0, 400, 80, 100),
        0,
        "text outside its line"
    );
}

// ------------------------------------------------------------ series as data

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn availability_series_sweep_has_points_ci_and_curves() {
    let s = sweep();
    let a = availability_series(&Report::Sweep(&s));
    assert_eq!(a.parameter.as_deref(), Some("web.replicas"));
    assert!(a.categories.is_empty());
    let xs: Vec<f64> = a.simulated.iter().map(|p| p.x).collect();
    assert_eq!(xs, vec![1.0, 2.0, 3.0]);
    for ((_, run), p) in s.points.iter().zip(&a.simulated) {
        let u = 1.0 - run.availability.mean;
        assert!(close(p.nines, -u.log10()), "{p:?}");
        // More availability = more nines: the CI's upper availability bound
        // is the upper nines bound.
        assert!(close(p.nines_hi, -(1.0 - run.availability.hi).log10()));
        assert!(p.nines_lo < p.nines && p.nines < p.nines_hi, "{p:?}");
    }
    // One curve per analytic model, one point per sweep value.
    assert_eq!(a.predictions.len(), 2);
    for c in &a.predictions {
        assert_eq!(c.points.len(), 3, "{}", c.model);
        assert_eq!(
            c.points.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec![1.0, 2.0, 3.0]
        );
    }
    let ctmc = a.predictions.iter().find(|c| c.exact).unwrap();
    assert_eq!(ctmc.model, "Markov chain (CTMC)");
    for ((_, run), p) in s.points.iter().zip(&ctmc.points) {
        let pa = run.analytic[1].prediction.availability;
        assert!(close(p.1, -(1.0 - pa).log10()));
    }
    assert!(!a.clamped);
}

#[test]
fn availability_series_run_is_categorical() {
    let r = run("x", 0.9999);
    let a = availability_series(&Report::Run(&r));
    assert_eq!(a.parameter, None);
    assert_eq!(
        a.categories,
        vec![
            "simulated",
            "independent k-of-n (binomial)",
            "Markov chain (CTMC)"
        ]
    );
    assert_eq!(a.simulated.len(), 1);
    assert_eq!(a.simulated[0].x, 0.0);
    assert!(close(a.simulated[0].nines, 4.0));
    let xs: Vec<f64> = a.predictions.iter().map(|c| c.points[0].0).collect();
    assert_eq!(xs, vec![1.0, 2.0]);
    // binomial predicts u * 0.1 = 1e-5: five nines
    assert!(close(a.predictions[0].points[0].1, 5.0));
}

#[test]
fn availability_series_clamps_perfect_runs() {
    let r = perfect("p");
    let a = availability_series(&Report::Run(&r));
    assert!(a.clamped);
    assert!(a.simulated[0].nines.is_finite());
    assert!(close(a.simulated[0].nines, -a.floor.log10()));
    let c = compare();
    let a = availability_series(&Report::Compare(&c));
    assert_eq!(
        a.categories[..2],
        ["correlated (simulated)", "independent (simulated)"]
    );
    assert!(close(a.simulated[1].nines, 6.0));
}

#[test]
fn nines_labels() {
    assert_eq!(nines_label(3.0), "99.9% (3 nines)");
    assert_eq!(nines_label(1.0), "90% (1 nines)");
    assert_eq!(nines_label(0.0), "0% (0 nines)");
    assert_eq!(nines_label(2.5), "2.5 nines");
}

#[test]
fn survival_series_in_days_with_exact_marker() {
    let r = run("x", 0.9999);
    let s = survival_series(&Report::Run(&r));
    assert_eq!(s.unit, "d");
    assert_eq!(s.curves.len(), 1);
    assert_eq!(s.curves[0].points.len(), r.survival.len());
    let last = s.curves[0].points.last().unwrap();
    assert!(close(last.0, 8766.0 / 24.0));
    assert!(close(last.1, (-1.7f64).exp()));
    assert!(last.2 <= last.1 && last.1 <= last.3);
    // Only the model that predicts P(outage within horizon) gets a marker.
    assert_eq!(s.markers.len(), 1);
    assert!(s.markers[0].0.starts_with("Markov chain (CTMC)"));
    assert!(close(s.markers[0].2, 1.0 - 0.82));
    let mut short = r.clone();
    short.horizon_h = 48.0;
    short
        .survival
        .iter_mut()
        .for_each(|p| p.t_h *= 48.0 / 8766.0);
    let s = survival_series(&Report::Run(&short));
    assert_eq!(s.unit, "h");
    assert!(close(s.curves[0].points.last().unwrap().0, 48.0));
    let sw = sweep();
    let s = survival_series(&Report::Sweep(&sw));
    assert_eq!(s.curves.len(), 3);
    assert_eq!(s.curves[2].label, "web.replicas = 3");
}

#[test]
fn histogram_series_keeps_counts_in_log_seconds() {
    let r = run("x", 0.9999);
    let h = histogram_series(&Report::Run(&r));
    assert_eq!(h.groups.len(), 1);
    let bins = &h.groups[0].1;
    assert_eq!(bins.len(), 8);
    for (b, src) in bins.iter().zip(&r.histogram) {
        assert!(close(b.0, src.low_s.log10()) && close(b.1, src.high_s.log10()));
        assert_eq!(b.2, src.count);
    }
    let total: u64 = bins.iter().map(|b| b.2).sum();
    assert_eq!(total, r.histogram.iter().map(|b| b.count).sum::<u64>());
    // empty bins are not drawn; a perfect run has none at all
    let p = perfect("p");
    assert!(histogram_series(&Report::Run(&p)).groups[0].1.is_empty());
    let c = compare();
    let labels: Vec<_> = histogram_series(&Report::Compare(&c))
        .groups
        .into_iter()
        .map(|g| g.0)
        .collect();
    assert_eq!(labels, vec!["correlated", "independent"]);
}

#[test]
fn duration_ticks_are_round_human_times() {
    // 10 s .. 1 day
    let t = duration_ticks(1.0, 86_400f64.log10());
    let labels: Vec<&str> = t.iter().map(|x| x.1.as_str()).collect();
    assert_eq!(labels, vec!["10s", "1m", "10m", "1h", "6h", "1d"]);
    assert!(close(t[1].0, 60f64.log10()));
    assert!(duration_ticks(5.0, 4.0).is_empty());
}

#[test]
fn causes_series_orders_by_share() {
    let mut r = run("x", 0.9999);
    r.causes.reverse(); // input order must not matter
    let c = causes_series(&Report::Run(&r));
    assert_eq!(c.causes, vec!["zone failure", "instance failure (web)"]);
    assert_eq!(c.groups.len(), 1);
    assert_eq!(c.groups[0].0, "simulated");
    assert_eq!(c.groups[0].1, vec![0.61, 0.39]);
    // a cause missing from one side of a compare counts as 0 there
    let mut cmp = compare();
    cmp.independent.causes.remove(0);
    let c = causes_series(&Report::Compare(&cmp));
    assert_eq!(c.groups[1].1, vec![0.0, 0.39]);
    assert!(causes_series(&Report::Run(&perfect("p"))).causes.is_empty());
    assert_eq!(share_label(0.61), "61%");
    assert_eq!(share_label(0.0417), "4.17%");
    assert_eq!(share_label(0.0), "0%");
}

#[test]
fn compare_series_puts_both_sides_on_log_scale() {
    let c = compare();
    let m = compare_series(&Report::Compare(&c));
    let names: Vec<_> = m.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["unavailability", "outages per year", "P(outage in horizon)"]
    );
    assert!(close(m[0].correlated.0, -4.0));
    assert!(close(m[0].independent.0, -6.0));
    assert!(m[0].correlated.1 <= m[0].correlated.0 && m[0].correlated.0 <= m[0].correlated.2);
    assert!(!m[0].clamped);
    let r = run("x", 0.9);
    assert!(compare_series(&Report::Run(&r)).is_empty());
}

#[test]
fn sweep_csvs_have_one_row_per_point() {
    let s = sweep();
    let rep = Report::Sweep(&s);
    let summary = String::from_utf8(csv::summary(&rep).unwrap()).unwrap();
    let rows: Vec<&str> = summary
        .lines()
        .filter(|l| l.contains(",as written,availability,"))
        .collect();
    assert_eq!(rows.len(), 3, "{summary}");
    for (row, v) in rows.iter().zip(["1", "2", "3"]) {
        assert!(row.starts_with(&format!("s,{v},")), "{row}");
    }
    let analytic = String::from_utf8(csv::analytic(&rep).unwrap()).unwrap();
    let ctmc = analytic
        .lines()
        .filter(|l| l.contains("Markov chain (CTMC)"))
        .count();
    assert_eq!(ctmc, 3, "{analytic}");
}
