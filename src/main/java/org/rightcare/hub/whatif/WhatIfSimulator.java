package org.rightcare.hub.whatif;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;

import org.rightcare.hub.cascade.SendBackRules;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.incidents.ReplayableIncident;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.routing.Router;
import org.rightcare.hub.routing.RoutingPolicy;

/**
 * Replays incidents through the hub's own routing and send-back rules ({@link Router}, {@link SendBackRules}) on a
 * simulated clock, with the state in memory instead of the database: a week of incidents runs in well under a second.
 * Events (an arrival, a provider's answer, an offer's deadline, a place freed when care ends) are taken in time
 * order, ties in the order they were scheduled, so a run is a pure function of its inputs.
 *
 * <p>
 * Capacity: a service with a count of places uses one per acceptance and frees it when the patient's care ends; one
 * without a count is never full. A provider that means to accept when no place is left declines for capacity (DoS
 * code 22), as a real team would.
 */
public final class WhatIfSimulator {

    /** What a service can hold, and for how long each patient stays in its care. */
    public record ServiceCapacity(Integer places, Duration care) {
    }

    /** How one offer ended. */
    public record OfferOutcome(String serviceId, String serviceType, String status, String reasonCode,
            Instant offeredAt, Instant answeredAt) {
    }

    /**
     * How one incident ended: accepted by a service, or sent back with the reason.
     *
     * @param ruleId the routing rule that matched first, null when none did or the category may not be routed
     */
    public record ReferralOutcome(String incidentId, Instant arrivedAt, String category, String ruleId,
            List<OfferOutcome> offers, boolean accepted, String acceptedServiceType, SendBackReason sendBackReason,
            Instant concludedAt, double conveyanceLikelihood) {

        public Duration timeToConclude() {
            return Duration.between(arrivedAt, concludedAt);
        }
    }

    /** When a counted service ran out of places: first at, how often, and for how long in all. */
    public record Saturation(String serviceId, String serviceType, Instant firstAt, int episodes, Duration full) {
    }

    /** Everything one run did. */
    public record Run(List<ReferralOutcome> referrals, List<Saturation> saturations) {
    }

    private enum Kind {
        ARRIVAL,
        ANSWER,
        DEADLINE,
        PLACE_FREED
    }

    private record Event(Instant at, long sequence, Kind kind, Case subject, Offer offer, ProviderAnswers.Answer answer,
            String serviceId) {
    }

    /** One incident's referral as it moves through the simulation. */
    private static final class Case {
        final ReplayableIncident replay;
        final UUID id;
        Instant budgetEnds;
        Instant breachAt;
        String ruleId;
        final List<Offer> offers = new ArrayList<>();
        ReferralOutcome outcome;

        Case(ReplayableIncident replay, UUID id) {
            this.replay = replay;
            this.id = id;
        }
    }

    /** Places left, and how long the service has been full. */
    private static final class Places {
        final String serviceType;
        Integer left;
        Instant fullSince;
        Instant firstFull;
        int episodes;
        Duration full = Duration.ZERO;

        Places(String serviceType, Integer left) {
            this.serviceType = serviceType;
            this.left = left;
        }
    }

    private final Router router;
    private final BreachTargets breachTargets;

    /** A simulator with the breach times the hub ships with. */
    public WhatIfSimulator(Router router) {
        this(router, BreachTargets.shipped());
    }

    public WhatIfSimulator(Router router, BreachTargets breachTargets) {
        this.router = router;
        this.breachTargets = breachTargets;
    }

    /**
     * @param directory the services as the variant has them
     * @param capacity by service id; a service missing here has no count of places and frees nothing
     * @param incidents in any order; each arrives at its {@code receivedAt}
     */
    public Run run(RoutingPolicy policy, List<CommunityService> directory, Map<String, ServiceCapacity> capacity,
            List<ReplayableIncident> incidents, ProviderAnswers answers) {
        return new Execution(policy, directory, capacity, answers).run(incidents);
    }

