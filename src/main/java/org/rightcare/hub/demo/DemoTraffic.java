package org.rightcare.hub.demo;

import java.time.Clock;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.rightcare.hub.incidents.CadEventJson;
import org.rightcare.hub.incidents.IncidentGenerator;
import org.rightcare.hub.incidents.IncidentShape;
import org.rightcare.hub.intake.CadEventParser;
import org.rightcare.hub.intake.IntakeService;
import org.rightcare.hub.support.CorrelationId;
import org.rightcare.hub.support.PublicUrls;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * The demo's live traffic: every {@code hub.demo.traffic.interval} a generated incident (the what-if simulator's
 * generator and shape) arrives as if the demo CAD had posted it, through the webhook's own parser and intake, so the
 * hub routes, offers and sends back as it would for a real CAD, and calls back to the demo's CAD end
 * ({@code /demo/cad-callbacks}). The demo profile turns it on; it is off everywhere else ({@code off}).
 */
@ApplicationScoped
public class DemoTraffic {

    private static final Logger LOG = Logger.getLogger(DemoTraffic.class);

    private final IntakeService intake;
    private final CadEventParser parser;
    private final PublicUrls urls;
    private final Clock clock;
    private final String cadSystem;
    private final IncidentGenerator generator;
    private final SplittableRandom random;
    private final AtomicLong posted = new AtomicLong();

    public DemoTraffic(IntakeService intake, CadEventParser parser, PublicUrls urls, Clock clock,
            @ConfigProperty(name = "hub.demo.traffic.cad-system", defaultValue = "DEMO-CAD") String cadSystem,
            @ConfigProperty(name = "hub.demo.traffic.shape-file", defaultValue = IncidentShape.WEALDSHIRE) String shapeFile,
            @ConfigProperty(name = "hub.demo.traffic.seed", defaultValue = "1") long seed) {
        this.intake = intake;
        this.parser = parser;
        this.urls = urls;
        this.clock = clock;
        this.cadSystem = cadSystem;
        this.generator = new IncidentGenerator(IncidentShape.load(shapeFile));
        this.random = new SplittableRandom(seed);
    }

    @Scheduled(every = "${hub.demo.traffic.interval:off}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> postOne() {
        Instant now = clock.instant();
        String incidentId = "DEMO-" + now.toEpochMilli() + "-" + posted.incrementAndGet();
        var replay = generator.incident(incidentId, now, random);
        var event = CadEventJson.created(UUID.randomUUID().toString(), cadSystem, now, replay.incident());
        // Outcomes go to the demo's own CAD end (DemoCadCallbackResource), not to the dead-letter queue.
        event.put("callbackUrl", urls.fhirBase().resolve("../demo/cad-callbacks").toString());
        byte[] body = CadEventJson.bytes(event);
        CadEventParser.Result parsed;
        try {
            parsed = parser.parse(body);
        } catch (CadEventParser.MalformedJsonException e) {
            return Uni.createFrom().failure(new IllegalStateException("generated JSON is always well formed", e));
        }
        if (!parsed.isValid()) {
            LOG.warnf("Demo traffic generated an incident the CAD contract refuses, skipped: %s", parsed.errors());
            return Uni.createFrom().voidItem();
        }
        return intake.accept(parsed.event(), body, urls.fhirBase(), CorrelationId.acceptOrGenerate(null))
                .invoke(outcome -> LOG.debugf("Demo traffic: incident %s (%s) posted", incidentId,
                        replay.incident().category()))
                .onFailure().invoke(e -> LOG.warnf("Demo traffic: incident %s not stored: %s", incidentId, e))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
