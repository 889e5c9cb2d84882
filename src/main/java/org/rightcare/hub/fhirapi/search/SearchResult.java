package org.rightcare.hub.fhirapi.search;

import java.util.List;
import java.util.Optional;

import org.hl7.fhir.r4.model.Resource;

/**
 * One page of matches and the resources they asked to include, with the token of the next page if there is one.
 *
 * @param touched the referrals (or audit records) whose data the page shows, for the audit trail
 */
public record SearchResult(List<Resource> matches, List<Resource> included, Optional<SearchRequest.PageToken> next,
        List<String> touched) {

    public static SearchResult empty() {
        return new SearchResult(List.of(), List.of(), Optional.empty(), List.of());
    }
}
