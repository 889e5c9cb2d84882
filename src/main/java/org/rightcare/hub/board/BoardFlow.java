package org.rightcare.hub.board;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.directory.ServiceDirectory;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The flow view for the ICB: over the last day, per hour and per service type, how many referrals were offered and
 * accepted, how many went back to the ambulance service (by reason), and how long services took to accept. Read
 * straight from the offers and referrals; the chart is drawn server-side as SVG ({@link #chart}).
 */
@ApplicationScoped
public class BoardFlow {

    static final int HOURS = 24;

    /** One hour's counts. {@code medianMinutesToAccept} is null when nothing was accepted in the hour. */
    public record Hour(String label, int offered, int accepted, int sentBack, Integer medianMinutesToAccept) {
    }

    /** The whole window, per service type, for the table under the chart. */
    public record TypeTotal(String type, int offered, int accepted, Integer medianMinutesToAccept) {
    }

    public record SendBackTotal(String reason, int count) {
    }

    public record Flow(List<Hour> hours, List<TypeTotal> types, List<SendBackTotal> sendBacks, String chart) {
    }

    private final Pool pool;
    private final ServiceDirectory directory;
    private final Clock clock;

    public BoardFlow(Pool pool, ServiceDirectory directory, Clock clock) {
        this.pool = pool;
        this.directory = directory;
        this.clock = clock;
    }

    /** @param serviceType only offers to services of this type code; null for all (send-backs are never by type) */
    public Uni<Flow> lastDay(String serviceType) {
        Instant end = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant start = end.minus(Duration.ofHours(HOURS));
        Tuple window = Tuple.of(start.atOffset(ZoneOffset.UTC));
        Uni<List<Row>> offers = pool.preparedQuery("""
                SELECT offered_at, service_id, status, answered_at FROM offer WHERE offered_at >= $1""")
                .execute(window).map(rows -> {
                    List<Row> all = new ArrayList<>();
                    rows.forEach(all::add);
                    return all;
                });
        Uni<List<Row>> sentBack = pool.preparedQuery("""
                SELECT updated_at, send_back_reason FROM referral WHERE status = 'sent-back' AND updated_at >= $1""")
                .execute(window).map(rows -> {
                    List<Row> all = new ArrayList<>();
                    rows.forEach(all::add);
                    return all;
                });
        return Uni.combine().all().unis(offers, sentBack).asTuple()
                .map(both -> flow(start, both.getItem1(), both.getItem2(), serviceType));
    }

    private Flow flow(Instant start, List<Row> offers, List<Row> sentBack, String serviceType) {
        int[] offered = new int[HOURS];
        int[] accepted = new int[HOURS];
        int[] back = new int[HOURS];
        List<List<Long>> acceptMinutes = new ArrayList<>();
        for (int i = 0; i < HOURS; i++) {
            acceptMinutes.add(new ArrayList<>());
        }
        Map<String, int[]> typeCounts = new TreeMap<>();
        Map<String, List<Long>> typeMinutes = new TreeMap<>();
        for (Row row : offers) {
            String type = directory.find(row.getString("service_id")).map(s -> s.type().code()).orElse("unknown");
            if (serviceType != null && !serviceType.equals(type)) {
                continue;
            }
            Instant at = row.getOffsetDateTime("offered_at").toInstant();
            int hour = Math.min((int) Duration.between(start, at).toHours(), HOURS - 1);
            int[] counts = typeCounts.computeIfAbsent(type, t -> new int[2]);
            offered[hour]++;
            counts[0]++;
            String status = row.getString("status");
            if (status.equals("accepted") || status.equals("in-progress") || status.equals("completed")) {
                accepted[hour]++;
                counts[1]++;
                if (row.getOffsetDateTime("answered_at") != null) {
                    long minutes = Duration.between(at, row.getOffsetDateTime("answered_at").toInstant()).toMinutes();
                    acceptMinutes.get(hour).add(minutes);
                    typeMinutes.computeIfAbsent(type, t -> new ArrayList<>()).add(minutes);
                }
            }
        }
        Map<String, Integer> reasons = new TreeMap<>();
        for (Row row : sentBack) {
            int hour = (int) Duration.between(start, row.getOffsetDateTime("updated_at").toInstant()).toHours();
            back[Math.min(hour, HOURS - 1)]++;
            String reason = row.getString("send_back_reason");
            reasons.merge(reason == null ? "unknown" : reason, 1, Integer::sum);
        }
        List<Hour> hours = new ArrayList<>();
        for (int i = 0; i < HOURS; i++) {
            hours.add(new Hour(BoardFormat.hour(start.plus(Duration.ofHours(i))), offered[i], accepted[i], back[i],
                    median(acceptMinutes.get(i))));
        }
        List<TypeTotal> types = typeCounts.entrySet().stream().map(e -> new TypeTotal(
                org.rightcare.hub.directory.ServiceType.fromCode(e.getKey())
                        .map(org.rightcare.hub.directory.ServiceType::display).orElse(e.getKey()),
                e.getValue()[0],
                e.getValue()[1], median(typeMinutes.getOrDefault(e.getKey(), List.of())))).toList();
        List<SendBackTotal> sendBacks = reasons.entrySet().stream()
                .map(e -> new SendBackTotal(org.rightcare.hub.referral.SendBackReason.fromCode(e.getKey())
                        .map(org.rightcare.hub.referral.SendBackReason::display).orElse("Not recorded"), e.getValue()))
                .toList();
        return new Flow(hours, types, sendBacks, chart(hours));
    }

    private static Integer median(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2).intValue();
    }

    /** Grouped bars per hour (offered, accepted, sent back), with the numbers in each bar's title for screen readers. */
    static String chart(List<Hour> hours) {
        int width = 960;
        int height = 260;
        int left = 40;
        int bottom = 40;
        int max = Math.max(1, hours.stream().mapToInt(h -> Math.max(h.offered(), Math.max(h.accepted(), h.sentBack())))
                .max().orElse(1));
        double slot = (width - left - 10) / (double) hours.size();
        double bar = slot / 4;
        double scale = (height - bottom - 20) / (double) max;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-labelledby=\"flow-chart-title\" class=\"chart\">"
                        + "<title id=\"flow-chart-title\">Referrals offered, accepted and sent back "
                        + "per hour, last 24 hours (the table below has the numbers)</title>");
        svg.append("<line x1=\"").append(left).append("\" y1=\"").append(height - bottom).append("\" x2=\"")
                .append(width - 10).append("\" y2=\"").append(height - bottom).append("\" stroke=\"#425563\"/>");
        svg.append("<text x=\"4\" y=\"24\" font-size=\"12\" fill=\"#0b0c0c\">").append(max).append("</text>");
        String[] colours = { "#005eb8", "#007f3b", "#d5281b" };
        for (int i = 0; i < hours.size(); i++) {
            Hour hour = hours.get(i);
            int[] values = { hour.offered(), hour.accepted(), hour.sentBack() };
            double x = left + i * slot + bar / 2;
            for (int k = 0; k < 3; k++) {
                double h = values[k] * scale;
                svg.append(
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %d %s</title></rect>"
                                .formatted(x + k * bar, height - bottom - h, bar, h, colours[k], hour.label(), values[k],
                                        k == 0 ? "offered" : k == 1 ? "accepted" : "sent back"));
            }
            if (i % 3 == 0) {
                svg.append("<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#0b0c0c\">%s</text>"
                        .formatted(x, height - bottom + 16, hour.label()));
            }
        }
        String[] legend = { "offered", "accepted", "sent back" };
        for (int k = 0; k < 3; k++) {
            int x = left + k * 110;
            svg.append(
                    "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#0b0c0c\">%s</text>"
                            .formatted(x, height - 14, colours[k], x + 16, height - 3, legend[k]));
        }
        return svg.append("</svg>").toString();
    }
}
