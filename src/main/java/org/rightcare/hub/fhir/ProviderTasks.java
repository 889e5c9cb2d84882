package org.rightcare.hub.fhir;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.referral.CareOutcome;

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

    /**
     * The service's final answer as a completed Task's output states it: codings of each output's
     * {@code valueCodeableConcept} (a Pathways disposition, an ARP category), and its texts and {@code valueString}s
     * as the summary; null when the Task has no output.
     */
    public static CareOutcome outcome(Task task) {
        if (!task.hasOutput()) {
            return null;
        }
        List<String[]> codings = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Task.TaskOutputComponent output : task.getOutput()) {
            if (output.getValue() instanceof CodeableConcept concept) {
                concept.getCoding().forEach(c -> codings.add(new String[] { c.getSystem(), c.getCode(), c.getDisplay() }));
                if (concept.hasText()) {
                    texts.add(concept.getText());
                }
            } else if (output.getValue() instanceof StringType text) {
                texts.add(text.getValue());
            }
        }
        return CareOutcome.read(codings, texts);
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
