package org.rightcare.hub.subscriptions;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.rightcare.hub.fhirapi.CapabilityContributor;

/**
 * What the CapabilityStatement says of subscriptions: {@code Subscription} with the interactions
 * {@link SubscriptionResource} serves, the Backport IG's profile and each topic's canonical
 * ({@code capabilitystatement-subscriptiontopic-canonical}); and the topics, readable as {@code Basic}
 * ({@link SubscriptionTopicResource}).
 */
@ApplicationScoped
public class SubscriptionCapabilities implements CapabilityContributor {

    static final String TOPIC_CANONICAL = NotificationBundles.BACKPORT
            + "capabilitystatement-subscriptiontopic-canonical";

    @Override
    public void contribute(CapabilityStatement statement, CapabilityStatementRestComponent rest, URI fhirBase) {
        CapabilityStatementRestResourceComponent subscription = rest.addResource();
        subscription.setType("Subscription").setProfile(SubscriptionFhir.PROFILE)
                .setDocumentation("A provider organisation's rest-hook subscriptions (FHIR R4 Subscriptions Backport "
                        + "IG): criteria one of the topics below, optionally narrowed to one of the organisation's "
                        + "services by backport-filter-criteria <focus>?service=HealthcareService/<id>; an https "
                        + "endpoint without channel.header; id-only payloads; backport-heartbeat-period in seconds. "
                        + "It is requested until its endpoint accepts the handshake, then active; error when the "
                        + "handshake could not be delivered. Only the owning organisation sees it.");
        for (TypeRestfulInteraction interaction : new TypeRestfulInteraction[] { TypeRestfulInteraction.CREATE,
                TypeRestfulInteraction.READ, TypeRestfulInteraction.UPDATE, TypeRestfulInteraction.SEARCHTYPE,
                TypeRestfulInteraction.DELETE }) {
            subscription.addInteraction().setCode(interaction);
        }
        subscription.setUpdateCreate(false);
        subscription.addSearchParam().setName("status").setType(SearchParamType.TOKEN)
                .setDocumentation("requested, active, error or off; several separated by commas");
        for (SubscriptionTopic topic : SubscriptionTopic.values()) {
            subscription.addExtension(TOPIC_CANONICAL, new CanonicalType(topic.canonical(fhirBase)));
        }

        rest.addResource().setType("Basic").setDocumentation("The subscription topics (Basic/offer, Basic/stack), as "
                + "the Subscriptions Backport IG represents SubscriptionTopic in R4.")
                .addInteraction().setCode(TypeRestfulInteraction.READ);
    }
}
