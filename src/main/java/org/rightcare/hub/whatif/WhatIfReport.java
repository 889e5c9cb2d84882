package org.rightcare.hub.whatif;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.support.WallClock;

/**
 * What a what-if run found, variant by variant, so they can be read side by side: how many referrals were offered
 * and accepted (in all, per service type, per hour of arrival), why the others went back, how many conveyances that
 * would avoid, how long acceptance took, and which services ran out of places and when. Rendered as JSON, CSV
 * ({@link WhatIfReportCsv}) and HTML ({@link WhatIfReportHtml}).
 *
 * @param incidentSource where the incidents came from: generated (with the shape and seed) or an imported file
 */
public record WhatIfReport(String scenario, String incidentSource, long seed, LocalDate firstDay, int days,
        int incidents, List<VariantReport> variants) {

    /**
     * @param routable incidents of a category the policy may route at all (C3-C5; C2 only with segmentation)
     * @param offered referrals offered to at least one service
     * @param conveyancesAvoided the sum, over accepted referrals, of how likely the patient would have been conveyed
     * @param minutesToAcceptMedian from arrival to acceptance; null when nothing was accepted
     */
    public record Totals(int incidents, int routable, int offered, int accepted, int sentBack, int offersMade,
            double conveyancesAvoided, Long minutesToAcceptMedian, Long minutesToAcceptP90) {
    }

    public record ServiceTypeRow(String serviceType, int offers, int accepted, int rejected, int timedOut) {
    }

    /** By the hour of day (Europe/London) the incident arrived. */
    public record HourRow(int hour, int incidents, int offered, int accepted) {
    }

    public record ServiceTypeHourRow(String serviceType, int hour, int offers, int accepted) {
    }

    /** @param firstFullAt Europe/London wall-clock time */
    public record SaturationRow(String serviceId, String serviceType, LocalDateTime firstFullAt, int episodes,
            long minutesFull) {
    }

    public record VariantReport(String name, String description, Totals totals, Map<String, Integer> sentBackByReason,
            List<ServiceTypeRow> byServiceType, List<HourRow> byHour, List<ServiceTypeHourRow> byServiceTypeAndHour,
            List<SaturationRow> saturated) {
    }

    /** The report of one variant's run. */
    public static VariantReport variant(Variant variant, WhatIfSimulator.Run run,
            java.util.function.Predicate<String> routableCategory) {
        List<WhatIfSimulator.ReferralOutcome> referrals = run.referrals();
        int routable = 0;
        int offered = 0;
        int accepted = 0;
        int offersMade = 0;
        double avoided = 0;
        List<Long> minutesToAccept = new ArrayList<>();
        Map<String, Integer> reasons = new LinkedHashMap<>();
        Arrays.stream(SendBackReason.values()).forEach(r -> reasons.put(r.code(), 0));
        // Service types in the order of ServiceType, as the directory lists them.
        java.util.Comparator<String> typeOrder = java.util.Comparator.comparingInt(
                (String code) -> ServiceType.fromCode(code).map(Enum::ordinal).orElse(Integer.MAX_VALUE))
                .thenComparing(code -> code);
        Map<String, int[]> types = new TreeMap<>(typeOrder);
        int[][] hours = new int[24][3];
        Map<String, int[][]> typeHours = new TreeMap<>(typeOrder);
        for (WhatIfSimulator.ReferralOutcome r : referrals) {
            int hour = r.arrivedAt().atZone(WallClock.ZONE).getHour();
            hours[hour][0]++;
            if (routableCategory.test(r.category())) {
                routable++;
            }
            if (!r.offers().isEmpty()) {
                offered++;
                hours[hour][1]++;
            }
            offersMade += r.offers().size();
            for (WhatIfSimulator.OfferOutcome o : r.offers()) {
                int[] row = types.computeIfAbsent(o.serviceType(), t -> new int[4]);
                row[0]++;
                int offerHour = o.offeredAt().atZone(WallClock.ZONE).getHour();
                int[][] th = typeHours.computeIfAbsent(o.serviceType(), t -> new int[24][2]);
                th[offerHour][0]++;
                switch (o.status()) {
                    case "accepted" -> {
                        row[1]++;
                        th[offerHour][1]++;
                    }
                    case "rejected" -> row[2]++;
                    case "failed" -> row[3]++;
                    default -> {
                    }
                }
            }
            if (r.accepted()) {
                accepted++;
                hours[hour][2]++;
                avoided += r.conveyanceLikelihood();
                minutesToAccept.add(r.timeToConclude().toMinutes());
            } else {
                reasons.merge(r.sendBackReason().code(), 1, Integer::sum);
            }
        }
        minutesToAccept.sort(null);
        List<ServiceTypeRow> byType = new ArrayList<>();
        types.forEach((type, row) -> byType.add(new ServiceTypeRow(type, row[0], row[1], row[2], row[3])));
        List<HourRow> byHour = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            byHour.add(new HourRow(h, hours[h][0], hours[h][1], hours[h][2]));
        }
        List<ServiceTypeHourRow> byTypeHour = new ArrayList<>();
        typeHours.forEach((type, th) -> {
            for (int h = 0; h < 24; h++) {
                byTypeHour.add(new ServiceTypeHourRow(type, h, th[h][0], th[h][1]));
            }
        });
        List<SaturationRow> saturated = run.saturations().stream()
                .map(s -> new SaturationRow(s.serviceId(), s.serviceType(),
                        s.firstAt().atZone(WallClock.ZONE).toLocalDateTime(), s.episodes(), s.full().toMinutes()))
                .toList();
        Totals totals = new Totals(referrals.size(), routable, offered, accepted, referrals.size() - accepted,
                offersMade, Math.round(avoided * 10) / 10.0, centile(minutesToAccept, 50), centile(minutesToAccept, 90));
        return new VariantReport(variant.name(), variant.description(), totals, reasons, List.copyOf(byType),
                List.copyOf(byHour), List.copyOf(byTypeHour), saturated);
    }

    /** The nearest-rank centile; null for no values. */
    static Long centile(List<Long> sorted, int centile) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(centile / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
