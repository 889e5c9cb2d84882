package org.rightcare.hub.fhirapi.search;

import org.hl7.fhir.r4.model.Enumerations.SearchParamType;

/**
 * One search parameter the hub serves, declared once: the search code parses only these, and the
 * CapabilityStatement lists exactly these, so the two cannot drift apart.
 *
 * @param chain the one chained parameter it also accepts ({@code identifier} for {@code patient.identifier}), or null
 */
public record SearchParameter(String name, SearchParamType type, String chain, String documentation) {

    static SearchParameter token(String name, String documentation) {
        return new SearchParameter(name, SearchParamType.TOKEN, null, documentation);
    }

    static SearchParameter date(String name, String documentation) {
        return new SearchParameter(name, SearchParamType.DATE, null, documentation);
    }

    static SearchParameter reference(String name, String chain, String documentation) {
        return new SearchParameter(name, SearchParamType.REFERENCE, chain, documentation);
    }
}
