package org.rightcare.hub.stack;

import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralStatus;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.support.WallClock;

/**
 * The clinical stack: the open category 3 and 4 referrals that community services may look through and claim,
 * instead of waiting for the router to offer them (what South East Coast Ambulance Service's portal replaced its
 * daily touchpoint calls with). A provider's stack holds the cases that one of its active services is eligible for
 * and whose location it covers. A claim is refused for a service that is closed now or not eligible for the case
 * ({@link #whyNotClaimable}); capacity stays the team's own judgement when it claims.
 */
@ApplicationScoped
public class ClinicalStack {

    /** The categories on the stack: urgent and less urgent calls, where a community response is often better. */
    public static final Set<ArpCategory> CATEGORIES = EnumSet.of(ArpCategory.C3, ArpCategory.C4, ArpCategory.C4T);

    private final ServiceDirectory directory;

    public ClinicalStack(ServiceDirectory directory) {
        this.directory = directory;
    }

    /** Whether the referral is on the stack at all: open, and of a stack category. */
    public static boolean isOnStack(Referral referral) {
        return (referral.status() == ReferralStatus.ROUTING || referral.status() == ReferralStatus.OFFERED)
                && CATEGORIES.contains(referral.incident().category());
    }

    /** The organisation's services that may claim the referral now; empty when it is not on their stack. */
    public List<CommunityService> claimableBy(String odsCode, Referral referral, Instant now) {
        return isOnStack(referral) ? eligibleServices(odsCode, referral, now) : List.of();
    }

    /**
     * The organisation's active services eligible for the referral's patient and place, whether or not the case is
     * still open: a case that one of them could have claimed was on its stack, so it may be told the case has gone.
     */
    public List<CommunityService> eligibleServices(String odsCode, Referral referral, Instant now) {
        if (!CATEGORIES.contains(referral.incident().category())) {
            return List.of();
        }
        LocalDate today = now.atZone(WallClock.ZONE).toLocalDate();
        return directory.services().stream()
                .filter(service -> service.odsCode().equals(odsCode) && service.active())
                .filter(service -> service.eligibility().whyNotEligible(referral.incident(), today).isEmpty())
                .filter(service -> service.catchment().covers(referral.incident().location()))
                .toList();
    }

    /** The organisation's service with that id, if it has one. */
    public Optional<CommunityService> serviceOf(String odsCode, String serviceId) {
        return directory.services().stream()
                .filter(service -> service.id().equals(serviceId) && service.odsCode().equals(odsCode)).findFirst();
    }

    /**
     * Why the service may not take the case now, or empty when it may: it is inactive, not eligible for the patient,
     * does not cover the location, or is closed now (a claim by a closed team would hold a patient nobody attends
     * until it opens). The case's own state (open, on the stack) is the caller's to check.
     */
    public Optional<String> whyNotClaimable(CommunityService service, Referral referral, Instant now) {
        if (!service.active()) {
            return Optional.of("Service " + service.id() + " is not active");
        }
        LocalDate today = now.atZone(WallClock.ZONE).toLocalDate();
        Optional<String> notEligible = service.eligibility().whyNotEligible(referral.incident(), today);
        if (notEligible.isPresent()) {
            return Optional.of("Service " + service.id() + " is not eligible for this case: " + notEligible.get());
        }
        if (!service.catchment().covers(referral.incident().location())) {
            return Optional.of("Service " + service.id() + " does not cover the patient's location");
        }
        if (!service.openingHours().isOpenAt(now)) {
            return Optional.of("Service " + service.id() + " is closed now"
                    + service.openingHours().nextChangeAfter(now)
                            .map(opens -> "; it opens at " + opens.atZone(WallClock.ZONE).toLocalDateTime())
                            .orElse(""));
        }
        return Optional.empty();
    }

    /**
     * How much of the referral the caller may see: all of it for the hub's staff and for a provider that was offered
     * it (even if it declined: it saw the case then); the stack view for a provider that could claim it; else none.
     *
     * @param offers every offer of the referral
     */
    public CaseView viewFor(Caller caller, Referral referral, List<Offer> offers, Instant now) {
        if (caller.isHubStaff()) {
            return CaseView.FULL;
        }
        if (!caller.isProvider()) {
            return CaseView.NONE;
        }
        if (offers.stream().anyMatch(offer -> offer.odsCode().equals(caller.organisation()))) {
            return CaseView.FULL;
        }
        return claimableBy(caller.organisation(), referral, now).isEmpty() ? CaseView.NONE : CaseView.STACK;
    }
}
