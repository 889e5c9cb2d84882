package org.rightcare.hub.board;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralQuery;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.referral.ReferralStatus;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.stack.CaseView;
import org.rightcare.hub.stack.ClinicalStack;
import org.rightcare.hub.support.WallClock;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The board's stack as a work queue: the referrals a signed-in person's organisation may see
 * ({@link ClinicalStack#viewFor}), open ones first and apart, the most urgent on top (soonest to breach, then the
 * higher category), with what a clinician scans for (category in colour and words, age band, complaint, district,
 * time waiting, time to breach, the answer-by time of an open offer, state in words) and never who the patient is.
 * Cases that were accepted or sent back stay for an hour, collapsed under counts per state and per category, so a
 * team sees where the ones it did not take went.
 */
@ApplicationScoped
public class BoardStack {

    /** More than a busy hub holds open at once; the board shows the most urgent this many. */
    static final int LIMIT = 500;

    private static final Duration RECENTLY_CLOSED = Duration.ofHours(1);

    /**
     * One line of the stack. {@code serviceTypes} are the codes of the directory's services that could take it;
     * {@code answerBy} is when the open offer the person may see must be answered (null when none), and
     * {@code offeredToMe} whether that offer is to the person's own organisation.
     */
    public record Row(UUID id, ArpCategory arp, String ageBand, String complaint, String district, String waiting,
            Instant breachAt, String timeToBreach, boolean breached, String state, boolean open, Set<String> serviceTypes,
            Instant answerBy, String answerByText, boolean offeredToMe) {

        public String category() {
            return arp.code();
        }

        public String categoryWords() {
            return BoardWords.category(arp);
        }

        public long breachAtMillis() {
            return breachAt.toEpochMilli();
        }

        public long answerByMillis() {
            return answerBy == null ? 0 : answerBy.toEpochMilli();
        }
    }

    /** A count under a label, for the summaries above and below the queue. */
    public record Count(String label, long count) {
    }

    /** The whole stack as the page shows it: the queue, the finished cases, and their counts. */
    public record Stack(List<Row> open, List<Row> finished, List<Count> openByCategory, List<Count> finishedByState,
            List<Count> finishedByCategory, long serverNowMillis) {
    }

    /** What the person narrowed the stack to; null or blank for everything. */
    public record Filter(String serviceType, String district) {

        boolean matches(Row row) {
            return (serviceType == null || serviceType.isBlank() || row.serviceTypes().contains(serviceType))
                    && (district == null || district.isBlank() || row.district().equalsIgnoreCase(district.trim()));
        }
    }

    /** Most urgent first: soonest to breach, then the higher category (C3 before C4). */
    static final Comparator<Row> URGENCY = Comparator.comparing(Row::breachAt)
            .thenComparing(row -> row.arp().ordinal());

    private final Pool pool;
    private final ReferralRepository referrals;
    private final OfferRepository offers;
    private final ClinicalStack stack;
    private final ServiceDirectory directory;
    private final Clock clock;

    public BoardStack(Pool pool, ReferralRepository referrals, OfferRepository offers, ClinicalStack stack,
            ServiceDirectory directory, Clock clock) {
        this.pool = pool;
        this.referrals = referrals;
        this.offers = offers;
        this.stack = stack;
        this.directory = directory;
        this.clock = clock;
    }

    public Uni<Stack> stack(Caller caller, Filter filter) {
        Instant now = clock.instant();
        return rows(caller, filter, now).map(rows -> {
            List<Row> open = rows.stream().filter(Row::open).sorted(URGENCY).toList();
            List<Row> finished = rows.stream().filter(r -> !r.open())
                    .sorted(Comparator.comparing(Row::breachAt).reversed()).toList();
            return new Stack(open, finished, counts(open, Row::categoryWords), counts(finished, Row::state),
                    counts(finished, Row::categoryWords), now.toEpochMilli());
        });
    }

    private static List<Count> counts(List<Row> rows, java.util.function.Function<Row, String> label) {
        Map<String, Long> counted = rows.stream()
                .collect(Collectors.groupingBy(label, TreeMap::new, Collectors.counting()));
        return counted.entrySet().stream().map(e -> new Count(e.getKey(), e.getValue())).toList();
    }

    private Uni<List<Row>> rows(Caller caller, Filter filter, Instant now) {
        String offeredTo = caller.isHubStaff() ? null : caller.organisation();
        Set<ArpCategory> stackCategories = caller.isHubStaff() ? null : ClinicalStack.CATEGORIES;
        ReferralQuery closed = new ReferralQuery(null, EnumSet.of(ReferralStatus.ACCEPTED, ReferralStatus.SENT_BACK),
                null, null, offeredTo, null, List.of(now.minus(RECENTLY_CLOSED)), List.of(), false, null, LIMIT);
        if (!caller.isHubStaff() && !caller.isProvider()) {
            return Uni.createFrom().item(List.of());
        }
        // Open ones soonest to breach first, so that a cut at the limit never drops the most urgent.
        return referrals.openSoonestToBreach(offeredTo, stackCategories, LIMIT)
                .chain(openOnes -> referrals.search(closed).map(closedOnes -> {
                    List<Referral> all = new ArrayList<>(openOnes);
                    all.addAll(closedOnes);
                    return all;
                })).chain(all -> offers.findByReferrals(pool, all.stream().map(Referral::id).toList()).map(byReferral -> all
                        .stream()
                        .map(referral -> row(caller, referral, byReferral.getOrDefault(referral.id(), List.of()), now))
                        .flatMap(Optional::stream)
                        .filter(filter::matches)
                        .limit(LIMIT)
                        .toList()));
    }

    /** The service types a filter may pick from: those of the caller's own services, or all for the hub's staff. */
    public List<ServiceType> serviceTypes(Caller caller) {
        return directory.services().stream()
                .filter(s -> caller.isHubStaff() || s.odsCode().equals(caller.organisation()))
                .map(CommunityService::type).distinct().sorted().toList();
    }

    private Optional<Row> row(Caller caller, Referral referral, List<Offer> all, Instant now) {
        CaseView view = stack.viewFor(caller, referral, all, now);
        if (view == CaseView.NONE) {
            return Optional.empty();
        }
        Incident incident = referral.incident();
        LocalDate today = now.atZone(WallClock.ZONE).toLocalDate();
        Set<String> types = directory.services().stream().filter(CommunityService::active)
                .filter(s -> s.eligibility().whyNotEligible(incident, today).isEmpty())
                .filter(s -> s.catchment().covers(incident.location()))
                .map(s -> s.type().code()).collect(Collectors.toSet());
        Duration left = Duration.between(now, referral.breachAt());
        boolean open = !referral.status().isTerminal();
        Optional<Offer> openOffer = visibleOffers(caller, view, all).stream().filter(o -> o.status().isOpen())
                .max(Comparator.comparingInt(Offer::sequence));
        Instant answerBy = open ? openOffer.map(Offer::deadlineAt).orElse(null) : null;
        boolean offeredToMe = openOffer.filter(o -> caller.isProvider() && o.odsCode().equals(caller.organisation()))
                .isPresent();
        return Optional.of(new Row(referral.id(), incident.category(),
                ageBand(incident.patient() == null ? null : incident.patient().ageOn(today)), complaint(incident),
                district(incident), BoardFormat.duration(Duration.between(incident.receivedAt(), now)),
                referral.breachAt(), open ? BoardFormat.duration(left.abs()) : "", open && left.isNegative(),
                state(caller, view, referral, all), open, types, answerBy,
                answerBy == null ? "" : BoardFormat.until(now, answerBy), open && offeredToMe));
    }

    private static List<Offer> visibleOffers(Caller caller, CaseView view, List<Offer> all) {
        return view == CaseView.FULL && !caller.isHubStaff()
                ? all.stream().filter(o -> o.odsCode().equals(caller.organisation())).toList()
                : view == CaseView.FULL ? all : List.of();
    }

    private String state(Caller caller, CaseView view, Referral referral, List<Offer> all) {
        Optional<Offer> latest = visibleOffers(caller, view, all).stream()
                .max(Comparator.comparingInt(Offer::sequence));
        boolean mine = latest.filter(o -> caller.isProvider() && o.odsCode().equals(caller.organisation()))
                .isPresent();
        return switch (referral.status()) {
            case ROUTING -> "Finding a service";
            case OFFERED -> latest.filter(o -> o.status().isOpen())
                    .map(o -> mine ? "Offered to you (" + serviceName(o.serviceId()) + ")"
                            : "Offered to " + serviceName(o.serviceId()))
                    .orElse(caller.isProvider() ? "Offered to another service" : "Offered");
            case ACCEPTED -> latest.filter(o -> o.status().holdsReferral())
                    .map(o -> "Accepted by " + serviceName(o.serviceId()))
                    .orElse(caller.isProvider() ? "Accepted by another service" : "Accepted");
            case SENT_BACK -> "Sent back: " + BoardWords.sendBackReason(referral.sendBackReason());
            default -> BoardWords.referralState(referral.status());
        };
    }

    String serviceName(String serviceId) {
        return directory.services().stream().filter(s -> s.id().equals(serviceId)).map(CommunityService::name)
                .findFirst().orElse(serviceId);
    }

    static String ageBand(Integer age) {
        if (age == null) {
            return "unknown";
        }
        if (age < 18) {
            return "under 18";
        }
        if (age >= 90) {
            return "90+";
        }
        int low = age / 10 * 10;
        return low < 20 ? "18-19" : low + "-" + (low + 9);
    }

    static String complaint(Incident incident) {
        Incident.Coding coding = incident.presentingComplaint();
        if (coding == null) {
            return "not recorded";
        }
        return coding.display() != null && !coding.display().isBlank() ? coding.display() : coding.code();
    }

    /** The outward part of the postcode: where, to a district, without the street. */
    static String district(Incident incident) {
        if (incident.location() == null || incident.location().postcode() == null) {
            return "unknown";
        }
        return incident.location().postcode().trim().split("\\s+")[0].toUpperCase();
    }
}
