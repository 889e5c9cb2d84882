package org.rightcare.hub.fhirapi;

import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;

import org.rightcare.hub.fhir.FhirInteraction;

import io.vertx.core.json.JsonObject;

/**
 * What the current FHIR call is, for its audit record: an endpoint names the interaction and the resource as soon as
 * it knows them (before it may refuse), and adds what an auditor needs besides (the query, the referrals shown, the
 * message). {@link FhirAccessAudit} writes the record once the answer is known, whatever it is. A call that names
 * nothing (the CapabilityStatement, the directory) is not audited.
 */
@RequestScoped
public class FhirAccess {

    /** The call as named so far. */
    record Named(FhirInteraction interaction, String resourceType, String resourceId, JsonObject detail) {
    }

    private FhirInteraction interaction;
    private String resourceType;
    private String resourceId;
    private final JsonObject detail = new JsonObject();
    /** The status whose record the endpoint wrote with its change ({@link FhirAccessAudit#recordWithChange}); 0 if none. */
    private int recordedStatus;

    /**
     * This call is audited as {@code interaction} of {@code resourceType}.
     *
     * @param resourceId the resource acted on; null for a search, a create, or a message whose target is not known
     */
    public FhirAccess audit(FhirInteraction interaction, String resourceType, String resourceId) {
        this.interaction = interaction;
        return entity(resourceType, resourceId);
    }

    /** The resource the call turned out to act on, once known (the offer a BaRS message answers). */
    public FhirAccess entity(String resourceType, String resourceId) {
        this.resourceType = resourceType;
        this.resourceId = resourceId;
        return this;
    }

    /** Something the auditor needs besides: never patient identifiers. */
    public FhirAccess detail(String key, Object value) {
        detail.put(key, value);
        return this;
    }

    void recorded(int status) {
        recordedStatus = status;
    }

    /** Whether the record of an answer with this status was written already, with the change it records. */
    boolean recordedAs(int status) {
        return recordedStatus != 0 && recordedStatus == status;
    }

    Optional<Named> named() {
        return interaction == null ? Optional.empty()
                : Optional.of(new Named(interaction, resourceType, resourceId, detail.copy()));
    }
}
