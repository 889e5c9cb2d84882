package org.rightcare.hub.whatif;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Function;

import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.referral.Incident;

/**
 * Providers that answer as their {@link ProviderBehaviour} says, drawing from one seeded source: silent, or after an
 * even draw from the answer range, declining in the reject share of cases and accepting otherwise.
 */
public final class ModelledProviders implements ProviderAnswers {

    private final Function<CommunityService, ProviderBehaviour> behaviour;
    private final SplittableRandom random;

    public ModelledProviders(Function<CommunityService, ProviderBehaviour> behaviour, long seed) {
        this.behaviour = behaviour;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public Answer answer(Offer offer, CommunityService service, Incident incident) {
        ProviderBehaviour b = behaviour.apply(service);
        // Every draw is made whatever the outcome, so one service's settings never shift another's answers.
        double silent = random.nextDouble();
        double reject = random.nextDouble();
        int range = b.answerMinutes().max() - b.answerMinutes().min();
        Duration after = Duration.ofSeconds(60L * b.answerMinutes().min() + random.nextInt(60 * range + 1));
        if (silent < b.silentShare()) {
            return new Silent();
        }
        return reject < b.rejectShare() ? new Reject(after, b.rejection()) : new Accept(after);
    }
}
