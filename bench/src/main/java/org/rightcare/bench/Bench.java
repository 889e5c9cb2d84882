package org.rightcare.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.HdrHistogram.Histogram;

import com.sun.net.httpserver.HttpServer;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Open-loop load harness for rightcare-hub (issue 6). See bench/README.md.
 *
 * <p>Mode {@code hub}: starts an embedded PostgreSQL 17, starts the packaged hub (demo profile, pointed at that
 * database), plays the CAD (signed events at fixed arrival rates, callbacks received on 127.0.0.1) and the providers
 * (offers found through the hub's {@code referral.offered} callbacks, read from the offer table, answered with
 * {@code PUT /fhir/Task/{id}}).
 *
 * <p>Mode {@code fhir}: posts the equivalent FHIR transaction Bundle to any FHIR server base URL at the same rates.
 *
 * <p>{@code --compare hapi} (hub mode): after the hub's run, stops the hub, starts the HAPI FHIR JPA server of
 * {@code bench/hapi-jpa} on its own database and runs the same schedule against it, each event as its transaction
 * Bundle ({@link FhirBundles}); the report puts both side by side ({@link ComparisonReport}).
 *
 * <p>Latency is measured from each request's intended send time (the schedule), never from when it was actually
 * sent, so a stalled server cannot hide its queueing (no coordinated omission).
 */
public final class Bench {

    // ------------------------------------------------------------------------------------------------ options

