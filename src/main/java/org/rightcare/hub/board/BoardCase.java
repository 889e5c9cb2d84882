package org.rightcare.hub.board;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.ops.ReferralTimeline;
import org.rightcare.hub.ops.ReferralTimelineRepository;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralStatus;
import org.rightcare.hub.routing.ReferralRoutes;
import org.rightcare.hub.routing.RoutingDecision;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Roles;
import org.rightcare.hub.stack.CaseView;
import org.rightcare.hub.stack.ClinicalStack;
import org.rightcare.hub.support.WallClock;

import io.smallrye.mutiny.Uni;

/**
 * One case as the board shows it to a person: the clinical picture in words (never who the patient is), the one
 * action that fits (answer an offer the person's team holds; else claim it for a service of theirs that is open now
 * and eligible; the hub's clinician may send it back), and, for those who may see the route, every service
 * considered with why, the offers, and the timeline. A provider looking at its stack sees the clinical picture only,
 * as the FHIR API's stack view does. Delivery internals (ids, attempts, errors) are for the hub's administrators.
 */
@ApplicationScoped
public class BoardCase {

    /** A service the router considered: chosen (in offer order) or excluded, and why. */
    public record Considered(String service, String type, boolean chosen, String why) {
    }

    /** An offer to one service and its answer, in words. */
    public record OfferLine(UUID id, int sequence, String service, String status, String reason, String offeredAt,
            String answerBy, long answerByMillis, boolean open, boolean answerable) {
    }

    /** Something that happened to the case, in a sentence. */
    public record Event(String at, String what) {
    }

    /**
     * A claim would end this open offer to another team: the person is told before confirming. {@code myOffer} is
     * the open offer the person's team may answer, and {@code otherHolder} another team's open offer; null when none.
     */
    public record OtherHolder(String service, String organisation) {
    }

    public record Model(UUID id, String category, String categoryWords, String state, ReferralStatus status,
            String ageBand, String gender, String complaint, String district, String dispatchState, Integer news2,
            Integer frailty, String notes, List<String> codes, String waiting, String breachAt, String timeToBreach,
            long breachAtMillis, boolean breached, boolean open, boolean fullView, List<Considered> considered,
            List<OfferLine> offers, List<Event> timeline, OfferLine myOffer, List<CommunityService> claimableWith,
            OtherHolder otherHolder, boolean mayBeSentBack, String sendBackReason, long nowMillis,
            Referral referral) {

        /** Claiming is offered only to a team that holds no open offer of the case: answering it comes first. */
        public boolean claimable() {
            return myOffer == null && !claimableWith.isEmpty();
        }

        public boolean sentBack() {
            return status == ReferralStatus.SENT_BACK;
        }
    }

    private final ReferralRoutes routes;
    private final ReferralTimelineRepository timelines;
    private final ClinicalStack stack;
    private final ServiceDirectory directory;
    private final BoardStack board;
    private final Clock clock;

