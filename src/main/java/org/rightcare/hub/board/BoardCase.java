package org.rightcare.hub.board;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.ops.ReferralTimeline;
import org.rightcare.hub.ops.ReferralTimelineRepository;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.routing.ReferralRoutes;
import org.rightcare.hub.routing.RoutingDecision;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Roles;
import org.rightcare.hub.stack.CaseView;
import org.rightcare.hub.stack.ClinicalStack;
import org.rightcare.hub.support.WallClock;

import io.smallrye.mutiny.Uni;

/**
 * One case as the board shows it to a person: the clinical picture (never who the patient is), and, for those who may
 * see the route, every service considered with why it was chosen or excluded, the offers, and the timeline. A
 * provider looking at its stack sees the clinical picture only, as the FHIR API's stack view does.
 */
@ApplicationScoped
public class BoardCase {

    private static final java.util.Set<String> ROUTING_TABLE_KEYS = java.util.Set.of("candidates", "exclusions");

    /** A service the router considered: chosen (in offer order) or excluded, and why. */
    public record Considered(String service, String type, boolean chosen, String why) {
    }

    /** An offer to one service and its answer. */
    public record OfferLine(UUID id, int sequence, String service, String status, String reason, String offeredAt,
            boolean answerable) {
    }

    /** Something that happened to the case, as operators see it. */
    public record Event(String at, String kind, String detail) {
    }

    public record Model(UUID id, String category, String state, String ageBand, String gender, String complaint,
            String district, String dispatchState, Integer news2, Integer frailty, String notes, List<String> codes,
            String waiting, String timeToBreach, boolean fullView, List<Considered> considered, List<OfferLine> offers,
            List<Event> timeline, List<CommunityService> claimableWith, boolean mayBeSentBack) {

        public boolean claimable() {
            return !claimableWith.isEmpty();
        }
    }

    private final ReferralRoutes routes;
    private final ReferralTimelineRepository timelines;
    private final ClinicalStack stack;
    private final BoardStack board;
    private final Clock clock;

    public BoardCase(ReferralRoutes routes, ReferralTimelineRepository timelines, ClinicalStack stack, BoardStack board,
            Clock clock) {
        this.routes = routes;
        this.timelines = timelines;
        this.stack = stack;
        this.board = board;
        this.clock = clock;
    }

    /** Empty when the case does not exist or the person's organisation may not see it. */
    public Uni<Optional<Model>> forCaller(Caller caller, UUID referralId) {
        Instant now = clock.instant();
        return routes.byId(referralId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<Model> empty());
            }
            Referral referral = found.get().referral();
            List<Offer> all = found.get().route().offers();
            CaseView view = stack.viewFor(caller, referral, all, now);
            if (view == CaseView.NONE) {
                return Uni.createFrom().item(Optional.<Model> empty());
            }
            Uni<List<Event>> timeline = caller.isHubStaff()
                    ? timelines.timeline(referralId).map(t -> t.map(BoardCase::events).orElse(List.of()))
                    : Uni.createFrom().item(List.of());
            Optional<RoutingDecision> decision = caller.isHubStaff() ? found.get().route().latestDecision()
                    : Optional.empty();
            return timeline.map(events -> Optional.of(model(caller, view, referral, all, decision, events, now)));
        });
    }

    private Model model(Caller caller, CaseView view, Referral referral, List<Offer> all,
            Optional<RoutingDecision> decision, List<Event> events, Instant now) {
        Incident incident = referral.incident();
        LocalDate today = now.atZone(WallClock.ZONE).toLocalDate();
        List<OfferLine> offers = view == CaseView.FULL ? all.stream()
                .filter(o -> caller.isHubStaff() || o.odsCode().equals(caller.organisation()))
                .map(o -> new OfferLine(o.id(), o.sequence(), board.serviceName(o.serviceId()), o.status().code(),
                        o.reason() == null ? "" : reasonText(o.reason()), BoardFormat.time(o.offeredAt()),
                        caller.isProvider() && o.odsCode().equals(caller.organisation()) && o.status().isOpen()))
                .toList() : List.of();
        List<Considered> considered = new ArrayList<>();
        decision.ifPresent(d -> {
            d.candidates().forEach(c -> considered.add(new Considered(c.serviceName(), c.serviceType(), true,
                    c.reason())));
            d.exclusions().forEach(e -> considered.add(new Considered(e.serviceName(), e.serviceType(), false,
                    e.reason().name().toLowerCase().replace('_', ' ')
                            + (e.detail() == null ? "" : ": " + e.detail()))));
        });
        Incident.Clinical clinical = incident.clinical();
        boolean open = !referral.status().isTerminal();
        return new Model(referral.id(), incident.category().code(), referral.status().wireValue(),
                BoardStack.ageBand(incident.patient() == null ? null : incident.patient().ageOn(today)),
                incident.patient() == null || incident.patient().gender() == null ? "not recorded"
                        : incident.patient().gender(),
                BoardStack.complaint(incident), BoardStack.district(incident),
                incident.dispatchState() == null ? "" : incident.dispatchState().toString().toLowerCase(),
                clinical == null ? null : clinical.news2(), clinical == null ? null : clinical.clinicalFrailtyScale(),
                // Free text may name people or places: the stack view leaves it out, as the FHIR API's does.
                view != CaseView.FULL || clinical == null || clinical.notes() == null ? "" : clinical.notes(),
                incident.codes().stream().map(c -> c.code()).collect(Collectors.toList()),
                BoardFormat.duration(java.time.Duration.between(incident.receivedAt(), now)),
                open ? BoardFormat.duration(java.time.Duration.between(now, referral.breachAt())) : "",
                view == CaseView.FULL, considered, offers, events,
                caller.isProvider() ? stack.claimableBy(caller.organisation(), referral, now) : List.of(),
                open && caller.has(Roles.HUB_CLINICIAN));
    }

    private static List<Event> events(ReferralTimeline timeline) {
        // The routing decision's candidates and exclusions have a table of their own above the timeline.
        return timeline.timeline().stream().map(e -> new Event(BoardFormat.time(e.at()), e.kind(), e.detail()
                .entrySet().stream().filter(d -> !ROUTING_TABLE_KEYS.contains(d.getKey()))
                .map(d -> d.getKey() + ": " + d.getValue()).collect(Collectors.joining(", ")))).toList();
    }

    private static String reasonText(OfferStatusReason reason) {
        return reason.display() == null ? reason.code() : reason.display() + " (" + reason.code() + ")";
    }
}
