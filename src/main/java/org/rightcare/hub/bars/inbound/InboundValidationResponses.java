package org.rightcare.hub.bars.inbound;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.rightcare.hub.cascade.OfferAnswers;
import org.rightcare.hub.cascade.OfferAnswers.Answer;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.fhir.HubIdentifiers;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.referral.PatientIdentity;
import org.rightcare.hub.referral.ReferralRepository;

import ca.uhn.fhir.context.FhirContext;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;

/**
 * Acts on a provider's validated BaRS response: finds the offer it answers (the one whose validation request its
 * MessageHeader.response.identifier names, which must be an offer of the referral its ServiceRequest names to the
 * caller's organisation, to the service its source endpoint names) and gives the answer through
 * {@link OfferAnswers}, so the send-back loop runs exactly as for the Task API. The message is recorded in the same
 * transaction, keyed by its Bundle.id: the same message again is answered the same acknowledgement and changes nothing;
 * another message that would move the offer backwards, or answers an offer already closed, is a BaRS conflict. A
 * message whose Patient is not the referral's ({@link PatientIdentity}) is unprocessable and changes nothing.
 */
@ApplicationScoped
public class InboundValidationResponses {

    private static final String SQL_UNIQUE_VIOLATION = "23505";

    /** What became of a message. */
    public sealed interface Outcome {
    }

    /**
     * Acted on (or acted on before: {@code repeat}); answer 200 with the acknowledgement.
     *
     * @param acknowledgement the synchronous acknowledgement, FHIR JSON
     */
    public record Acknowledged(String acknowledgement, UUID offerId, boolean repeat) implements Outcome {
    }

    /** Refused; nothing changed. {@code offerId} when the message was found to answer an offer. */
    public record Refused(BarsError error, UUID offerId) implements Outcome {
    }

    private final Pool pool;
    private final FhirContext fhir;
    private final OfferRepository offers;
    private final OfferAnswers answers;
    private final ServiceDirectory directory;
    private final InboundMessageRepository messages;
    private final ReferralRepository referrals;
    private final Clock clock;

    public InboundValidationResponses(Pool pool, FhirContext fhir, OfferRepository offers, OfferAnswers answers,
            ServiceDirectory directory, InboundMessageRepository messages, ReferralRepository referrals,
            Clock clock) {
        this.pool = pool;
        this.fhir = fhir;
        this.offers = offers;
        this.answers = answers;
        this.directory = directory;
        this.messages = messages;
        this.referrals = referrals;
        this.clock = clock;
    }

    /**
     * @param senderOds the caller's organisation (ODS code): only the organisation offered the case answers it
     */
    public Uni<Outcome> receive(ValidationResponse message, String senderOds, String requestId,
            String correlationId) {
        return repeatOf(message, senderOds).chain(repeat -> {
            if (repeat.isPresent()) {
                return Uni.createFrom().item(repeat.get());
            }
            return messages.findByRequestId(pool, requestId).chain(sameRequestId -> {
                if (sameRequestId.isPresent()) {
                    return refused(BarsError.Code.REC_CONFLICT, IssueType.DUPLICATE, "X-Request-Id " + requestId
                            + " came with another message already processed; each request needs its own id", null);
                }
                return act(message, senderOds, requestId, correlationId);
            });
        });
    }

    /** The stored answer when this message was acted on before; a conflict when its id was used for another. */
    private Uni<Optional<Outcome>> repeatOf(ValidationResponse message, String senderOds) {
        return messages.findByBundleId(pool, message.bundleId()).map(found -> found.map(earlier -> {
            if (earlier.fingerprint().equals(message.fingerprint()) && earlier.senderOds().equals(senderOds)) {
                return new Acknowledged(earlier.acknowledgement(), earlier.offerId(), true);
            }
            return new Refused(new BarsError(BarsError.Code.REC_CONFLICT, IssueType.DUPLICATE, "Bundle.id "
                    + message.bundleId() + " identifies another message already processed; a new message needs a "
                    + "new id"), null);
        }));
    }

    private Uni<Outcome> act(ValidationResponse message, String senderOds, String requestId, String correlationId) {
        Optional<CommunityService> source = directory.services().stream()
                .filter(s -> message.sourceDosServiceId().equals(s.dosServiceId())).findFirst();
        if (source.isPresent() && !source.get().odsCode().equals(senderOds)) {
            return refused(BarsError.Code.REC_FORBIDDEN, IssueType.FORBIDDEN, "The message's source, DoS service "
                    + message.sourceDosServiceId() + ", is not a service of organisation " + senderOds, null);
        }
        return offers.findById(pool, message.respondingTo()).chain(found -> {
            Optional<Offer> answered = found.filter(o -> answers(o, message, senderOds, source));
            if (answered.isEmpty()) {
                return refused(BarsError.Code.REC_NOT_FOUND, IssueType.NOTFOUND, "MessageHeader.response.identifier "
                        + message.respondingTo() + " names no validation request the hub sent to organisation "
                        + senderOds + source.map(s -> "'s service " + s.id()).orElse("") + " about referral "
                        + message.referralId(), null);
            }
            return samePatient(message, answered.get()).chain(difference -> difference.isPresent()
                    ? refused(BarsError.Code.REC_UNPROCESSABLE_ENTITY, IssueType.BUSINESSRULE,
                            "The message's Patient is not the patient of referral " + message.referralId() + ": "
                                    + difference.get(),
                            answered.get().id())
                    : answer(message, answered.get(), senderOds, requestId, correlationId));
        });
    }

