package org.rightcare.hub.board;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferRepository;
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
 * The board's stack: the referrals a signed-in person's organisation may see ({@link ClinicalStack#viewFor}), open
 * ones first, soonest to breach first, with what a clinician scans for (category, age band, complaint, district, time waiting,
 * time to breach, state) and never who the patient is. Cases that were accepted or sent back stay on it for an hour,
 * so a team sees where the ones it did not take went.
 */
@ApplicationScoped
public class BoardStack {

    /** More than a busy hub holds open at once; the board shows the most urgent this many. */
    static final int LIMIT = 500;

    private static final Duration RECENTLY_CLOSED = Duration.ofHours(1);

    /** One line of the stack. {@code serviceTypes} are the codes of the directory's services that could take it. */
    public record Row(UUID id, String category, String ageBand, String complaint, String district, String waiting,
            String timeToBreach, boolean breached, String state, boolean open, Set<String> serviceTypes,
            Instant breachAt) {
    }

    /** What the person narrowed the stack to; null or blank for everything. */
    public record Filter(String serviceType, String district) {

        boolean matches(Row row) {
            return (serviceType == null || serviceType.isBlank() || row.serviceTypes().contains(serviceType))
                    && (district == null || district.isBlank() || row.district().equalsIgnoreCase(district.trim()));
        }
    }

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

    public Uni<List<Row>> rows(Caller caller, Filter filter) {
        Instant now = clock.instant();
        String offeredTo = caller.isHubStaff() ? null : caller.organisation();
        Set<org.rightcare.hub.referral.ArpCategory> stackCategories = caller.isHubStaff() ? null : ClinicalStack.CATEGORIES;
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
                        .sorted(Comparator.comparing(Row::open).reversed().thenComparing(Row::breachAt))
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
        return Optional.of(new Row(referral.id(), incident.category().code(),
                ageBand(incident.patient() == null ? null : incident.patient().ageOn(today)), complaint(incident),
                district(incident), BoardFormat.duration(Duration.between(incident.receivedAt(), now)),
                open ? BoardFormat.duration(left.abs()) : "", open && left.isNegative(),
                state(caller, view, referral, all), open, types, referral.breachAt()));
    }

    private String state(Caller caller, CaseView view, Referral referral, List<Offer> all) {
        List<Offer> visible = view == CaseView.FULL && !caller.isHubStaff()
                ? all.stream().filter(o -> o.odsCode().equals(caller.organisation())).toList()
                : view == CaseView.FULL ? all : List.of();
        Optional<Offer> latest = visible.stream().max(Comparator.comparingInt(Offer::sequence));
        return switch (referral.status()) {
            case ROUTING -> "routing";
            case OFFERED -> latest.filter(o -> o.status().isOpen())
                    .map(o -> "offered to " + serviceName(o.serviceId())).orElse("offered");
            case ACCEPTED -> latest.filter(o -> o.status().holdsReferral())
                    .map(o -> "accepted by " + serviceName(o.serviceId())).orElse("accepted");
            case SENT_BACK ->
                "sent back" + (referral.sendBackReason() == null ? "" : " (" + referral.sendBackReason().code() + ")");
            default -> referral.status().wireValue();
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
