package org.rightcare.hub.fhirapi.search;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.rightcare.hub.fhir.OperationOutcomes;

/** The searchset Bundle for one page: matches, then included resources, with self and next links. */
public final class SearchBundles {

    private SearchBundles() {
    }

    /** @param base the FHIR base URL, without a trailing slash */
    public static Bundle searchset(String base, SearchRequest request, SearchResult result) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.setId(java.util.UUID.randomUUID().toString());
        String type = request.type().resourceType();
        bundle.addLink().setRelation("self").setUrl(base + "/" + type + query(request.asked(), null));
        result.next().ifPresent(page -> bundle.addLink().setRelation("next")
                .setUrl(base + "/" + type + query(request.asked(), page.encode())));
        Set<String> seen = new HashSet<>();
        for (Resource match : result.matches()) {
            add(bundle, base, match, Bundle.SearchEntryMode.MATCH, seen);
        }
        for (Resource included : result.included()) {
            add(bundle, base, included, Bundle.SearchEntryMode.INCLUDE, seen);
        }
        if (!request.ignored().isEmpty()) {
            OperationOutcome outcome = OperationOutcomes.error(OperationOutcome.IssueType.NOTSUPPORTED,
                    "SEARCH_PARAMETER_IGNORED", "Ignored unknown search parameters: " + request.ignored());
            outcome.getIssueFirstRep().setSeverity(OperationOutcome.IssueSeverity.WARNING);
            bundle.addEntry().setResource(outcome).getSearch().setMode(Bundle.SearchEntryMode.OUTCOME);
        }
        return bundle;
    }

    private static void add(Bundle bundle, String base, Resource resource, Bundle.SearchEntryMode mode,
            Set<String> seen) {
        String reference = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
        if (seen.add(reference)) {
            bundle.addEntry().setFullUrl(base + "/" + reference).setResource(resource).getSearch().setMode(mode);
        }
    }

    /** The query as asked, without its old page token, with the new one if given. */
    private static String query(Map<String, List<String>> asked, String page) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        asked.forEach((name, values) -> {
            if (!name.equals("_page")) {
                values.forEach(value -> query.add(encode(name) + "=" + encode(value)));
            }
        });
        if (page != null) {
            query.add("_page=" + page);
        }
        return query.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("%2C", ",").replace("%7C", "|")
                .replace("%3A", ":")
                .replace("%2F", "/");
    }
}
