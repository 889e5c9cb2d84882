package org.rightcare.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

/** Writes results.json, summary.md and latency-vs-rate.svg for a finished run. */
final class Report {

    static final double[] PCTS = {50, 90, 99, 99.9};
    /** Issue 6's targets: intake p99 under 50 ms with no errors; end to end p99 under 100 ms at 200/s. */
    static final double INTAKE_P99_MS = 50, E2E_P99_MS = 100;

    private Report() {
    }

    static String ms(double micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static long errors(Bench.Step s) {
        long e = 0;
        for (var c : s.counts.entrySet()) if (c.getKey().startsWith("error")) e += c.getValue().get();
        return e;
    }

    static long sent(Bench.Step s) {
        long n = 0;
        for (var c : s.counts.entrySet()) if (c.getKey().startsWith("sent ")) n += c.getValue().get();
        return n;
    }

    static double achieved(Bench.Step s) {
        return s.count0("ok") / seconds(s.completedNanos - s.startNanos);
    }

    static double cpuPct(long ticksDelta, Bench.Step s) {
        return ticksDelta / 100.0 / seconds(s.completedNanos - s.startNanos + 0) * 100;
    }

    static double stepSeconds(Bench.Step s, Bench b) {
        return seconds(s.completedNanos - s.startNanos) + b.opt.settle.toMillis() / 1000.0;
    }

    static double p99ms(Bench.Step s, String h) {
        Histogram x = s.hist.get(h);
        return x.getTotalCount() == 0 ? Double.NaN : x.getValueAtPercentile(99) / 1000.0;
    }

    static boolean intakeHolds(Bench.Step s) {
        return errors(s) == 0 && p99ms(s, Bench.ACK) < INTAKE_P99_MS;
    }

    /** The highest rate tried whose intake p99 stayed under the target with no errors; 0 when none did. */
    static int sustainedRate(List<Bench.Step> steps) {
        return steps.stream().filter(Report::intakeHolds).mapToInt(s -> s.rate).max().orElse(0);
    }

    static void write(Bench b) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"mode\": \"").append(b.opt.mode).append("\",\n");
        json.append("  \"target\": \"").append(b.opt.mode.equals("hub") ? b.hubBase : b.opt.fhirBase).append("\",\n");
        json.append("  \"machine\": {\"cpus\": ").append(Runtime.getRuntime().availableProcessors())
                .append(", \"cpuModel\": \"").append(cpuModel().replace("\"", "'")).append("\"")
                .append(", \"java\": \"").append(System.getProperty("java.version")).append("\"},\n");
        json.append("  \"options\": {\"durationSeconds\": ").append(b.opt.duration.toMillis() / 1000.0)
                .append(", \"accept\": ").append(b.opt.accept).append(", \"reject\": ").append(b.opt.reject)
                .append(", \"slow\": ").append(b.opt.slow).append(", \"slowDelayMs\": ").append(b.opt.slowDelay.toMillis())
                .append(", \"updates\": ").append(b.opt.updateShare).append(", \"cancels\": ").append(b.opt.cancelShare)
                .append(", \"directoryServices\": ").append(b.opt.directoryServices)
                .append(", \"profile\": \"").append(b.opt.profile).append("\", \"fhirRestShare\": ").append(b.opt.fhirRestShare)
                .append(", \"openStack\": ").append(b.opt.openStack).append(", \"search\": ").append(b.opt.search).append("},\n");
        json.append("  \"openStackReferrals\": ").append(b.openStackReferrals).append(",\n");
        json.append("  \"hubPackage\": \"").append(b.hubPackage()).append("\",\n");
        json.append("  \"hubStartToReadyMs\": ").append(b.hubReadyMillis).append(",\n  \"steps\": [\n");
        stepsJson(json, b.steps, b);
        json.append("  ]");
        if (b.hubCost != null) {
            json.append(",\n  \"hubWholeRun\": {\"events\": ").append(b.hubCost.events())
                    .append(", \"hubCpuMsPerEvent\": ").append(fmt2(b.hubCost.serverMsPerEvent()))
                    .append(", \"postgresCpuMsPerEvent\": ").append(fmt2(b.hubCost.databaseMsPerEvent()))
                    .append(", \"commitsPerEvent\": ").append(fmt2(b.hubCost.commitsPerEvent()))
                    .append(", \"routingDecisions\": ").append(b.hubCost.routingDecisions())
                    .append(", \"cpuMsPerRoutingDecision\": ").append(fmt2(b.hubCost.msPerRoutingDecision())).append("}");
        }
        if (b.hapi != null) ComparisonReport.json(json, b);
        json.append("\n}\n");
        Files.writeString(b.opt.out.resolve("results.json"), json);
        Files.writeString(b.opt.out.resolve("summary.md"), markdown(b) + ComparisonReport.markdown(b));
        Files.writeString(b.opt.out.resolve("latency-vs-rate.svg"), svg(b));
        if (!b.samples.isEmpty()) {
            // One request of each kind as sent, and the hub's own offer transaction, for the reader to compare.
            Files.createDirectories(b.opt.out.resolve("samples"));
            for (var sample : b.samples.entrySet()) {
                Files.writeString(b.opt.out.resolve("samples").resolve(sample.getKey()), sample.getValue());
            }
        }
        Bench.log("wrote " + b.opt.out.resolve("results.json") + ", summary.md and latency-vs-rate.svg");
        System.out.println(markdown(b) + ComparisonReport.markdown(b));
    }

    /** The steps' figures as JSON array elements (one object per step, one per line group). */
    static void stepsJson(StringBuilder json, List<Bench.Step> steps, Bench b) {
        for (int i = 0; i < steps.size(); i++) {
            Bench.Step s = steps.get(i);
            double secs = stepSeconds(s, b);
            json.append("    {\"rate\": ").append(s.rate).append(", \"sent\": ").append(sent(s))
                    .append(", \"achievedPerSecond\": ").append(fmt(achieved(s)))
                    .append(", \"errors\": ").append(errors(s))
                    .append(", \"hubCpuPercent\": ").append(fmt((s.hubCpuEnd - s.hubCpuStart) / secs))
                    .append(", \"postgresCpuPercent\": ").append(fmt((s.pgCpuEnd - s.pgCpuStart) / secs))
                    .append(", \"generatorCpuPercent\": ").append(fmt((s.genCpuEnd - s.genCpuStart) / 1e7 / secs))
                    .append(", \"machineBusyPercent\": ").append(fmt(100.0 * (s.sysBusyEnd - s.sysBusyStart)
                            / Math.max(1, s.sysTotalEnd - s.sysTotalStart) * Runtime.getRuntime().availableProcessors()))
                    .append(", \"hubPeakRssMb\": ").append(s.hubPeakRssKb / 1024)
                    .append(", \"postgresPeakRssMb\": ").append(s.pgPeakRssKb / 1024)
                    .append(", \"dbRowsPerSecond\": ").append(fmt((s.dbRowsEnd - s.dbRowsStart) / secs))
                    .append(", \"dbCommitsPerSecond\": ").append(fmt((s.dbXactEnd - s.dbXactStart) / secs))
                    .append(", \"hubCpuMsPer1000Events\": ").append(fmt(perThousand(s, (s.hubCpuEnd - s.hubCpuStart) * 10.0)))
                    .append(", \"hubEventLoopCpuMsPer1000Events\": ").append(fmt(perThousand(s, (s.hubLoopCpuEnd - s.hubLoopCpuStart) * 10.0)))
                    .append(", \"postgresCpuMsPer1000Events\": ").append(fmt(perThousand(s, (s.pgCpuEnd - s.pgCpuStart) * 10.0)))
                    .append(", \"statementsPerEvent\": ").append(fmt2(s.statements / (double) Math.max(1, sent(s))))
                    .append(", \"commitsPerEvent\": ").append(fmt2((s.dbXactEnd - s.dbXactStart) / (double) Math.max(1, sent(s))))
                    .append(", \"loadAverageAtStart\": \"").append(s.loadStart).append("\", \"loadAverageAtEnd\": \"")
                    .append(s.loadEnd).append('"')
                    .append(",\n     \"topStatements\": [");
            for (int t = 0; t < s.topStatements.size(); t++) {
                json.append(t == 0 ? "" : ", ").append('"').append(s.topStatements.get(t).replace("\\", "\\\\")
                        .replace("\"", "\\\"")).append('"');
            }
            json.append("]")
                    .append(",\n     \"counts\": {");
            boolean first = true;
            for (var c : new TreeMap<>(s.counts).entrySet()) {
                json.append(first ? "" : ", ").append('"').append(c.getKey()).append("\": ").append(c.getValue().get());
                first = false;
            }
            json.append("},\n     \"latencyMs\": {");
            first = true;
            for (var h : s.hist.entrySet()) {
                Histogram x = h.getValue();
                json.append(first ? "" : ", ").append("\n       \"").append(h.getKey()).append("\": {\"count\": ")
                        .append(x.getTotalCount());
                if (x.getTotalCount() > 0) {
                    for (double p : PCTS) json.append(", \"p").append(fmtP(p)).append("\": ")
                            .append(ms(x.getValueAtPercentile(p)));
                    json.append(", \"max\": ").append(ms(x.getMaxValue()));
                }
                json.append('}');
                first = false;
            }
            json.append("}}").append(i + 1 < steps.size() ? ",\n" : "\n");
        }
    }

    static String fmt(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? "null" : String.format(Locale.ROOT, "%.1f", d);
    }

    static String fmt2(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? "null" : String.format(Locale.ROOT, "%.2f", d);
    }

    /** A cost of the step per 1,000 events sent: survives CPU contention better than latency does. */
    static double perThousand(Bench.Step s, double cost) {
        return cost / Math.max(1, sent(s)) * 1000;
    }

    static String fmtP(double p) {
        return p == Math.floor(p) ? Integer.toString((int) p) : Double.toString(p).replace('.', '_');
    }

    static String pcts(Histogram x) {
        if (x.getTotalCount() == 0) return "- | - | - | - | -";
        StringBuilder sb = new StringBuilder();
        for (double p : PCTS) sb.append(ms(x.getValueAtPercentile(p))).append(" | ");
        return sb.append(ms(x.getMaxValue())).toString();
    }

    /**
     * The processor's model as the kernel names it: figures from different machines of the same size differ by their
     * processor (an AMD EPYC and an Intel Xeon of 2 vCPUs each start and route at different speeds), so every report
     * says which it was taken on.
     */
    static String cpuModel() {
        try {
            return Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name")).map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown processor");
        } catch (IOException | RuntimeException e) {
            return "unknown processor";
        }
    }

    static String markdown(Bench b) {
        StringBuilder md = new StringBuilder();
        md.append("## ").append(b.opt.mode.equals("hub") ? "rightcare-hub" : "FHIR server " + b.opt.fhirBase)
                .append(": ").append(b.opt.duration.toMillis() / 1000.0).append(" s per rate\n\n");
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ").append(cpuModel())
                .append(", Java ").append(System.getProperty("java.version")).append(".\n\n");
        if (b.hubReadyMillis >= 0) md.append("Hub (").append(b.hubPackage()).append(") launch to ready (database already up): ").append(b.hubReadyMillis)
                .append(" ms. Directory: ").append(b.opt.directoryServices > 0 ? b.opt.directoryServices
                        + " generated services (" + Math.round(b.opt.fhirRestShare * 100) + " % fhir-rest)" : "the demo directory")
                .append(". Hub profile: ").append(b.opt.profile).append(". Open stack before the first step: ")
                .append(b.opt.openStack > 0 ? b.openStackReferrals + " offered, unanswered cases" : "none").append(".\n\n");
        md.append("| rate/s | sent | achieved/s | errors | hub CPU % | PG CPU % | generator CPU % | hub peak RSS MB | DB rows/s |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Bench.Step s : b.steps) {
            double secs = stepSeconds(s, b);
            md.append("| ").append(s.rate).append(" | ").append(sent(s)).append(" | ").append(fmt(achieved(s)))
                    .append(" | ").append(errors(s)).append(" | ").append(fmt((s.hubCpuEnd - s.hubCpuStart) / secs))
                    .append(" | ").append(fmt((s.pgCpuEnd - s.pgCpuStart) / secs)).append(" | ")
                    .append(fmt((s.genCpuEnd - s.genCpuStart) / 1e7 / secs)).append(" | ")
                    .append(s.hubPeakRssKb / 1024).append(" | ").append(fmt((s.dbRowsEnd - s.dbRowsStart) / secs))
                    .append(" |\n");
        }
        md.append("\nCost per event (measures that CPU contention does not distort; the load average is the machine's, "
                + "at the step's start and end):\n\n");
        md.append("| rate/s | hub CPU ms / 1,000 events | of which event loops | PG CPU ms / 1,000 events | SQL statements / event | commits / event | load average |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---|\n");
        for (Bench.Step s : b.steps) {
            md.append("| ").append(s.rate).append(" | ").append(fmt(perThousand(s, (s.hubCpuEnd - s.hubCpuStart) * 10.0)))
                    .append(" | ").append(fmt(perThousand(s, (s.hubLoopCpuEnd - s.hubLoopCpuStart) * 10.0)))
                    .append(" | ").append(fmt(perThousand(s, (s.pgCpuEnd - s.pgCpuStart) * 10.0))).append(" | ")
                    .append(fmt2(s.statements / (double) Math.max(1, sent(s)))).append(" | ")
                    .append(fmt2((s.dbXactEnd - s.dbXactStart) / (double) Math.max(1, sent(s)))).append(" | ")
                    .append(s.loadStart).append(" -> ").append(s.loadEnd).append(" |\n");
        }
        if (b.hubCost != null) {
            // A step's cost leaves out work an overload pushed past its end; the whole run's does not.
            md.append("\nWhole run (from the hub being ready until it went quiet after the last step, warm-up included): ")
                    .append(b.hubCost.events()).append(" events; hub ").append(fmt2(b.hubCost.serverMsPerEvent()))
                    .append(" ms and PostgreSQL ").append(fmt2(b.hubCost.databaseMsPerEvent()))
                    .append(" ms of CPU per event, ").append(fmt2(b.hubCost.commitsPerEvent())).append(" commits per event; ")
                    .append(b.hubCost.routingDecisions()).append(" routing decisions, ")
                    .append(fmt2(b.hubCost.msPerRoutingDecision())).append(" ms of CPU (hub and PostgreSQL) per decision.\n");
        }
        md.append("\nLatency in ms (count, p50, p90, p99, p99.9, max), from the intended send time:\n\n");
        md.append("| rate/s | measure | count | p50 | p90 | p99 | p99.9 | max |\n|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (Bench.Step s : b.steps) {
            for (var h : s.hist.entrySet()) {
                if (h.getValue().getTotalCount() == 0) continue;
                md.append("| ").append(s.rate).append(" | ").append(h.getKey()).append(" | ")
                        .append(h.getValue().getTotalCount()).append(" | ").append(pcts(h.getValue())).append(" |\n");
            }
        }
        md.append("\nCounts per step:\n\n");
        for (Bench.Step s : b.steps) md.append("- ").append(s.rate).append("/s: ").append(new TreeMap<>(s.counts)).append('\n');
        for (Bench.Step s : b.steps) {
            if (s.topStatements.isEmpty()) continue;
            md.append("\nThe hub's statements at ").append(s.name).append(": the ten that took the most database time, then the twelve called most often:\n\n");
            for (String t : s.topStatements) md.append("- ").append(t.replace("|", "\\|")).append('\n');
        }
        md.append("\nTargets (issue 6): intake p99 < ").append((int) INTAKE_P99_MS).append(" ms with no errors at 1,000/s for 60 s; ")
                .append("incident -> offer and reject -> next offer p99 < ").append((int) E2E_P99_MS).append(" ms at 200/s; RSS < 512 MB; ")
                .append("start to ready < 3 s.\n\n");
        int best = sustainedRate(b.steps);
        md.append("Highest rate tried whose intake p99 stayed under ").append((int) INTAKE_P99_MS).append(" ms with no errors: ")
                .append(best == 0 ? "none" : best + "/s").append(".\n");
        return md.toString();
    }

    /**
     * A log-scale latency-vs-rate chart: p50/p99/p99.9 of the intake ack and p99 of the end-to-end measures, and with a
     * comparison HAPI's acknowledgement p50 and p99.
     */
    static String svg(Bench b) {
        int w = 720, h = 420, left = 70, right = 200, top = 30, bottom = 50;
        int pw = w - left - right, ph = h - top - bottom;
        // By rate: the search's narrowing steps come after higher ones.
        List<Bench.Step> steps = b.steps.stream().sorted(java.util.Comparator.comparingInt(st -> st.rate)).toList();
        List<Bench.Step> hapiSteps = b.hapiSteps.stream().sorted(java.util.Comparator.comparingInt(st -> st.rate)).toList();
        double maxRate = java.util.stream.Stream.concat(steps.stream(), hapiSteps.stream()).mapToInt(st -> st.rate).max()
                .orElse(1);
        double minMs = 0.1, maxMs = 10000;
        Map<String, double[]> series = new java.util.LinkedHashMap<>();
        series.put("intake ack p50", new double[] {50});
        series.put("intake ack p99", new double[] {99});
        series.put("intake ack p99.9", new double[] {99.9});
        String[] colors = {"#1f77b4", "#d62728", "#9467bd", "#2ca02c", "#17becf", "#ff7f0e", "#8c564b", "#7f7f7f",
            "#000000"};
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append("<text x=\"").append(left).append("\" y=\"18\" font-size=\"14\">Latency vs arrival rate (log scale, ms)</text>\n");
        java.util.function.DoubleUnaryOperator y = ms -> top + ph
                - (Math.log10(Math.max(minMs, Math.min(maxMs, ms))) - Math.log10(minMs)) / (Math.log10(maxMs) - Math.log10(minMs)) * ph;
        java.util.function.DoubleUnaryOperator x = r -> left + r / maxRate * pw;
        for (double g = minMs; g <= maxMs; g *= 10) {
            double gy = y.applyAsDouble(g);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", left, left + pw, gy, gy))
                    .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", left - 6, gy + 4,
                            g < 1 ? String.valueOf(g) : String.valueOf((long) g)));
        }
        for (double t : new double[] {INTAKE_P99_MS, E2E_P99_MS}) {
            double ty = y.applyAsDouble(t);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" fill=\"#666\">target %d ms</text>\n", left, left + pw, ty, ty, left + pw + 4, ty + 4, (int) t));
        }
        for (int rate : java.util.stream.Stream.concat(steps.stream(), hapiSteps.stream()).mapToInt(st -> st.rate)
                .distinct().toArray()) {
            double sx = x.applyAsDouble(rate);
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n", sx, top + ph + 18, rate));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">arrival rate (events/s)</text>\n",
                left + pw / 2, h - 10));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>\n", left, top, pw, ph));
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"intake ack p50", Bench.ACK, "50"});
        lines.add(new String[] {"intake ack p99", Bench.ACK, "99"});
        lines.add(new String[] {"intake ack p99.9", Bench.ACK, "99.9"});
        lines.add(new String[] {"incident->offer p99", Bench.TO_OFFER, "99"});
        lines.add(new String[] {"incident->offer delivered p99", Bench.TO_OFFER_DELIVERED, "99"});
        lines.add(new String[] {"reject->next offer p99", Bench.REJECT_TO_NEXT, "99"});
        lines.add(new String[] {"answer->callback p99", Bench.ANSWER_TO_CALLBACK, "99"});
        lines.add(new String[] {"HAPI ack p50", Bench.ACK, "50", "hapi"});
        lines.add(new String[] {"HAPI ack p99", Bench.ACK, "99", "hapi"});
        int li = 0;
        for (String[] line : lines) {
            StringBuilder pts = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (Bench.Step st : line.length > 3 ? hapiSteps : steps) {
                Histogram hist = st.hist.get(line[1]);
                if (hist.getTotalCount() == 0) continue;
                double v = hist.getValueAtPercentile(Double.parseDouble(line[2])) / 1000.0;
                double px = x.applyAsDouble(st.rate), py = y.applyAsDouble(v);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", px, py, colors[li]));
            }
            if (pts.length() > 0) {
                s.append("<polyline fill=\"none\" stroke=\"").append(colors[li]).append("\" stroke-width=\"2\" points=\"")
                        .append(pts.toString().trim()).append("\"/>").append(dots).append('\n');
                int ly = top + 10 + li * 18;
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                        + "<text x=\"%d\" y=\"%d\">%s</text>\n", left + pw + 10, ly + 30, colors[li], left + pw + 26, ly + 35, line[0]));
            }
            li++;
        }
        s.append("</svg>\n");
        return s.toString();
    }
}
