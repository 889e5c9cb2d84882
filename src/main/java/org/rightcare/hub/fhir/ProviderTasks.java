package org.rightcare.hub.fhir;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.offers.OfferStatusReason;

/**
 * What the hub reads from a Task a provider sends, the other way from {@link TaskRenderer}: the status it asks for
 * and the reason it gives when it answers an offer; the ServiceRequest and the service when it claims a case. Only
 * these elements are read; everything else in the Task is the hub's to say.
 */
public final class ProviderTasks {

    /** The input type naming the HealthcareService that claims a case, when several of the caller's could. */
    public static final String SERVICE_INPUT = "healthcare-service";

    private ProviderTasks() {
    }

    /** The offer status the Task asks for; empty when it has none, or none a provider may set. */
    public static Optional<OfferStatus> status(Task task) {
        return task.hasStatus() ? OfferStatus.fromCode(task.getStatus().toCode()) : Optional.empty();
    }

    /** The statusReason: its NHS rejection code when it has one, else its first coding; null when none. */
    public static OfferStatusReason reason(Task task) {
        if (!task.hasStatusReason()) {
            return null;
        }
        String text = task.getStatusReason().getText();
        for (Coding coding : task.getStatusReason().getCoding()) {
            OfferStatusReason reason = new OfferStatusReason(coding.getSystem(), coding.getCode(), text);
            if (reason.isProviderRejectionCode()) {
                return reason;
            }
        }
        Coding first = task.getStatusReason().getCodingFirstRep();
        return new OfferStatusReason(first.getSystem(), first.getCode(), text);
    }

    /** The referral a claim's focus names (its ServiceRequest); empty when the focus names none. */
    public static Optional<UUID> claimedReferral(Task task) {
        return Optional.ofNullable(task.getFocus().getReference())
                .flatMap(reference -> References.idOf(reference, "ServiceRequest"))
                .flatMap(ReferralResourceIds::referralIdOf);
    }

    /** The HealthcareService a claim names as its {@value #SERVICE_INPUT} input, or null. */
    public static String claimedService(Task task) {
        return task.getInput().stream()
                .filter(input -> SERVICE_INPUT.equals(input.getType().getText())
                        || input.getType().getCoding().stream().anyMatch(c -> SERVICE_INPUT.equals(c.getCode())))
                .map(input -> input.getValue() instanceof Reference reference ? reference.getReference() : null)
                .filter(Objects::nonNull)
                .findFirst()
                .flatMap(reference -> References.idOf(reference, "HealthcareService"))
                .orElse(null);
    }
}
