package org.rightcare.hub.whatif;

import java.util.Locale;

/**
 * The report as one long CSV table, one number a line, for a spreadsheet's pivot table: {@code variant, measure, key,
 * hour, value}. {@code key} is the service type, send-back reason or service the measure is about, and {@code hour}
 * the hour of day (Europe/London) for hourly measures; both are empty otherwise. The same report always gives the
 * same bytes.
 */
public final class WhatIfReportCsv {

    public static final String MEDIA_TYPE = "text/csv";

    private WhatIfReportCsv() {
    }

    public static String render(WhatIfReport report) {
        StringBuilder csv = new StringBuilder("variant,measure,key,hour,value\n");
        for (WhatIfReport.VariantReport v : report.variants()) {
            WhatIfReport.Totals t = v.totals();
            line(csv, v, "incidents", "", "", t.incidents());
            line(csv, v, "routable", "", "", t.routable());
            line(csv, v, "offered", "", "", t.offered());
            line(csv, v, "accepted", "", "", t.accepted());
            line(csv, v, "sent_back", "", "", t.sentBack());
            line(csv, v, "offers_made", "", "", t.offersMade());
            line(csv, v, "conveyances_avoided", "", "", String.format(Locale.ROOT, "%.1f", t.conveyancesAvoided()));
            line(csv, v, "minutes_to_accept_median", "", "", t.minutesToAcceptMedian());
            line(csv, v, "minutes_to_accept_p90", "", "", t.minutesToAcceptP90());
            v.sentBackByReason().forEach((reason, n) -> line(csv, v, "sent_back_by_reason", reason, "", n));
            for (WhatIfReport.ServiceTypeRow row : v.byServiceType()) {
                line(csv, v, "offers_by_service_type", row.serviceType(), "", row.offers());
                line(csv, v, "accepted_by_service_type", row.serviceType(), "", row.accepted());
                line(csv, v, "rejected_by_service_type", row.serviceType(), "", row.rejected());
                line(csv, v, "timed_out_by_service_type", row.serviceType(), "", row.timedOut());
            }
            for (WhatIfReport.HourRow row : v.byHour()) {
                line(csv, v, "incidents_by_hour", "", row.hour(), row.incidents());
                line(csv, v, "offered_by_hour", "", row.hour(), row.offered());
                line(csv, v, "accepted_by_hour", "", row.hour(), row.accepted());
            }
            for (WhatIfReport.ServiceTypeHourRow row : v.byServiceTypeAndHour()) {
                line(csv, v, "offers_by_service_type_and_hour", row.serviceType(), row.hour(), row.offers());
                line(csv, v, "accepted_by_service_type_and_hour", row.serviceType(), row.hour(), row.accepted());
            }
            for (WhatIfReport.SaturationRow row : v.saturated()) {
                line(csv, v, "saturated_first_at", row.serviceId(), "", row.firstFullAt());
                line(csv, v, "saturated_episodes", row.serviceId(), "", row.episodes());
                line(csv, v, "saturated_minutes", row.serviceId(), "", row.minutesFull());
            }
        }
        return csv.toString();
    }

    private static void line(StringBuilder csv, WhatIfReport.VariantReport v, String measure, Object key, Object hour,
            Object value) {
        csv.append(v.name()).append(',').append(measure).append(',').append(key).append(',').append(hour).append(',')
                .append(value == null ? "" : value).append('\n');
    }
}