    /** One run's mutable state, used once. */
    private final class Execution {
        private final RoutingPolicy policy;
        private final List<CommunityService> directory;
        private final Map<String, ServiceCapacity> capacity;
        private final ProviderAnswers answers;
        private final Map<String, Places> places = new LinkedHashMap<>();
        private final Map<String, CommunityService> byId = new HashMap<>();
        private final PriorityQueue<Event> queue = new PriorityQueue<>(
                Comparator.comparing(Event::at).thenComparingLong(Event::sequence));
        private long sequence;
        private long ids;
        private Instant lastEvent;

        Execution(RoutingPolicy policy, List<CommunityService> directory, Map<String, ServiceCapacity> capacity,
                ProviderAnswers answers) {
            this.policy = policy;
            this.directory = List.copyOf(directory);
            this.capacity = capacity;
            this.answers = answers;
            for (CommunityService service : directory) {
                byId.put(service.id(), service);
                ServiceCapacity stated = capacity.get(service.id());
                if (stated != null && stated.places() != null) {
                    places.put(service.id(), new Places(service.type().code(), stated.places()));
                }
            }
        }

        Run run(List<ReplayableIncident> incidents) {
            List<Case> cases = new ArrayList<>(incidents.size());
            List<ReplayableIncident> ordered = incidents.stream()
                    .sorted(Comparator.comparing(r -> r.incident().receivedAt())).toList();
            for (ReplayableIncident replay : ordered) {
                Case c = new Case(replay, new UUID(0, ++ids));
                cases.add(c);
                schedule(replay.incident().receivedAt(), Kind.ARRIVAL, c, null, null, null);
            }
            while (!queue.isEmpty()) {
                Event event = queue.poll();
                lastEvent = event.at();
                switch (event.kind()) {
                    case ARRIVAL -> arrive(event.subject(), event.at());
                    case ANSWER -> answered(event.subject(), event.offer(), event.answer(), event.at());
                    case DEADLINE -> deadline(event.subject(), event.offer(), event.at());
                    case PLACE_FREED -> freePlace(event.serviceId(), event.at());
                }
            }
            List<Saturation> saturations = new ArrayList<>();
            places.forEach((id, p) -> {
                if (p.fullSince != null) {
                    p.full = p.full.plus(Duration.between(p.fullSince, lastEvent));
                }
                if (p.firstFull != null) {
                    saturations.add(new Saturation(id, p.serviceType, p.firstFull, p.episodes, p.full));
                }
            });
            return new Run(cases.stream().map(c -> c.outcome).toList(), List.copyOf(saturations));
        }

        private void arrive(Case c, Instant now) {
            c.budgetEnds = SendBackRules.budgetEnds(policy, c.replay.incident(), now, null);
            c.breachAt = breachTargets.breachAt(c.replay.incident());
            route(c, now);
        }

        /** The live loop's routeNext: the same rules, applied to memory instead of the database. */
        private void route(Case c, Instant now) {
            SendBackRules.Precheck precheck = SendBackRules.precheck(policy, c.replay.incident(), c.budgetEnds, now,
                    directory, c.offers);
            if (precheck instanceof SendBackRules.SendBack back) {
                sendBack(c, back.reason(), now);
                return;
            }
            List<CommunityService> services = ((SendBackRules.Route) precheck).services();
            Map<String, Capacity> live = new LinkedHashMap<>();
            for (CommunityService service : services) {
                Places p = places.get(service.id());
                live.put(service.id(), p == null ? Capacity.unknown() : new Capacity(Capacity.Rag.GREEN, p.left, now));
            }
            SendBackRules.NextStep next = SendBackRules.unlessBreachPassed(policy, c.breachAt, SendBackRules.next(router,
                    policy, c.replay.incident(), c.budgetEnds, now, services, live, c.offers), now);
            if (next instanceof SendBackRules.OfferTo to) {
                if (c.ruleId == null) {
                    c.ruleId = to.decision().ruleId();
                }
                offer(c, to.service(), to.deadline(), now);
            } else {
                SendBackRules.SendBack back = (SendBackRules.SendBack) next;
                if (c.ruleId == null && back.decision() != null) {
                    c.ruleId = back.decision().ruleId();
                }
                sendBack(c, back.reason(), now);
            }
        }