    static final class Options {
        String mode = "hub";
        /** prod: the hub's production profile, OIDC from the harness's own provider, the CAD secret from a file. */
        String profile = "prod";
        /** Share of the generated services whose offers are POSTed to the harness as FHIR transactions. */
        double fhirRestShare = 0.5;
        /** Open C3/C4 cases (offered, never answered) created before the first step. */
        int openStack;
        /** After the listed rates, keep stepping up by a quarter until the intake target breaks. */
        boolean search;
        int maxRate = 4000;
        /** Fail (exit 3) unless every event was acknowledged, offers reached providers and the CAD heard back. */
        boolean expectClean;
        List<Integer> rates = List.of(25, 50, 100, 200);
        Duration duration = Duration.ofSeconds(15);
        Duration settle = Duration.ofSeconds(3);
        Duration warmup = Duration.ofSeconds(5);
        Duration drain = Duration.ofSeconds(15);
        double accept = 0.6, reject = 0.3, slow = 0.1;
        Duration slowDelay = Duration.ofSeconds(2);
        int directoryServices = 200; // 0 = the demo directory
        String fhirBase;
        Path hubJar = Path.of("target/quarkus-app/quarkus-run.jar");
        /** {@code --native}: the hub's native executable (./mvnw package -Pnative) instead of the jar. */
        Path hubExecutable;
        Path out;
        int hubPort = 0;
        String hubJvmArgs = "";
        double updateShare = 0.10, cancelShare = 0.05;
        boolean fhirStub;
        long seed = 42;
        /** {@code hapi}: run the same schedule against the HAPI FHIR JPA server after the hub's run. */
        String compare;
        String hapiJvmArgs = "";
        /** Before the rate steps, this many events sent closed-loop (a few in flight): a JIT warm-up without a backlog. */
        int warmupEvents;
        /** Extra PostgreSQL settings (name=value), e.g. auto_explain's, to look into a slow statement. */
        final Map<String, String> postgresSettings = new LinkedHashMap<>();
    }

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--mode" -> { o.mode = v; i++; }
                case "--profile" -> { o.profile = v; i++; }
                case "--fhir-rest-share" -> { o.fhirRestShare = Double.parseDouble(v); i++; }
                case "--open-stack" -> { o.openStack = Integer.parseInt(v); i++; }
                case "--search" -> o.search = true;
                case "--expect-clean" -> o.expectClean = true;
                case "--max-rate" -> { o.maxRate = Integer.parseInt(v); i++; }
                case "--rates" -> {
                    o.rates = new ArrayList<>();
                    for (String r : v.split(",")) o.rates.add(Integer.parseInt(r.trim()));
                    i++;
                }
                case "--duration" -> { o.duration = dur(v); i++; }
                case "--settle" -> { o.settle = dur(v); i++; }
                case "--warmup" -> { o.warmup = dur(v); i++; }
                case "--drain" -> { o.drain = dur(v); i++; }
                case "--accept" -> { o.accept = Double.parseDouble(v); i++; }
                case "--reject" -> { o.reject = Double.parseDouble(v); i++; }
                case "--slow" -> { o.slow = Double.parseDouble(v); i++; }
                case "--slow-delay" -> { o.slowDelay = dur(v); i++; }
                case "--updates" -> { o.updateShare = Double.parseDouble(v); i++; }
                case "--cancels" -> { o.cancelShare = Double.parseDouble(v); i++; }
                case "--directory-services" -> { o.directoryServices = Integer.parseInt(v); i++; }
                case "--fhir-base" -> { o.fhirBase = v; i++; }
                case "--fhir-stub" -> o.fhirStub = true;
                case "--hub-jar" -> { o.hubJar = Path.of(v); i++; }
                case "--native" -> o.hubExecutable = nativeExecutable();
                case "--hub-executable" -> { o.hubExecutable = Path.of(v); i++; }
                case "--hub-port" -> { o.hubPort = Integer.parseInt(v); i++; }
                case "--hub-jvm-args" -> { o.hubJvmArgs = v; i++; }
                case "--out" -> { o.out = Path.of(v); i++; }
                case "--compare" -> { o.compare = v; i++; }
                case "--hapi-jvm-args" -> { o.hapiJvmArgs = v; i++; }
                case "--warmup-events" -> { o.warmupEvents = Integer.parseInt(v); i++; }
                case "--seed" -> { o.seed = Long.parseLong(v); i++; }
                case "--postgres-setting" -> {
                    int eq = v.indexOf('=');
                    if (eq < 1) throw new IllegalArgumentException("--postgres-setting name=value");
                    o.postgresSettings.put(v.substring(0, eq), v.substring(eq + 1));
                    i++;
                }
                default -> throw new IllegalArgumentException("unknown option " + a + " (see bench/README.md)");
            }
        }
        if (!o.profile.equals("prod") && !o.profile.equals("demo")) throw new IllegalArgumentException("--profile prod|demo");
        if (o.compare != null && !(o.compare.equals("hapi") && o.mode.equals("hub"))) {
            throw new IllegalArgumentException("--compare hapi (the only reference server) needs --mode hub");
        }
        double total = o.accept + o.reject + o.slow;
        if (Math.abs(total - 1.0) > 1e-6) throw new IllegalArgumentException("--accept + --reject + --slow must be 1");
        if (o.out == null) {
            o.out = Path.of("bench/results", DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
                    .format(Instant.now()));
        }
        return o;
    }

    static Duration dur(String s) {
        s = s.trim();
        if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        if (s.endsWith("s")) return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
        if (s.endsWith("m")) return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
        return Duration.ofSeconds(Long.parseLong(s));
    }

    // ------------------------------------------------------------------------------------------------ clock

    static final long WALL0_MICROS = System.currentTimeMillis() * 1000;
    static final long NANO0 = System.nanoTime();

    /** Wall-clock microseconds, monotonic within the run; comparable with PostgreSQL timestamps on this machine. */
    static long wallMicros(long nanoTime) {
        return WALL0_MICROS + (nanoTime - NANO0) / 1000;
    }

    // ------------------------------------------------------------------------------------------------ per step

    static final long MAX_US = TimeUnit.MINUTES.toMicros(10);

    /**
     * One rate step. The {@code hub*} figures are those of the server under test: the hub's, or in the comparison's
     * steps the reference server's (which has no event loops); the database figures are that server's database's.
     */
    static final class Step {
        final int rate;
        final String name;
        final Map<String, Histogram> hist = new LinkedHashMap<>();
        final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        long startNanos, endNanos, sendsDone, completedNanos;
        long hubCpuStart, hubCpuEnd, pgCpuStart, pgCpuEnd, genCpuStart, genCpuEnd;
        /** CPU of the hub's Vert.x event-loop threads alone: its request, SQL and delivery work, without JIT and GC. */
        long hubLoopCpuStart, hubLoopCpuEnd;
        long sysBusyStart, sysTotalStart, sysBusyEnd, sysTotalEnd;
        long dbRowsStart, dbRowsEnd, dbXactStart, dbXactEnd;
        /** The hub's SQL statements in the step (pg_stat_statements; BEGIN and COMMIT included), and the costliest. */
        long statements;
        final List<String> topStatements = new ArrayList<>();
        /** The 1-minute load average of the machine when the step started and ended (/proc/loadavg). */
        String loadStart, loadEnd;
        volatile long hubPeakRssKb, pgPeakRssKb;

        Step(int rate) {
            this.rate = rate;
            this.name = rate + "/s";
            for (String h : HISTS) hist.put(h, new Histogram(MAX_US, 3));
        }

        void record(String h, long micros) {
            Histogram histogram = hist.get(h);
            synchronized (histogram) {
                histogram.recordValue(Math.max(0, Math.min(micros, MAX_US)));
            }
        }

        void count(String c) {
            counts.computeIfAbsent(c, k -> new AtomicLong()).incrementAndGet();
        }

        long count0(String c) {
            AtomicLong a = counts.get(c);
            return a == null ? 0 : a.get();
        }
    }

    static final String ACK = "intake_ack";
    static final String TO_OFFER = "incident_to_offer";
    static final String TO_OFFERED_CALLBACK = "incident_to_offered_callback";
    static final String REJECT_TO_NEXT = "reject_to_next_offer";
    static final String ANSWER_TO_CALLBACK = "answer_to_callback";
    static final String TASK_PUT = "task_put";
    /** Offers to fhir-rest services: the transaction Bundle's arrival at the provider's FHIR server. */
    static final String TO_OFFER_DELIVERED = "incident_to_offer_delivered";
    static final String REJECT_TO_NEXT_DELIVERED = "reject_to_next_offer_delivered";
    static final List<String> HISTS = List.of(ACK, TO_OFFER, TO_OFFER_DELIVERED, TO_OFFERED_CALLBACK, REJECT_TO_NEXT,
            REJECT_TO_NEXT_DELIVERED, ANSWER_TO_CALLBACK, TASK_PUT);

    /** One incident as the CAD sees it. */
    static final class Case {
        final String incidentId;
        final Step step;
        final long intendedMicros;
        final String category;
        /** The incident as the CAD last described it: updates re-triage it, the comparison renders it as a Bundle. */
        volatile Events.Incident incident;
        volatile String referralId;
        volatile boolean offeredSeen;
        volatile long rejectSentMicros; // 0 when the last answer was not a rejection
        volatile long acceptSentMicros;
        volatile boolean concluded;
        /** The hub acknowledged the incident.created: updates and cancels go only to such incidents. */
        volatile boolean acked;
        /** Part of the open stack: its offers are never answered. */
        boolean preload;
        final java.util.Set<String> answeredOffers = ConcurrentHashMap.newKeySet();

        Case(Events.Incident incident, Step step, long intendedMicros) {
            this.incident = incident;
            this.incidentId = incident.incidentId();
            this.step = step;
            this.intendedMicros = intendedMicros;
            this.category = incident.category();
        }
    }

    // ------------------------------------------------------------------------------------------------ state

    final Options opt;
    final SplittableRandom random;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(4)).build();
    final Map<String, Case> cases = new ConcurrentHashMap<>();
    final Map<String, String> tokens = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final ExecutorService providerPool = Executors.newFixedThreadPool(4);
    final ScheduledExecutorService slowAnswers = Executors.newSingleThreadScheduledExecutor();
    final ThreadLocal<Connection> jdbc = new ThreadLocal<>();
    /**
     * Statements the harness has run in the hub's database ({@link #connection()}); each is a transaction of its own,
     * which PostgreSQL counts as a commit, so the commits reported for the hub leave them out.
     */
    final AtomicLong harnessTransactions = new AtomicLong();
    final Events events;
    String hubBase;
    String jdbcUrl;
    Process hub;
    long hubReadyMillis = -1;
    HttpServer receiver;
    int receiverPort;
    EmbeddedPostgres postgres;
    Path pgDataDir;
    volatile Step currentStep;
    final List<Step> steps = new ArrayList<>();
    /** prod profile: the harness is the hub's OIDC provider (discovery and keys on its receiver) and signs tokens. */
    final java.security.KeyPair oidcKey;
    String issuer;
    String cadSecret = "demo-secret";
    final java.util.Set<String> fhirRestServices = ConcurrentHashMap.newKeySet();
    final Map<String, String> odsByService = new ConcurrentHashMap<>();
    long openStackReferrals = -1;
    /** The server whose CPU and memory the steps measure (the hub, then the reference server), and its database. */
    volatile Process measured;
    String measuredDatabase = "postgres";
    /** Where events go as transaction Bundles (--mode fhir, and the comparison); null: to the hub's CAD webhook. */
    String fhirTarget;
    /** --compare hapi: the reference server, its steps, and what it stored (resource type -> count). */
    ReferenceServer hapi;
    final List<Step> hapiSteps = new ArrayList<>();
    final Map<String, Long> hapiStored = new LinkedHashMap<>();
    long hapiCreatedAcked, hapiOfferedAcked;
    /** incident.created events acknowledged, and those of them in a category the hub offers (C3-C5). */
    final AtomicLong createdAcked = new AtomicLong(), offeredAcked = new AtomicLong();
    /** Every event sent, warm-up included, for the phases' costs. */
    final AtomicLong eventsSent = new AtomicLong();
    /** One request of each side, kept in the results for the reader: the hub's offer Bundle and a HAPI transaction. */
    final Map<String, String> samples = new ConcurrentHashMap<>();

    Bench(Options opt) {
        this.opt = opt;
        this.random = new SplittableRandom(opt.seed);
        this.events = new Events(new SplittableRandom(opt.seed + 1));
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            this.oidcKey = generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (opt.profile.equals("prod")) {
            events.cadSystem = "BENCH-CAD";
            cadSecret = UUID.randomUUID().toString();
        }
    }

    public static void main(String[] args) throws Exception {
        Options opt = parse(args);
        Files.createDirectories(opt.out);
        Bench bench = new Bench(opt);
        int rc = 1;
        try {
            bench.run();
            rc = bench.problems().isEmpty() ? 0 : 3;
            if (rc != 0) log("FAILED: " + bench.problems());
        } catch (Exception e) {
            // Exit below even so: the harness's thread pools would keep the JVM alive.
            log("FAILED: " + e);
            e.printStackTrace();
        } finally {
            bench.close();
        }
        System.exit(rc);
    }

    /** With --expect-clean: what went wrong in the run (empty when everything did what it should). */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!opt.expectClean) return problems;
        for (Step s : steps) {
            if (Report.errors(s) > 0) problems.add(s.name + ": " + Report.errors(s) + " events not acknowledged");
            if (s.count0("ok") == 0) problems.add(s.name + ": no event acknowledged");
            if (opt.mode.equals("hub")) {
                if (s.count0("offers seen") + s.count0("offers delivered") == 0) problems.add(s.name + ": no offer reached a provider");
                if (s.count0("callback referral.offered") == 0) problems.add(s.name + ": no referral.offered callback");
                if (s.count0("referrals not concluded at the end") > 0) problems.add(s.name + ": referrals left open");
                long errors = s.counts.entrySet().stream().filter(e -> e.getKey().startsWith("provider error")
                        || e.getKey().startsWith("task put error")).mapToLong(e -> e.getValue().get()).sum();
                if (errors > 0) problems.add(s.name + ": " + errors + " provider errors");
            }
        }
        for (Step s : hapiSteps) {
            if (Report.errors(s) > 0) problems.add("HAPI " + s.name + ": " + Report.errors(s) + " Bundles not acknowledged");
            if (s.count0("ok") == 0) problems.add("HAPI " + s.name + ": no Bundle acknowledged");
        }
        if (hapi != null) ComparisonReport.missingStored(this).forEach(m -> problems.add("HAPI acknowledged but did not store " + m));
        return problems;
    }

    void run() throws Exception {
        startReceiver();
        if (opt.mode.equals("hub")) {
            startDatabase();
            startHub();
            measured = hub;
        } else if (opt.mode.equals("fhir")) {
            if (opt.fhirStub) opt.fhirBase = "http://127.0.0.1:" + receiverPort + "/fhir-stub";
            if (opt.fhirBase == null) throw new IllegalArgumentException("--mode fhir needs --fhir-base URL");
            fhirTarget = opt.fhirBase;
            log("comparison mode: FHIR transaction Bundles to " + opt.fhirBase);
        } else {
            throw new IllegalArgumentException("--mode hub|fhir");
        }
        if (opt.openStack > 0 && opt.mode.equals("hub")) preloadOpenStack();
        Thread sampler = new Thread(this::sampleMemory, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long[] start = phaseMark();
        runSchedule(steps);
        waitForConclusions();
        if (opt.mode.equals("hub")) hubCost = phaseCost(start);
        if ("hapi".equals(opt.compare)) compareWithHapi();
        Report.write(this);
    }

    /**
     * A phase's cost: the server's and PostgreSQL's CPU (clock ticks) from the server being ready until it went quiet
     * after its last step, and the events sent meanwhile (the warm-up's too). Unlike a step's cost it includes the
     * work an overload pushed past the step's end, so it is the cost per event even of a server that fell behind.
     */
    record PhaseCost(long serverTicks, long databaseTicks, long events, long commits, long routingDecisions) {
        double serverMsPerEvent() {
            return serverTicks * 10.0 / Math.max(1, events);
        }

        double commitsPerEvent() {
            return (double) commits / Math.max(1, events);
        }

        /** The hub's and PostgreSQL's CPU per routing decision made (every routing step stores one). */
        double msPerRoutingDecision() {
            return (serverTicks + databaseTicks) * 10.0 / Math.max(1, routingDecisions);
        }

        double databaseMsPerEvent() {
            return databaseTicks * 10.0 / Math.max(1, events);
        }
    }

    PhaseCost hubCost, hapiCost;

    long[] phaseMark() {
        Process server = measured;
        return new long[] {server == null ? 0 : cpuTicks(server.pid()), pgCpuTicks(), eventsSent.get(),
            postgres == null ? 0 : dbStats()[1], routingDecisions()};
    }

    PhaseCost phaseCost(long[] start) throws InterruptedException {
        awaitQuiet();
        long[] end = phaseMark();
        return new PhaseCost(end[0] - start[0], end[1] - start[1], end[2] - start[2], end[3] - start[3],
                end[4] - start[4]);
    }

    /** How many routing decisions the hub has stored; 0 for a server that keeps none. */
    long routingDecisions() {
        if (postgres == null || !opt.mode.equals("hub")) return 0;
        try (Statement s = connection().createStatement();
                ResultSet rs = s.executeQuery(HARNESS_SQL + "SELECT count(*) FROM routing_decision")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return 0;
        }
    }

    /** The warm-up, one step per listed rate, and with --search the search; the steps are added to {@code into}. */
    void runSchedule(List<Step> into) throws Exception {
        if (opt.warmupEvents > 0) warmUpClosedLoop();
        if (!opt.warmup.isZero()) {
            // JIT warm-up of the server (and of the generator) at the first rate; measured but not reported.
            Step warm = new Step(opt.rates.get(0));
            Duration d = opt.duration;
            opt.duration = opt.warmup;
            log("warm-up (not reported)");
            runStep(warm);
            opt.duration = d;
        }
        for (int rate : opt.rates) {
            Step step = new Step(rate);
            into.add(step);
            runStep(step);
        }
        if (opt.search) search(into);
    }

    /** Events closed-loop, at most this many in flight, for --warmup-events. */
    static final int WARMUP_IN_FLIGHT = 4;

    /**
     * --warmup-events: sends that many events as fast as the server answers them, a few at a time, then waits for it
     * to go quiet. A server whose JIT is cold (HAPI much more than the hub) is warmed up without an open-loop backlog
     * that would run into the first step. Measured but not reported.
     */
    void warmUpClosedLoop() throws Exception {
        log("closed-loop warm-up: " + opt.warmupEvents + " events, " + WARMUP_IN_FLIGHT + " in flight (not reported)");
        Step warm = new Step(opt.rates.get(0));
        currentStep = warm;
        List<Case> recent = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < opt.warmupEvents; i++) {
            while (inFlight.get() >= WARMUP_IN_FLIGHT) Thread.sleep(1);
            send(warm, System.nanoTime(), recent);
        }
        long until = System.nanoTime() + opt.drain.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < until) Thread.sleep(5);
        double seconds = (System.nanoTime() - t0) / 1e9;
        awaitQuiet();
        Histogram ack = warm.hist.get(ACK);
        log(String.format(Locale.ROOT, "closed-loop warm-up done: %d events in %.1f s, ack p50 %.1f ms; %s",
                opt.warmupEvents, seconds, ack.getValueAtPercentile(50) / 1000.0, warm.counts));
    }

    /**
     * Steps up by a quarter (rounded to 50/s) while the intake target holds, then halves the gap between the highest
     * rate that held and the lowest that broke until it is within a tenth: the highest rate that held is the
     * sustained rate. Before each step below a broken one the server gets time to finish what the overload queued.
     */
    void search(List<Step> into) throws Exception {
        Step last = into.get(into.size() - 1);
        while (Report.intakeHolds(last) && last.rate < opt.maxRate) {
            int next = Math.min(opt.maxRate, Math.max(last.rate + 50, (int) Math.round(last.rate * 1.25 / 50) * 50));
            last = new Step(next);
            into.add(last);
            runStep(last);
        }
        int sustained = Report.sustainedRate(into);
        int held = sustained;
        int broken = into.stream().filter(s -> !Report.intakeHolds(s) && s.rate > sustained).mapToInt(s -> s.rate).min()
                .orElse(0);
        while (broken > 0 && broken - held > Math.max(1, held / 10)) {
            int rate = (held + broken) / 2;
            awaitQuiet();
            Step step = new Step(rate);
            into.add(step);
            runStep(step);
            if (Report.intakeHolds(step)) held = rate;
            else broken = rate;
        }
    }

    /**
     * Waits (at most --drain) until the server under test and PostgreSQL together use less than a fifth of a core:
     * requests the client gave up on, or work queued behind them, would otherwise run into the next step.
     */
    void awaitQuiet() throws InterruptedException {
        long until = System.nanoTime() + opt.drain.toNanos();
        long before = serverAndDatabaseTicks();
        while (System.nanoTime() < until) {
            Thread.sleep(1000);
            long now = serverAndDatabaseTicks();
            if (now - before < 20) return;
            before = now;
        }
        log("the server was still busy after " + opt.drain.toSeconds() + " s; going on");
    }

    long serverAndDatabaseTicks() {
        Process p = measured;
        return (p == null ? 0 : cpuTicks(p.pid())) + pgCpuTicks();
    }

    /**
     * --compare hapi: the hub stops, the HAPI FHIR JPA server starts on its own database in the same PostgreSQL, and
     * the same schedule runs against it, each event as its transaction Bundle; then the harness counts what it stored.
     */
    void compareWithHapi() throws Exception {
        stop(hub);
        log("hub stopped; the comparison with the HAPI FHIR JPA server follows");
        try (Statement s = connection().createStatement()) {
            s.execute(HARNESS_SQL + "CREATE DATABASE hapi");
        }
        hapi = ReferenceServer.start(http, "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/hapi",
                opt.hapiJvmArgs, opt.out.resolve("hapi.log"));
        measured = hapi.process;
        measuredDatabase = "hapi";
        fhirTarget = hapi.base;
        long createdBefore = createdAcked.get(), offeredBefore = offeredAcked.get();
        long[] start = phaseMark();
        runSchedule(hapiSteps);
        hapiCost = phaseCost(start);
        hapiCreatedAcked = createdAcked.get() - createdBefore;
        hapiOfferedAcked = offeredAcked.get() - offeredBefore;
        countStored();
    }

    /** What HAPI stored, by resource type ({@code _summary=count}), to check against what it acknowledged. */
    void countStored() throws Exception {
        for (String type : List.of("Patient", "Location", "Encounter", "Flag", "Observation", "ServiceRequest", "Task")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(fhirTarget + "/" + type + "?_summary=count"))
                    .timeout(Duration.ofSeconds(60)).header("Accept", "application/fhir+json").build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = TOTAL.matcher(r.body());
            hapiStored.put(type, r.statusCode() == 200 && m.find() ? Long.parseLong(m.group(1)) : -1);
        }
        log("HAPI stored " + hapiStored + " for " + hapiCreatedAcked + " acknowledged incident.created ("
                + hapiOfferedAcked + " with an offer)");
    }

    static final Pattern TOTAL = Pattern.compile("\"total\"\\s*:\\s*(\\d+)");

    // ------------------------------------------------------------------------------------------------ database

    void startDatabase() throws IOException {
        pgDataDir = Files.createTempDirectory("bench-pg");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(pgDataDir).setCleanDataDirectory(true)
                // As the hub's own embedded database (EmbeddedDatabase): durability is not what is measured here.
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "100")
                // Statements and round trips per incident, a measure that CPU contention does not distort.
                .setServerConfig("shared_preload_libraries", "pg_stat_statements");
        opt.postgresSettings.forEach(builder::setServerConfig);
        postgres = builder.start();
        jdbcUrl = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
        try (Statement s = connection().createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        } catch (Exception e) {
            throw new IllegalStateException("pg_stat_statements is part of the embedded PostgreSQL", e);
        }
        log("embedded PostgreSQL 17 on port " + postgres.getPort() + " (fsync off, as the demo profile's)");
    }

    /**
     * The harness's own connection to the hub's database (this thread's), for one statement: each call counts one
     * transaction in {@link #harnessTransactions}, since the connection autocommits.
     */
    Connection connection() throws Exception {
        harnessTransactions.incrementAndGet();
        Connection c = jdbc.get();
        if (c == null || c.isClosed()) {
            c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
            c.setAutoCommit(true);
            jdbc.set(c);
        }
        return c;
    }

    /**
     * Rows written and commits in the measured database so far. The commits are the server's own: in the hub's
     * database the harness's transactions (mostly its read of the offer table for each {@code referral.offered}
     * callback) are left out. PostgreSQL counts a backend's commits when the backend next goes idle, at most a second
     * or so later, for the harness as for the hub, so a step's figure is off by no more than that second's worth.
     */
    long[] dbStats() {
        try (Statement s = connection().createStatement();
                ResultSet rs = s.executeQuery(HARNESS_SQL + "SELECT tup_inserted + tup_updated + tup_deleted, xact_commit "
                        + "FROM pg_stat_database WHERE datname = '" + measuredDatabase + "'")) {
            rs.next();
            long harnessOwn = jdbcUrl.endsWith("/" + measuredDatabase) ? harnessTransactions.get() : 0;
            return new long[] {rs.getLong(1), rs.getLong(2) - harnessOwn};
        } catch (Exception e) {
            return new long[] {0, 0};
        }
    }

    /** Marks the harness's own SQL, so that statement counts are the server's alone. */
    static final String HARNESS_SQL = "/* bench */ ";

    void resetStatements() {
        try (Statement s = connection().createStatement()) {
            s.execute(HARNESS_SQL + "SELECT pg_stat_statements_reset()");
        } catch (Exception e) {
            log("could not reset pg_stat_statements: " + e);
        }
    }

    /** The server's statements since the step's reset: their number, the ten that took the most database time, then the twelve called most often. */
    void readStatements(Step step) {
        String hubOnly = "FROM pg_stat_statements WHERE query NOT LIKE '/* bench */%' AND dbid = "
                + "(SELECT oid FROM pg_database WHERE datname = '" + measuredDatabase + "')";
        try {
            try (Statement s = connection().createStatement();
                    ResultSet rs = s.executeQuery(HARNESS_SQL + "SELECT coalesce(sum(calls), 0) " + hubOnly)) {
                rs.next();
                step.statements = rs.getLong(1);
            }
            // Each statement as its first and last 100 characters: several of the hub's share a long select list, and
            // only their ends (the WHERE, FOR UPDATE, RETURNING) tell them apart.
            String listed = "SELECT calls, round(total_exec_time::numeric, 1), rows, CASE WHEN length(q) <= 200 THEN q "
                    + "ELSE left(q, 100) || ' ... ' || right(q, 100) END FROM (SELECT calls, total_exec_time, rows, "
                    + "regexp_replace(query, '\\s+', ' ', 'g') AS q " + hubOnly + ") hub_statement";
            try (Statement s = connection().createStatement();
                    ResultSet rs = s.executeQuery(HARNESS_SQL + "(" + listed + " ORDER BY total_exec_time DESC LIMIT 10) "
                            + "UNION ALL (" + listed + " ORDER BY calls DESC LIMIT 12)")) {
                while (rs.next()) {
                    step.topStatements.add(rs.getLong(1) + " calls, " + rs.getString(2) + " ms, " + rs.getLong(3)
                            + " rows: " + rs.getString(4));
                }
            }
        } catch (Exception e) {
            log("could not read pg_stat_statements: " + e);
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(pgDataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (Exception e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------------------------------------ hub

    void startHub() throws Exception {
        Path directory = opt.out.resolve("directory.yaml");
        if (opt.directoryServices > 0) {
            String providerBase = "http://127.0.0.1:" + receiverPort + "/provider";
            Files.writeString(directory, Directory.generate(opt.directoryServices, opt.fhirRestShare, providerBase));
            for (int j = 0; j < opt.directoryServices; j++) {
                odsByService.put(Directory.serviceId(j), Directory.odsCode(j));
                if (Directory.fhirRest(j, opt.fhirRestShare)) fhirRestServices.add(Directory.serviceId(j));
            }
        }
        int port = opt.hubPort > 0 ? opt.hubPort : freePort();
        hubBase = "http://127.0.0.1:" + port;
        List<String> cmd = new ArrayList<>();
        // A native executable takes the same -D settings and -X heap options as the JVM, without the java launcher.
        cmd.add(opt.hubExecutable != null ? opt.hubExecutable.toAbsolutePath().toString()
                : Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : opt.hubJvmArgs.trim().split("\\s+")) if (!a.isBlank()) cmd.add(a);
        Map<String, String> environment = new LinkedHashMap<>();
        if (opt.profile.equals("demo")) {
            cmd.add("-Dquarkus.profile=demo");
        } else {
            // The production checklist (README): OIDC by its issuer URL, the public base URL, the CAD system's secret
            // in a properties file named by QUARKUS_CONFIG_LOCATIONS. One departure: the harness's CAD receives
            // callbacks over plain http on 127.0.0.1, which prod refuses unless allowed; and it serves no board, whose
            // sign-in would need an OIDC web-app tenant the harness's stand-in issuer does not provide.
            Path cadSystems = opt.out.resolve("cad-systems.properties");
            Files.writeString(cadSystems, "hub.cad.systems.\"" + events.cadSystem + "\".secret=" + cadSecret + "\n");
            environment.put("QUARKUS_CONFIG_LOCATIONS", cadSystems.toAbsolutePath().toString());
            cmd.add("-Dquarkus.oidc.auth-server-url=" + issuer);
            cmd.add("-Dhub.public-base-url=" + hubBase);
            cmd.add("-Dhub.cad.allow-insecure-callbacks=true");
            cmd.add("-Dhub.board.enabled=false");
        }
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
        cmd.add("-Dquarkus.datasource.jdbc.url=" + jdbcUrl);
        cmd.add("-Dquarkus.datasource.username=postgres");
        cmd.add("-Dquarkus.datasource.password=postgres");
        if (opt.directoryServices > 0) {
            cmd.add("-Dhub.directory.file=" + directory.toAbsolutePath());
            cmd.add("-D%demo.hub.directory.file=" + directory.toAbsolutePath());
        }
        if (opt.hubExecutable == null) {
            cmd.add("-jar");
            cmd.add(opt.hubJar.toAbsolutePath().toString());
        }
        log("starting the hub (" + opt.profile + " profile): " + environment + " " + String.join(" ", cmd));
        long t0 = System.nanoTime();
        ProcessBuilder launch = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(opt.out.resolve("hub.log").toFile());
        launch.environment().putAll(environment);
        hub = launch.start();
        // A bound, not a target (the report gives the start time): on the shared build machine the jar has taken
        // over 90 s to get ready (93.6 s at load 30, 2026-12-06), and the smoke run in verify must not fail for that.
        long deadline = t0 + TimeUnit.SECONDS.toNanos(300);
        while (true) {
            if (!hub.isAlive()) throw new IllegalStateException("the hub exited; see " + opt.out.resolve("hub.log"));
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hubBase + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) break;
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("the hub was not ready within 300 s");
            Thread.sleep(25);
        }
        hubReadyMillis = (System.nanoTime() - t0) / 1_000_000;
        log("hub ready at " + hubBase + " after " + hubReadyMillis + " ms (" + hubPackage()
                + " launch to ready, database already up), pid "
                + hub.pid());
    }

    /** What ran as the hub: "JVM" (the packaged jar) or "native" (the executable). */
    String hubPackage() {
        return opt.hubExecutable != null ? "native" : "JVM";
    }

    /** The native executable {@code ./mvnw package -Pnative} leaves in target/ (the only *-runner file there). */
    static Path nativeExecutable() {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-runner") && Files.isExecutable(f))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException(
                            "--native: no target/*-runner; build it with ./mvnw package -Pnative first"));
        } catch (IOException e) {
            throw new IllegalArgumentException("--native: cannot list target/", e);
        }
    }

    static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // ------------------------------------------------------------------------------------------------ receiver

    static final Pattern EVENT_TYPE = Pattern.compile("\"eventType\"\\s*:\\s*\"([^\"]+)\"");
    static final Pattern INCIDENT_ID = Pattern.compile("\"incidentId\"\\s*:\\s*\"([^\"]+)\"");
    static final Pattern REFERRAL_ID = Pattern.compile("\"referralId\"\\s*:\\s*\"([^\"]+)\"");

    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        receiver.setExecutor(Executors.newFixedThreadPool(4));
        receiver.createContext("/cad-callbacks", ex -> {
            long now = System.nanoTime();
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
            onCallback(new String(body, StandardCharsets.UTF_8), wallMicros(now));
        });
        // A stand-in FHIR server for checking the comparison mode itself (--fhir-stub); it stores nothing.
        receiver.createContext("/fhir-stub", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
            }
            byte[] b = "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/fhir+json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        receiver.createContext("/oidc/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] b = (path.endsWith("/jwks") ? jwks() : discovery()).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        // The FHIR servers of the fhir-rest services: /provider/<serviceId>, where the hub POSTs each offer.
        receiver.createContext("/provider/", ex -> {
            long now = System.nanoTime();
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = ex.getRequestURI().getPath();
            String serviceId = path.substring("/provider/".length()).replaceAll("/.*", "");
            byte[] b = "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/fhir+json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
            String bundle = new String(body, StandardCharsets.UTF_8);
            providerPool.execute(() -> onOfferDelivered(serviceId, bundle, wallMicros(now)));
        });
        receiver.start();
        receiverPort = receiver.getAddress().getPort();
        issuer = "http://127.0.0.1:" + receiverPort + "/oidc";
        events.callbackUrl = "http://127.0.0.1:" + receiverPort + "/cad-callbacks";
        log("CAD callback receiver on " + events.callbackUrl);
    }

    void onCallback(String body, long recvMicros) {
        String type = group(EVENT_TYPE, body);
        String incidentId = group(INCIDENT_ID, body);
        Case c = incidentId == null ? null : cases.get(incidentId);
        Step step = c != null ? c.step : currentStep;
        if (step == null) return;
        step.count("callback " + type);
        if (c == null) return;
        switch (String.valueOf(type)) {
            case "referral.offered" -> {
                if (!c.offeredSeen) {
                    c.offeredSeen = true;
                    step.record(TO_OFFERED_CALLBACK, recvMicros - c.intendedMicros);
                }
                String referralId = group(REFERRAL_ID, body);
                providerPool.execute(() -> provide(c, referralId));
            }
            case "referral.accepted" -> {
                c.concluded = true;
                if (c.acceptSentMicros > 0) step.record(ANSWER_TO_CALLBACK, recvMicros - c.acceptSentMicros);
            }
            case "referral.sent-back" -> {
                c.concluded = true;
                if (c.rejectSentMicros > 0) step.record(ANSWER_TO_CALLBACK, recvMicros - c.rejectSentMicros);
            }
            case "referral.cancelled" -> c.concluded = true;
            default -> {
            }
        }
    }

    static String group(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? m.group(1) : null;
    }

    // ------------------------------------------------------------------------------------------------ providers

    /**
     * Plays the provider that was offered {@code c}: the hub has no push to providers yet, so the offer is found
     * from the {@code referral.offered} callback and read from the offer table (a harness shortcut), then answered
     * through the hub's FHIR API like a real provider would.
     */
    void provide(Case c, String referralId) {
        Step step = c.step;
        try {
            String offerId, ods;
            int version;
            long offeredMicros;
            try (PreparedStatement ps = connection().prepareStatement(
                    HARNESS_SQL + "SELECT id::text, ods_code, version, (extract(epoch FROM offered_at) * 1000000)::bigint, "
                            + "service_id FROM offer WHERE referral_id = ?::uuid AND status IN ('requested', 'received')")) {
                ps.setString(1, referralId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        step.count("offer gone before the provider saw it");
                        return;
                    }
                    offerId = rs.getString(1);
                    ods = rs.getString(2);
                    version = rs.getInt(3);
                    offeredMicros = rs.getLong(4);
                    // A fhir-rest service answers when the offer reaches its FHIR server (onOfferDelivered).
                    if (fhirRestServices.contains(rs.getString(5))) return;
                }
            }
            if (!c.answeredOffers.add(offerId)) return;
            step.count("offers seen");
            if (c.answeredOffers.size() == 1) {
                step.record(TO_OFFER, offeredMicros - c.intendedMicros);
            } else if (c.rejectSentMicros > 0) {
                step.record(REJECT_TO_NEXT, offeredMicros - c.rejectSentMicros);
            }
            decide(c, offerId, ods, version);
        } catch (Exception e) {
            step.count("provider error " + e.getClass().getSimpleName());
        }
    }

    static final Pattern TASK_HUB_ID = Pattern.compile("\"value\"\\s*:\\s*\"Task/([0-9a-f-]{36})\"");
    static final Pattern CAD_INCIDENT = Pattern.compile("cad-incident-id/[^\"]*\"\\s*,\\s*\"value\"\\s*:\\s*\"([^\"]+)\"");

    /** A fhir-rest service's FHIR server received an offer (a transaction Bundle): it answers as a provider would. */
    void onOfferDelivered(String serviceId, String bundle, long recvMicros) {
        String offerId = group(TASK_HUB_ID, bundle);
        String incidentId = group(CAD_INCIDENT, bundle);
        Case c = incidentId == null ? null : cases.get(incidentId);
        Step step = c != null ? c.step : currentStep;
        if (step == null) return;
        if (c == null || offerId == null) {
            step.count("offer delivered for an unknown incident");
            return;
        }
        if (!c.answeredOffers.add(offerId)) {
            step.count("offer delivered again");
            return;
        }
        step.count("offers delivered");
        samples.putIfAbsent("hub-offer-transaction.json", bundle);
        if (c.answeredOffers.size() == 1) {
            step.record(TO_OFFER_DELIVERED, recvMicros - c.intendedMicros);
        } else if (c.rejectSentMicros > 0) {
            step.record(REJECT_TO_NEXT_DELIVERED, recvMicros - c.rejectSentMicros);
        }
        decide(c, offerId, odsByService.get(serviceId), -1);
    }

    /** Accept, reject or answer slowly, in the configured shares; the open stack's cases are never answered. */
    void decide(Case c, String offerId, String ods, int version) {
        Step step = c.step;
        if (c.preload) return;
        try {
            double d = random.nextDouble();
            if (d < opt.accept) {
                answer(c, offerId, ods, version, true);
            } else if (d < opt.accept + opt.reject) {
                answer(c, offerId, ods, version, false);
            } else {
                step.count("slow answers");
                slowAnswers.schedule(() -> providerPool.execute(() -> answer(c, offerId, ods, version, true)),
                        opt.slowDelay.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            step.count("provider error " + e.getClass().getSimpleName());
        }
    }

    void answer(Case c, String offerId, String ods, int version, boolean accept) {
        Step step = c.step;
        try {
            String token = tokens.computeIfAbsent(ods, this::token);
            String body = accept
                    ? "{\"resourceType\":\"Task\",\"id\":\"" + offerId + "\",\"status\":\"accepted\",\"intent\":\"order\"}"
                    : "{\"resourceType\":\"Task\",\"id\":\"" + offerId + "\",\"status\":\"rejected\",\"intent\":\"order\","
                            + "\"statusReason\":{\"coding\":[{\"system\":\"https://fhir.nhs.uk/CodeSystem/dos-rejected-reasons-bars\","
                            + "\"code\":\"22\"}],\"text\":\"bench: no capacity\"}}";
            long sent = System.nanoTime();
            if (accept) {
                c.acceptSentMicros = wallMicros(sent);
                c.rejectSentMicros = 0;
            } else {
                c.rejectSentMicros = wallMicros(sent);
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(hubBase + "/fhir/Task/" + offerId))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/fhir+json")
                    // The simulated provider never reads the Task back, so it says so, as a real one would.
                    .header("Prefer", "return=minimal")
                    .PUT(HttpRequest.BodyPublishers.ofString(body));
            // Offers read from the database are answered at the version read; a delivered offer is fresh.
            if (version > 0) req.header("If-Match", "W/\"" + version + "\"");
            http.sendAsync(req.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((r, err) -> {
                step.record(TASK_PUT, (System.nanoTime() - sent) / 1000);
                if (err != null) {
                    step.count("task put error " + err.getClass().getSimpleName());
                } else if (r.statusCode() == 200) {
                    step.count(accept ? "offers accepted" : "offers rejected");
                } else {
                    // 409 after a cancel or a withdrawal is expected; anything else is an error
                    step.count("task put " + r.statusCode());
                }
            });
        } catch (Exception e) {
            step.count("provider error " + e.getClass().getSimpleName());
        }
    }

    static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

    String token(String ods) {
        if (opt.profile.equals("prod")) return jwt("bench-" + ods, ods);
        try {
            String form = "sub=bench-" + ods + "&org=" + URLEncoder.encode(ods, StandardCharsets.UTF_8) + "&roles=provider";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hubBase + "/demo/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            String t = group(ACCESS_TOKEN, r.body());
            if (t == null) throw new IllegalStateException("no token: " + r.statusCode() + " " + r.body());
            return t;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ load

    /**
     * Leaves {@code --open-stack} open C3/C4 cases before the first step: created at 200/s, offered by the hub, never
     * answered (their acceptance window, 15 minutes, outlasts the run), so the steps run against a stack that size.
     */
    void preloadOpenStack() throws Exception {
        int rate = 200;
        long periodNanos = 1_000_000_000L / rate;
        Step preload = new Step(rate);
        currentStep = preload;
        log("pre-load: " + opt.openStack + " open C3/C4 cases at " + rate + "/s");
        long start = System.nanoTime() + 1_000_000;
        for (int i = 0; i < opt.openStack; i++) {
            long intended = start + i * periodNanos;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            Case c = new Case(events.createdOpen(), preload, wallMicros(intended));
            c.preload = true;
            c.concluded = true;
            cases.put(c.incidentId, c);
            post(preload, intended, events.event("incident.created", c.incident), "incident.created", c);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (inFlight.get() > 0 && System.nanoTime() < until) Thread.sleep(20);
        // Routing runs after each acknowledgement: wait until the hub has offered (or sent back) every one.
        while (System.nanoTime() < until) {
            try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery(HARNESS_SQL
                    + "SELECT count(*) FILTER (WHERE status = 'routing'), count(*) FILTER (WHERE status = 'offered') FROM referral")) {
                rs.next();
                openStackReferrals = rs.getLong(2);
                if (rs.getLong(1) == 0) break;
            }
            Thread.sleep(250);
        }
        log("pre-load done: " + openStackReferrals + " referrals offered and left open; " + preload.counts);
    }

    static String b64(byte[] b) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static byte[] unsigned(java.math.BigInteger n) {
        byte[] b = n.toByteArray();
        return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }

    String discovery() {
        return "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\",\"token_endpoint\":\"" + issuer
                + "/token\",\"authorization_endpoint\":\"" + issuer + "/authorize\",\"response_types_supported\":[\"code\"],"
                + "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
    }

    String jwks() {
        var key = (java.security.interfaces.RSAPublicKey) oidcKey.getPublic();
        return "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"bench\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\""
                + b64(unsigned(key.getModulus())) + "\",\"e\":\"" + b64(unsigned(key.getPublicExponent())) + "\"}]}";
    }

    /** A provider system's bearer token, as the deployment's OIDC provider would issue it (README, Provider API). */
    String jwt(String subject, String ods) {
        try {
            long now = System.currentTimeMillis() / 1000;
            String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"bench\"}".getBytes(StandardCharsets.UTF_8));
            String claims = b64(("{\"iss\":\"" + issuer + "\",\"aud\":\"rightcare-hub\",\"sub\":\"" + subject
                    + "\",\"org\":\"" + ods + "\",\"roles\":[\"provider\"],\"iat\":" + now + ",\"exp\":" + (now + 7200)
                    + "}").getBytes(StandardCharsets.UTF_8));
            java.security.Signature signature = java.security.Signature.getInstance("SHA256withRSA");
            signature.initSign(oidcKey.getPrivate());
            signature.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + b64(signature.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    void runStep(Step step) throws Exception {
        currentStep = step;
        long n = Math.round(step.rate * (opt.duration.toMillis() / 1000.0));
        long periodNanos = 1_000_000_000L / step.rate;
        List<Case> recent = new ArrayList<>();
        snapshotStart(step);
        log("step " + step.name + ": " + n + " events over " + opt.duration.toSeconds() + " s");
        long start = System.nanoTime() + 1_000_000;
        step.startNanos = start;
        for (long i = 0; i < n; i++) {
            long intended = start + i * periodNanos;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            send(step, intended, recent);
        }
        step.endNanos = start + n * periodNanos;
        step.sendsDone = n;
        long until = System.nanoTime() + opt.drain.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < until) Thread.sleep(5);
        step.completedNanos = System.nanoTime();
        if (inFlight.get() > 0) step.counts.computeIfAbsent("requests unanswered at drain", k -> new AtomicLong())
                .addAndGet(inFlight.get());
        Thread.sleep(opt.settle.toMillis());
        snapshotEnd(step);
        Histogram ack = step.hist.get(ACK);
        log(String.format(Locale.ROOT, "step %s done: ack p50 %.1f ms p99 %.1f ms max %.1f ms; %s", step.name,
                ack.getValueAtPercentile(50) / 1000.0, ack.getValueAtPercentile(99) / 1000.0, ack.getMaxValue() / 1000.0,
                step.counts));
    }

    void send(Step step, long intendedNanos, List<Case> recent) {
        double d = random.nextDouble();
        // An update or cancel of an incident whose creation the server has not acknowledged yet would be refused
        // (the CAD would not send it either): those slots become new incidents.
        Case target = recent.isEmpty() ? null : recent.get(random.nextInt(recent.size()));
        if (target == null || !target.acked) d = 1;
        if (d < opt.cancelShare) {
            recent.remove(target);
            deliver(step, intendedNanos, FhirBundles.Kind.CANCELLED, target.incident, null);
        } else if (d < opt.cancelShare + opt.updateShare) {
            target.incident = events.retriaged(target.incident);
            deliver(step, intendedNanos, FhirBundles.Kind.UPDATED, target.incident, null);
        } else {
            Case c = new Case(events.created(), step, wallMicros(intendedNanos));
            cases.put(c.incidentId, c);
            recent.add(c);
            if (recent.size() > 500) recent.remove(0);
            deliver(step, intendedNanos, FhirBundles.Kind.CREATED, c.incident, c);
        }
    }

    /**
     * Sends one incident event: to the hub as the signed CAD event, or to a FHIR server as the transaction Bundle
     * that carries the same information. {@code created} is the incident an incident.created event creates, else null.
     */
    void deliver(Step step, long intendedNanos, FhirBundles.Kind kind, Events.Incident incident, Case created) {
        String type = "incident." + kind.name().toLowerCase(Locale.ROOT);
        if (fhirTarget == null) {
            String body = kind == FhirBundles.Kind.CANCELLED ? events.cancelled(incident.incidentId())
                    : events.event(type, incident);
            samples.putIfAbsent("hub-" + type + ".json", body);
            post(step, intendedNanos, body, type, created);
            return;
        }
        // The offer's Task goes to one of the directory's organisations; the hub would choose by routing.
        String ods = Directory.odsCode(Math.floorMod(incident.incidentId().hashCode(), Math.max(1, opt.directoryServices)));
        String bundle = FhirBundles.transaction(kind, incident, ods);
        samples.putIfAbsent("fhir-" + type + ".json", bundle);
        HttpRequest req = HttpRequest.newBuilder(URI.create(fhirTarget)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(bundle)).build();
        exchange(step, intendedNanos, req, type, created);
    }

    /** Posts a signed CAD event; {@code created} is the incident an incident.created event creates, else null. */
    void post(Step step, long intendedNanos, String body, String kind, Case created) {
        long t = System.currentTimeMillis() / 1000;
        HttpRequest req = HttpRequest.newBuilder(URI.create(hubBase + "/cad/v1/events")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature", "t=" + t + ",v1=" + hmac(cadSecret, t + "." + body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        exchange(step, intendedNanos, req, kind, created);
    }

    void exchange(Step step, long intendedNanos, HttpRequest req, String kind, Case created) {
        step.count("sent " + kind);
        eventsSent.incrementAndGet();
        inFlight.incrementAndGet();
        http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, err) -> {
            long now = System.nanoTime();
            inFlight.decrementAndGet();
            step.record(ACK, (now - intendedNanos) / 1000);
            if (err != null) {
                step.count("error " + err.getClass().getSimpleName());
            } else if (r.statusCode() / 100 == 2) {
                step.count("ok");
                if (created != null) {
                    created.acked = true;
                    createdAcked.incrementAndGet();
                    if (FhirBundles.offered(created.category)) offeredAcked.incrementAndGet();
                }
            } else {
                step.count("error HTTP " + r.statusCode());
                // The first refusal's answer, for the reader (an OperationOutcome or a problem+json).
                samples.putIfAbsent("first-refusal-" + r.statusCode() + ".txt", req.uri() + "\n\n" + r.body());
            }
        });
    }

    static String hmac(String secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] h = mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder(64);
            for (byte b : h) sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            return sb.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void waitForConclusions() throws InterruptedException {
        if (!opt.mode.equals("hub")) return;
        long until = System.nanoTime() + opt.drain.toNanos();
        while (System.nanoTime() < until && cases.values().stream().anyMatch(c -> !c.concluded)) Thread.sleep(100);
        for (Case c : cases.values()) if (!c.concluded) c.step.count("referrals not concluded at the end");
    }

    // ------------------------------------------------------------------------------------------------ /proc

    void snapshotStart(Step s) {
        Process server = measured;
        s.hubCpuStart = server == null ? 0 : cpuTicks(server.pid());
        s.hubLoopCpuStart = server == null ? 0 : eventLoopTicks(server.pid());
        s.pgCpuStart = pgCpuTicks();
        s.genCpuStart = genCpuNanos();
        long[] sys = sysCpu();
        s.sysBusyStart = sys[0];
        s.sysTotalStart = sys[1];
        long[] db = postgres == null ? new long[2] : dbStats();
        s.dbRowsStart = db[0];
        s.dbXactStart = db[1];
        if (postgres != null) resetStatements();
        s.loadStart = loadAverage();
    }

    void snapshotEnd(Step s) {
        Process server = measured;
        s.hubCpuEnd = server == null ? 0 : cpuTicks(server.pid());
        s.hubLoopCpuEnd = server == null ? 0 : eventLoopTicks(server.pid());
        s.pgCpuEnd = pgCpuTicks();
        s.genCpuEnd = genCpuNanos();
        long[] sys = sysCpu();
        s.sysBusyEnd = sys[0];
        s.sysTotalEnd = sys[1];
        long[] db = postgres == null ? new long[2] : dbStats();
        s.dbRowsEnd = db[0];
        s.dbXactEnd = db[1];
        if (postgres != null) readStatements(s);
        s.loadEnd = loadAverage();
    }

    static long genCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** utime + stime of a process, in clock ticks (1/100 s on Linux). */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    /** utime + stime of the process's Vert.x event-loop threads (named vert.x-eventloop-thread-N), in clock ticks. */
    static long eventLoopTicks(long pid) {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (!Files.readString(task.resolve("comm")).startsWith("vert.x-eventloo")) continue;
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (IOException gone) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return sum;
    }

    static long ppid(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (Exception e) {
            return -1;
        }
    }

    List<Long> pgPids() {
        List<Long> pids = new ArrayList<>();
        long pm = postmasterPid();
        if (pm < 0) return pids;
        pids.add(pm);
        try (var dirs = Files.list(Path.of("/proc"))) {
            dirs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).filter(p -> ppid(p) == pm).forEach(pids::add);
        } catch (IOException e) {
            // ignore
        }
        return pids;
    }

    long pgCpuTicks() {
        return pgPids().stream().mapToLong(Bench::cpuTicks).sum();
    }

    static long rssKb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        } catch (Exception e) {
            // gone
        }
        return 0;
    }

    static long[] sysCpu() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) total += Long.parseLong(f[i]);
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (Exception e) {
            return new long[] {0, 1};
        }
    }

    void sampleMemory() {
        while (true) {
            Step s = currentStep;
            if (s != null) {
                Process server = measured;
                if (server != null) s.hubPeakRssKb = Math.max(s.hubPeakRssKb, rssKb(server.pid()));
                if (postgres != null) {
                    long sum = pgPids().stream().mapToLong(Bench::rssKb).sum();
                    s.pgPeakRssKb = Math.max(s.pgPeakRssKb, sum);
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ end

    void close() {
        stop(hub);
        if (hapi != null) hapi.stop();
        if (receiver != null) receiver.stop(0);
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                log("could not stop PostgreSQL: " + e);
            }
        }
        providerPool.shutdownNow();
        slowAnswers.shutdownNow();
    }

    static void stop(Process process) {
        if (process == null || !process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
        }
    }

    static void log(String s) {
        System.out.println("[bench " + Instant.now().toString().substring(11, 23) + "] " + s);
    }

    static String today() {
        return LocalDate.now(ZoneOffset.UTC).toString();
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }
}