    public BoardCase(ReferralRoutes routes, ReferralTimelineRepository timelines, ClinicalStack stack,
            ServiceDirectory directory, BoardStack board, Clock clock) {
        this.routes = routes;
        this.timelines = timelines;
        this.stack = stack;
        this.directory = directory;
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
                    ? timelines.timeline(referralId)
                            .map(t -> t.map(tl -> events(tl, caller.has(Roles.HUB_ADMIN))).orElse(List.of()))
                    : Uni.createFrom().item(List.of());
            Optional<RoutingDecision> decision = caller.isHubStaff() ? found.get().route().latestDecision()
                    : Optional.empty();
            return timeline.map(events -> Optional.of(model(caller, view, referral, all, decision, events, now)));
        });
    }

    /**
     * The caller's services that may claim the case now: on their stack, eligible, covering the place, and open at
     * this moment (a closed team cannot respond, so it is never offered the choice).
     */
    List<CommunityService> claimableNow(Caller caller, Referral referral, Instant now) {
        if (!caller.isProvider()) {
            return List.of();
        }
        return stack.claimableBy(caller.organisation(), referral, now).stream()
                .filter(s -> s.openingHours().isOpenAt(now)).toList();
    }

    private Model model(Caller caller, CaseView view, Referral referral, List<Offer> all,
            Optional<RoutingDecision> decision, List<Event> events, Instant now) {
        Incident incident = referral.incident();
        LocalDate today = now.atZone(WallClock.ZONE).toLocalDate();
        boolean open = !referral.status().isTerminal();
        List<OfferLine> offers = view == CaseView.FULL ? all.stream()
                .filter(o -> caller.isHubStaff() || o.odsCode().equals(caller.organisation()))
                .sorted(Comparator.comparingInt(Offer::sequence))
                .map(o -> offerLine(caller, o, now))
                .toList() : List.of();
        OfferLine mine = offers.stream().filter(OfferLine::answerable).findFirst().orElse(null);
        List<Considered> considered = new ArrayList<>();
        decision.ifPresent(d -> {
            d.candidates().forEach(c -> considered.add(new Considered(c.serviceName(), typeName(c.serviceType()), true,
                    c.reason())));
            d.exclusions().forEach(e -> considered.add(new Considered(e.serviceName(), typeName(e.serviceType()), false,
                    exclusion(e))));
            if (d.unlistedExclusions() > 0) {
                considered.add(new Considered(d.unlistedExclusions() + " more services", "", false,
                        d.unlistedCounts().entrySet().stream()
                                .map(c -> BoardWords.exclusion(c.getKey()) + ": " + c.getValue())
                                .collect(Collectors.joining("; "))
                                + " (not listed one by one: the directory has changed since this decision)"));
            }
        });
        OtherHolder otherHolder = caller.isProvider() ? all.stream()
                .filter(o -> o.status().isOpen() && !o.odsCode().equals(caller.organisation()))
                .findFirst()
                .map(o -> new OtherHolder(board.serviceName(o.serviceId()), directory.find(o.serviceId())
                        .map(CommunityService::organisationName).orElse(o.odsCode())))
                .orElse(null)
                : null;
        Incident.Clinical clinical = incident.clinical();
        Duration left = Duration.between(now, referral.breachAt());
        return new Model(referral.id(), incident.category().code(), BoardWords.category(incident.category()),
                BoardWords.referralState(referral.status()), referral.status(),
                BoardStack.ageBand(incident.patient() == null ? null : incident.patient().ageOn(today)),
                incident.patient() == null || incident.patient().gender() == null ? "Not recorded"
                        : incident.patient().gender(),
                BoardStack.complaint(incident), BoardStack.district(incident),
                BoardWords.dispatchState(incident.dispatchState()),
                clinical == null ? null : clinical.news2(), clinical == null ? null : clinical.clinicalFrailtyScale(),
                // Free text may name people or places: the stack view leaves it out, as the FHIR API's does.
                view != CaseView.FULL || clinical == null || clinical.notes() == null ? "" : clinical.notes(),
                incident.codes().stream().map(BoardWords::code).collect(Collectors.toList()),
                BoardFormat.duration(Duration.between(incident.receivedAt(), now)),
                BoardFormat.time(referral.breachAt()),
                open ? (left.isNegative() ? "Breached " + BoardFormat.until(now, referral.breachAt())
                        : BoardFormat.duration(left) + " left") : "",
                referral.breachAt().toEpochMilli(), open && left.isNegative(), open,
                view == CaseView.FULL, considered, offers, events, mine,
                claimableNow(caller, referral, now), otherHolder, open && caller.has(Roles.HUB_CLINICIAN),
                referral.status() == ReferralStatus.SENT_BACK ? BoardWords.sendBackReason(referral.sendBackReason())
                        : "",
                now.toEpochMilli(), referral);
    }

    private OfferLine offerLine(Caller caller, Offer o, Instant now) {
        boolean isOpen = o.status().isOpen();
        return new OfferLine(o.id(), o.sequence(), board.serviceName(o.serviceId()),
                BoardWords.offerState(o.status()), BoardWords.offerReason(o.reason()), BoardFormat.time(o.offeredAt()),
                isOpen && o.deadlineAt() != null ? BoardFormat.time(o.deadlineAt()) : "",
                isOpen && o.deadlineAt() != null ? o.deadlineAt().toEpochMilli() : 0, isOpen,
                caller.isProvider() && o.odsCode().equals(caller.organisation()) && isOpen);
    }

    private static String typeName(String code) {
        return org.rightcare.hub.directory.ServiceType.fromCode(code == null ? "" : code)
                .map(org.rightcare.hub.directory.ServiceType::display).orElse(code);
    }

    /** The reason in words, and the router's detail only where it adds to them ("closed now: closed now" does not). */
    private static String exclusion(RoutingDecision.Exclusion e) {
        String words = BoardWords.exclusion(e.reason());
        String detail = e.detail();
        if (detail == null || detail.isBlank()
                || detail.trim().equalsIgnoreCase(e.reason().name().replace('_', ' '))
                || detail.trim().equalsIgnoreCase(words)) {
            return words;
        }
        return words + ": " + detail;
    }

    /** Keys that only the hub's administrators need: how a delivery went, not what it said. */
    private static final Set<String> DELIVERY_INTERNALS = Set.of("deliveryId", "attempts", "lastError",
            "nextAttemptAt", "channel", "destination");

    private List<Event> events(ReferralTimeline timeline, boolean admin) {
        return timeline.timeline().stream().map(e -> {
            String what = sentence(e.kind(), e.detail());
            if (admin && ("cad-callback".equals(e.kind()) || "delivery".equals(e.kind()))) {
                String internals = e.detail().entrySet().stream()
                        .filter(d -> DELIVERY_INTERNALS.contains(d.getKey()) && d.getValue() != null)
                        .map(d -> d.getKey() + " " + d.getValue()).collect(Collectors.joining(", "));
                what = internals.isEmpty() ? what : what + " (" + internals + ")";
            }
            return new Event(BoardFormat.time(e.at()), what);
        }).toList();
    }

    private String sentence(String kind, Map<String, Object> d) {
        return switch (kind) {
            case "cad-event" -> "The ambulance service sent " + switch (String.valueOf(d.get("eventType"))) {
                case "incident.created" -> "the incident";
                case "incident.updated" -> "an update to the incident";
                case "incident.cancelled" -> "a cancellation";
                case "incident.closed" -> "the incident's closure";
                default -> "an event";
            };
            case "routing-decision" -> "The hub chose where to offer the case (rule " + d.get("ruleId") + ")";
            case "offer" -> "Offered to " + board.serviceName(String.valueOf(d.get("serviceId")))
                    + (d.get("deadlineAt") instanceof Instant at ? ", to answer by " + BoardFormat.time(at) : "");
            case "offer-answer" -> board.serviceName(String.valueOf(d.get("serviceId"))) + ": "
                    + OfferStatus.fromCode(String.valueOf(d.get("status"))).map(BoardWords::offerState)
                            .orElse("answered")
                    + (d.get("reasonCode") == null ? ""
                            : " (" + BoardWords.offerReason(new org.rightcare.hub.offers.OfferStatusReason(
                                    (String) d.get("reasonSystem"), (String) d.get("reasonCode"),
                                    (String) d.get("reasonText"))) + ")");
            case "cad-callback" -> "The ambulance service's system is told " + BoardWords.callback(
                    (String) d.get("callbackType")) + ": " + deliveryState(d);
            case "delivery" -> "The offer is sent to the team's system: " + deliveryState(d);
            case "audit" -> d.get("actor") + " " + String.valueOf(d.get("action")).replace('.', ' ').replace('-', ' ')
                    + (Objects.equals(d.get("outcome"), "success") ? "" : " (" + d.get("outcome") + ")");
            default -> kind;
        };
    }

    private static String deliveryState(Map<String, Object> d) {
        return switch (String.valueOf(d.get("state"))) {
            case "delivered" -> "acknowledged" + (d.get("deliveredAt") instanceof Instant at
                    ? " at " + BoardFormat.time(at)
                    : "");
            case "dead" -> "could not be delivered; the hub's operators are alerted";
            default -> d.get("withdrawnAt") != null ? "withdrawn" : "not acknowledged yet";
        };
    }
}
