package org.rightcare.hub.whatif;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The report as one standalone HTML page: the variants side by side in tables, and bar charts drawn as inline SVG on
 * the server, so the page needs no script, no network and no framework (the board can link to it; an ICB can mail
 * it). The same report always gives the same bytes.
 */
public final class WhatIfReportHtml {

    public static final String MEDIA_TYPE = "text/html";

    /** One colour per variant, baseline first; distinguishable in greyscale too (light to dark). */
    private static final List<String> COLOURS = List.of("#9fb3c8", "#1d6fa3", "#e07b00", "#5a9e3a", "#7b3fa0",
            "#b3261e");

    private static final String NOT_ROUTABLE = org.rightcare.hub.referral.SendBackReason.NOT_ELIGIBLE_CATEGORY.code();

    private WhatIfReportHtml() {
    }

    public static String render(WhatIfReport report) {
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <title>What-if report</title>
                <style>
                body{font-family:system-ui,Arial,sans-serif;margin:2em;max-width:72em;color:#212b32}
                table{border-collapse:collapse;margin:0.5em 0 1.5em}
                th,td{border:1px solid #d8dde0;padding:0.25em 0.6em;text-align:right}
                th:first-child,td:first-child{text-align:left}
                thead th{background:#f0f4f5}
                .better{color:#007f3b}.worse{color:#b3261e}
                .legend span{display:inline-block;width:1em;height:1em;margin:0 0.3em 0 1em;vertical-align:middle}
                .swatch-0{background:#9fb3c8}.swatch-1{background:#1d6fa3}.swatch-2{background:#e07b00}
                .swatch-3{background:#5a9e3a}.swatch-4{background:#7b3fa0}.swatch-5{background:#b3261e}
                .note{color:#4c6272;max-width:60em}
                </style></head><body><main>
                """ + body(report) + "</main></body></html>\n";
    }

    /**
     * The report without a page around it, for a page that has its own (the board's): no inline style or script, so
     * it passes a strict Content-Security-Policy; the colour swatches are classes {@code swatch-0} to {@code swatch-5}.
     */
    public static String body(WhatIfReport report) {
        StringBuilder html = new StringBuilder();
        List<WhatIfReport.VariantReport> variants = report.variants();
        html.append("<h1>What-if report</h1>\n");
        html.append("<p class=\"note\">Scenario ").append(esc(report.scenario())).append("; ")
                .append(report.incidents()).append(" incidents over ").append(report.days()).append(" day(s) from ")
                .append(report.firstDay()).append(", ").append(esc(report.incidentSource()))
                .append(". Every incident went through the hub's own routing and send-back rules on a simulated clock;"
                        + " providers answered as the scenario models them.</p>\n");
        html.append("<h2>Variants</h2>\n<ul>\n");
        for (WhatIfReport.VariantReport v : variants) {
            html.append("<li><b>").append(esc(v.name())).append("</b>: ").append(esc(v.description())).append("</li>\n");
        }
        html.append("</ul>\n");

        html.append("<h2>Summary</h2>\n");
        table(html, variants, List.of(
                row("Incidents", v -> v.totals().incidents(), 0),
                row("Routable (a category the policy may route)", v -> v.totals().routable(), 0),
                row("Offered to a service", v -> v.totals().offered(), 1),
                row("Accepted by a service", v -> v.totals().accepted(), 1),
                row("Sent back to the ambulance service", v -> v.totals().sentBack(), -1),
                row("Offers made", v -> v.totals().offersMade(), 0)));
        html.append("<table><thead><tr><th>Measure</th>");
        variants.forEach(v -> html.append("<th>").append(esc(v.name())).append("</th>"));
        html.append("</tr></thead><tbody>\n<tr><td>Estimated conveyances avoided</td>");
        variants.forEach(v -> html.append("<td>").append(String.format(Locale.ROOT, "%.1f", v.totals().conveyancesAvoided()))
                .append("</td>"));
        html.append("</tr>\n<tr><td>Minutes from arrival to acceptance: median</td>");
        variants.forEach(v -> html.append("<td>").append(orDash(v.totals().minutesToAcceptMedian())).append("</td>"));
        html.append("</tr>\n<tr><td>Minutes from arrival to acceptance: 90th centile</td>");
        variants.forEach(v -> html.append("<td>").append(orDash(v.totals().minutesToAcceptP90())).append("</td>"));
        html.append("</tr>\n</tbody></table>\n");

        html.append("<h2>Accepted referrals by hour of arrival</h2>\n");
        legend(html, variants);
        chart(html, "Accepted referrals by hour of arrival, per variant (numbers in each bar's title)", variants, 24,
                h -> String.format(Locale.ROOT, "%02d", h),
                (v, h) -> v.byHour().get(h).accepted());

        html.append("<h2>Send-backs by reason</h2>\n");
        Set<String> reasons = new LinkedHashSet<>();
        variants.forEach(v -> v.sentBackByReason().forEach((reason, n) -> {
            if (n > 0) {
                reasons.add(reason);
            }
        }));
        List<String> reasonList = List.copyOf(reasons);
        // Ambulance-only calls dwarf every other reason and no variant changes them: the table has them, not the chart.
        List<String> charted = reasonList.stream().filter(r -> !r.equals(NOT_ROUTABLE)).toList();
        legend(html, variants);
        chart(html, "Send-backs by reason, per variant (the table below has the numbers)", variants, charted.size(),
                charted::get, (v, i) -> v.sentBackByReason().get(charted.get(i)));
        table(html, variants, reasonList.stream()
                .map(reason -> row(reason, v -> v.sentBackByReason().get(reason), -1)).toList());

        html.append("<h2>Offers and acceptances by service type</h2>\n");
        Set<String> types = new LinkedHashSet<>();
        variants.forEach(v -> v.byServiceType().forEach(r -> types.add(r.serviceType())));
        html.append("<table><thead><tr><th>service type</th>");
        variants.forEach(
                v -> html.append("<th>").append(esc(v.name())).append(": offers / accepted / declined / timed out</th>"));
        html.append("</tr></thead><tbody>\n");
        for (String type : types) {
            html.append("<tr><td>").append(esc(type)).append("</td>");
            for (WhatIfReport.VariantReport v : variants) {
                WhatIfReport.ServiceTypeRow r = v.byServiceType().stream().filter(x -> x.serviceType().equals(type))
                        .findFirst().orElse(new WhatIfReport.ServiceTypeRow(type, 0, 0, 0, 0));
                html.append("<td>").append(r.offers()).append(" / ").append(r.accepted()).append(" / ")
                        .append(r.rejected()).append(" / ").append(r.timedOut()).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody></table>\n");

        html.append("<h2>Services that ran out of places</h2>\n");
        for (WhatIfReport.VariantReport v : variants) {
            html.append("<h3>").append(esc(v.name())).append("</h3>\n");
            if (v.saturated().isEmpty()) {
                html.append("<p>None: every service that counts places always had one free.</p>\n");
                continue;
            }
            html.append("<table><thead><tr><th>service</th><th>type</th><th>first full at</th><th>times full</th>"
                    + "<th>hours full in all</th></tr></thead><tbody>\n");
            for (WhatIfReport.SaturationRow s : v.saturated()) {
                html.append("<tr><td>").append(esc(s.serviceId())).append("</td><td>").append(esc(s.serviceType()))
                        .append("</td><td>").append(s.firstFullAt().toString().replace('T', ' ')).append("</td><td>")
                        .append(s.episodes()).append("</td><td>")
                        .append(String.format(Locale.ROOT, "%.1f", s.minutesFull() / 60.0)).append("</td></tr>\n");
            }
            html.append("</tbody></table>\n");
        }
        html.append("""
                <h2>How to read this report</h2>
                <p class="note">Each column is one variant run over the same incidents, with providers answering from
                the same random draws, so a difference between columns is the variant's doing. Green figures are
                better than the baseline, red ones worse. "Sent back" counts incidents the hub handed back to the
                ambulance service, by the reason the CAD would be given: service-closed (every suitable service was
                closed), no-capacity (full, or declined for capacity), timed-out (no answer in time),
                no-eligible-service (no rule or service fits the patient), not-eligible-category (C1/C2 and other
                ambulance-only calls, which no variant changes). Estimated conveyances avoided adds up, over the
                accepted referrals, how likely each patient was to be taken to hospital otherwise. The figures are
                only as good as the scenario's incident shape and provider model: compare variants with each other,
                not with the real world.</p>
                """);
        return html.toString();
    }

    /** One summary row: its label, the figure of a variant, and whether more is better (1), worse (-1) or neither. */
    private record Row(String label, ToIntFunction<WhatIfReport.VariantReport> value, int direction) {
    }

    private static Row row(String label, ToIntFunction<WhatIfReport.VariantReport> value, int direction) {
        return new Row(label, value, direction);
    }

    private static void table(StringBuilder html, List<WhatIfReport.VariantReport> variants, List<Row> rows) {
        html.append("<table><thead><tr><th>Measure</th>");
        variants.forEach(v -> html.append("<th>").append(esc(v.name())).append("</th>"));
        html.append("</tr></thead><tbody>\n");
        for (Row row : rows) {
            html.append("<tr><td>").append(esc(row.label())).append("</td>");
            int baseline = row.value().applyAsInt(variants.get(0));
            for (int i = 0; i < variants.size(); i++) {
                int value = row.value().applyAsInt(variants.get(i));
                int change = value - baseline;
                String css = i == 0 || change == 0 || row.direction() == 0 ? ""
                        : Integer.signum(change) == row.direction() ? " class=\"better\"" : " class=\"worse\"";
                html.append("<td").append(css).append('>').append(value);
                if (i > 0 && change != 0) {
                    html.append(" (").append(change > 0 ? "+" : "").append(change).append(')');
                }
                html.append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private static void legend(StringBuilder html, List<WhatIfReport.VariantReport> variants) {
        html.append("<p class=\"legend\">");
        for (int i = 0; i < variants.size(); i++) {
            html.append("<span class=\"swatch-").append(i % COLOURS.size()).append("\"></span>")
                    .append(esc(variants.get(i).name()));
        }
        html.append("</p>\n");
    }

    /**
     * Grouped vertical bars: one group per category, one bar per variant, labelled with the category. Long labels run
     * downwards, each in its own column, so neighbours never overlap whatever their length.
     */
    private static void chart(StringBuilder html, String name, List<WhatIfReport.VariantReport> variants, int groups,
            Function<Integer, String> label,
            java.util.function.BiFunction<WhatIfReport.VariantReport, Integer, Integer> value) {
        int max = 1;
        int longest = 1;
        for (int g = 0; g < groups; g++) {
            longest = Math.max(longest, label.apply(g).length());
            for (WhatIfReport.VariantReport v : variants) {
                max = Math.max(max, value.apply(v, g));
            }
        }
        int barWidth = Math.max(3, Math.min(14, 560 / Math.max(1, groups * variants.size())));
        boolean longLabels = longest > 3;
        // A vertical label needs a column about one line high; a short one as wide as its text.
        int groupWidth = Math.max(barWidth * variants.size() + 8, longLabels ? 16 : longest * 7 + 4);
        int height = 180;
        int width = 50 + groups * groupWidth + 10;
        int labelSpace = longLabels ? longest * 7 + 10 : 20;
        html.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height + labelSpace).append("\" role=\"img\" aria-label=\"").append(esc(name))
                .append("\" font-size=\"11\">\n");
        html.append("<text x=\"0\" y=\"12\">").append(max).append("</text><text x=\"0\" y=\"").append(height)
                .append("\">0</text>\n");
        html.append("<line x1=\"40\" y1=\"").append(height).append("\" x2=\"").append(width).append("\" y2=\"")
                .append(height).append("\" stroke=\"#425563\"/>\n");
        for (int g = 0; g < groups; g++) {
            int x0 = 45 + g * groupWidth;
            for (int i = 0; i < variants.size(); i++) {
                int v = value.apply(variants.get(i), g);
                int h = (int) Math.round((height - 10) * (double) v / max);
                html.append("<rect x=\"").append(x0 + i * barWidth).append("\" y=\"").append(height - h)
                        .append("\" width=\"").append(barWidth - 1).append("\" height=\"").append(h)
                        .append("\" fill=\"").append(colour(i)).append("\"><title>").append(esc(variants.get(i).name()))
                        .append(" ").append(esc(label.apply(g))).append(": ").append(v).append("</title></rect>\n");
            }
            int cx = x0 + variants.size() * barWidth / 2;
            if (longLabels) {
                html.append("<text x=\"").append(cx - 4).append("\" y=\"").append(height + 6)
                        .append("\" transform=\"rotate(90 ").append(cx - 4).append(' ').append(height + 6).append(")\">")
                        .append(esc(label.apply(g))).append("</text>\n");
            } else {
                html.append("<text x=\"").append(cx).append("\" y=\"").append(height + 14)
                        .append("\" text-anchor=\"middle\">").append(esc(label.apply(g))).append("</text>\n");
            }
        }
        html.append("</svg>\n");
    }

    private static String colour(int i) {
        return COLOURS.get(i % COLOURS.size());
    }

    private static String orDash(Long value) {
        return value == null ? "-" : value.toString();
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