    /** Why the message's Patient is not the referral's, or empty when it is. */
    private Uni<Optional<String>> samePatient(ValidationResponse message, Offer offer) {
        PatientIdentity named = patientOf(message.message());
        return referrals.findById(pool, offer.referralId()).map(referral -> referral
                .map(r -> PatientIdentity.of(r.incident().patient()).differenceFrom(named))
                .orElse(Optional.of("the referral is gone")));
    }

    /** The identity of the message's Patient (the BaRS message rules let exactly one through). */
    static PatientIdentity patientOf(Bundle message) {
        Patient patient = message.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Patient.class::isInstance).map(Patient.class::cast).findFirst().orElseGet(Patient::new);
        String nhsNumber = patient.getIdentifier().stream()
                .filter(identifier -> HubIdentifiers.NHS_NUMBER.equals(identifier.getSystem()))
                .map(identifier -> identifier.getValue()).findFirst().orElse(null);
        String family = patient.getName().stream().map(name -> name.getFamily()).filter(f -> f != null)
                .findFirst().orElse(null);
        // A birth date known only to the year or month matches nothing.
        String birthDate = patient.getBirthDateElement().getValueAsString();
        return new PatientIdentity(nhsNumber, family,
                birthDate != null && birthDate.length() == 10 ? LocalDate.parse(birthDate) : null);
    }

    /**
     * Whether the message may answer the offer its response identifier names: an offer of the message's referral, to
     * the sender's organisation, to the source service when the hub knows it. Anything else is a request the sender
     * was never sent, however close a guess.
     */
    private static boolean answers(Offer offer, ValidationResponse message, String senderOds,
            Optional<CommunityService> source) {
        return offer.referralId().equals(message.referralId()) && offer.odsCode().equals(senderOds)
                && (source.isEmpty() || offer.serviceId().equals(source.get().id()));
    }

    private Uni<Outcome> answer(ValidationResponse message, Offer offer, String senderOds, String requestId,
            String correlationId) {
        String acknowledgement = fhir.newJsonParser().encodeResourceToString(message.message());
        List<Answer> steps = steps(message.kind(), offer.status());
        return answers.answer(offer.id(), senderOds, steps, message.rejection(), offer.version(),
                (tx, done) -> messages.insert(tx, message, requestId, correlationId, senderOds, offer.id(),
                        acknowledgement, clock.instant()))
                .chain(result -> outcome(message, senderOds, offer, acknowledgement, result))
                // Two copies of one message at once: the second finds the first recorded.
                .onFailure(e -> e instanceof PgException pg && SQL_UNIQUE_VIOLATION.equals(pg.getSqlState()))
                .recoverWithUni(e -> repeatOf(message, senderOds).map(repeat -> repeat.orElseThrow(
                        () -> new IllegalStateException("A unique key of a BaRS message clashed", e))));
    }

    /**
     * The answers the response gives, from where the offer stands: in-progress accepts an open offer (and starts an
     * accepted one); a final response completes an accepted offer, and accepts and completes an open one, since the
     * service has seen the patient.
     */
    static List<Answer> steps(ValidationResponse.Kind kind, OfferStatus current) {
        return switch (kind) {
            case IN_PROGRESS -> current == OfferStatus.ACCEPTED ? List.of(Answer.START) : List.of(Answer.ACCEPT);
            case REJECTED -> List.of(Answer.REJECT);
            case FINAL -> current.isOpen() ? List.of(Answer.ACCEPT, Answer.COMPLETE) : List.of(Answer.COMPLETE);
        };
    }

    private Uni<Outcome> outcome(ValidationResponse message, String senderOds, Offer offer, String acknowledgement,
            OfferAnswers.Result result) {
        if (result instanceof OfferAnswers.Answered) {
            return Uni.createFrom().item(new Acknowledged(acknowledgement, offer.id(), false));
        }
        if (result instanceof OfferAnswers.InvalidReason invalid) {
            return refused(BarsError.Code.REC_BAD_REQUEST, IssueType.CODEINVALID, invalid.detail(), offer.id());
        }
        if (result instanceof OfferAnswers.NotFound) {
            return refused(BarsError.Code.REC_NOT_FOUND, IssueType.NOTFOUND, "No referral " + message.referralId()
                    + " was sent to organisation " + senderOds, null);
        }
        String detail = result instanceof OfferAnswers.IllegalTransition illegal ? illegal.detail()
                : "The offer changed while the message was processed";
        // The same message may have been acted on by a copy of it that arrived at the same moment.
        return repeatOf(message, senderOds).map(repeat -> repeat.orElseGet(() -> new Refused(new BarsError(
                BarsError.Code.REC_CONFLICT, IssueType.CONFLICT, "The response conflicts with the offer as the hub "
                        + "holds it: " + detail),
                offer.id())));
    }

    private static Uni<Outcome> refused(BarsError.Code code, IssueType type, String diagnostics, UUID offerId) {
        return Uni.createFrom().item(new Refused(new BarsError(code, type, diagnostics), offerId));
    }
}
