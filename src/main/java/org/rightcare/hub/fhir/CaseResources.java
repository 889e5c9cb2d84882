package org.rightcare.hub.fhir;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.Resource;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.routing.ReferralRoute;
import org.rightcare.hub.routing.RoutingDecision;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.stack.CaseView;
import org.rightcare.hub.stack.ClinicalStack;

/**
 * A referral's FHIR resources as one caller may see them ({@link ClinicalStack#viewFor}): the hub's staff see the
 * whole route with every service considered; a provider that was offered the case sees it in full but only its own
 * offers; a provider looking at its stack sees the redacted stack view; anyone else sees nothing.
 */
@ApplicationScoped
public class CaseResources {

    private final ReferralRenderer renderer;
    private final ClinicalStack stack;
    private final Clock clock;

    public CaseResources(ReferralRenderer renderer, ClinicalStack stack, Clock clock) {
        this.renderer = renderer;
        this.stack = stack;
        this.clock = clock;
    }

    /** The ServiceRequest first; empty when the caller may not see the referral at all. */
    public List<Resource> visibleTo(Caller caller, Referral referral, List<Offer> offers,
            Optional<RoutingDecision> latestDecision) {
        CaseView view = stack.viewFor(caller, referral, offers, clock.instant());
        return switch (view) {
            case NONE -> List.of();
            case STACK -> StackViewRedaction.redact(renderer.render(referral, ReferralRoute.NONE));
            case FULL -> renderer.render(referral, caller.isHubStaff()
                    ? new ReferralRoute(latestDecision, offers)
                    : new ReferralRoute(Optional.empty(), offers.stream()
                            .filter(offer -> offer.odsCode().equals(caller.organisation())).toList()));
        };
    }
}