        private void offer(Case c, CommunityService service, Instant deadline, Instant now) {
            Offer offer = new Offer(new UUID(1, ++ids), c.id, c.offers.size() + 1, service.id(), service.odsCode(),
                    OfferStatus.REQUESTED, null, now, deadline, null, now, 1);
            c.offers.add(offer);
            schedule(deadline, Kind.DEADLINE, c, offer, null, null);
            ProviderAnswers.Answer answer = answers.answer(offer, service, c.replay.incident());
            Duration after = answer instanceof ProviderAnswers.Accept a ? a.after()
                    : answer instanceof ProviderAnswers.Reject r ? r.after() : null;
            // An answer at or after the deadline comes too late: the offer has already failed by then.
            if (after != null && now.plus(after).isBefore(deadline)) {
                schedule(now.plus(after), Kind.ANSWER, c, offer, answer, null);
            }
        }

        private void answered(Case c, Offer offer, ProviderAnswers.Answer answer, Instant now) {
            if (!isOpen(c, offer)) {
                return;
            }
            if (answer instanceof ProviderAnswers.Accept) {
                Places p = places.get(offer.serviceId());
                if (p != null && p.left <= 0) {
                    close(c, offer, OfferStatus.REJECTED, new OfferStatusReason(OfferStatusReason.DOS_SYSTEM, "22", null), now);
                    route(c, now);
                    return;
                }
                close(c, offer, OfferStatus.ACCEPTED, null, now);
                usePlace(offer.serviceId(), now);
                CommunityService service = byId.get(offer.serviceId());
                c.outcome = outcome(c, true, service.type().code(), null, now);
            } else {
                close(c, offer, OfferStatus.REJECTED, ((ProviderAnswers.Reject) answer).reason(), now);
                route(c, now);
            }
        }

        private void deadline(Case c, Offer offer, Instant now) {
            if (!isOpen(c, offer)) {
                return;
            }
            close(c, offer, OfferStatus.FAILED, OfferStatusReason.TIMED_OUT, now);
            route(c, now);
        }

        private void sendBack(Case c, SendBackReason reason, Instant now) {
            c.outcome = outcome(c, false, null, reason, now);
        }

        private boolean isOpen(Case c, Offer offer) {
            return c.outcome == null && c.offers.get(offer.sequence() - 1).status().isOpen();
        }

        private void close(Case c, Offer offer, OfferStatus status, OfferStatusReason reason, Instant now) {
            c.offers.set(offer.sequence() - 1, new Offer(offer.id(), offer.referralId(), offer.sequence(),
                    offer.serviceId(), offer.odsCode(), status, reason, offer.offeredAt(), offer.deadlineAt(), now, now,
                    offer.version() + 1));
        }

        private void usePlace(String serviceId, Instant now) {
            Places p = places.get(serviceId);
            if (p == null) {
                return;
            }
            p.left--;
            if (p.left == 0) {
                p.fullSince = now;
                p.episodes++;
                if (p.firstFull == null) {
                    p.firstFull = now;
                }
            }
            schedule(now.plus(capacity.get(serviceId).care()), Kind.PLACE_FREED, null, null, null, serviceId);
        }

        private void freePlace(String serviceId, Instant now) {
            Places p = places.get(serviceId);
            if (p.left == 0 && p.fullSince != null) {
                p.full = p.full.plus(Duration.between(p.fullSince, now));
                p.fullSince = null;
            }
            p.left++;
        }

        private ReferralOutcome outcome(Case c, boolean accepted, String serviceType, SendBackReason reason,
                Instant now) {
            List<OfferOutcome> offers = c.offers.stream().map(o -> new OfferOutcome(o.serviceId(),
                    byId.get(o.serviceId()).type().code(), o.status().code(),
                    o.reason() == null ? null : o.reason().code(), o.offeredAt(), o.answeredAt())).toList();
            var incident = c.replay.incident();
            return new ReferralOutcome(incident.incidentId(), incident.receivedAt(), incident.category().code(),
                    c.ruleId, offers, accepted, serviceType, reason, now, c.replay.conveyanceLikelihood());
        }

        private void schedule(Instant at, Kind kind, Case c, Offer offer, ProviderAnswers.Answer answer,
                String serviceId) {
            queue.add(new Event(at, sequence++, kind, c, offer, answer, serviceId));
        }
    }
}
