package org.rightcare.hub.fhirapi.search;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.Resource;
import org.rightcare.hub.audit.AuditEntry;
import org.rightcare.hub.audit.AuditLog;
import org.rightcare.hub.audit.AuditQuery;
import org.rightcare.hub.fhir.AuditEventRenderer;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/** {@code GET /fhir/AuditEvent}: the audit trail, newest first, for the auditor role. */
@ApplicationScoped
public class AuditEventSearch {

    private final Pool pool;
    private final AuditLog audit;
    private final AuditEventRenderer renderer;

    public AuditEventSearch(Pool pool, AuditLog audit, AuditEventRenderer renderer) {
        this.pool = pool;
        this.audit = audit;
        this.renderer = renderer;
    }

    public Uni<SearchResult> search(SearchRequest request) throws InvalidSearchException {
        String entityType = null;
        String entityId = null;
        if (request.has("entity")) {
            String entity = request.single("entity").orElseThrow();
            int slash = entity.lastIndexOf('/');
            if (slash <= 0) {
                throw new InvalidSearchException("INVALID_SEARCH_VALUE", "entity takes a reference such as "
                        + "ServiceRequest/{id}");
            }
            entityType = entity.substring(entity.lastIndexOf('/', slash - 1) + 1, slash);
            entityId = entity.substring(slash + 1);
        }
        String actor = request.has("altid") ? request.tokens("altid").orElseThrow().get(0).code() : null;
        Boolean succeeded = null;
        if (request.has("outcome")) {
            List<String> codes = request.tokens("outcome").orElseThrow().stream().map(SearchRequest.Token::code)
                    .toList();
            if (!Set.of("0", "4", "8", "12").containsAll(codes)) {
                throw new InvalidSearchException("INVALID_SEARCH_VALUE", "outcome is one of 0, 4, 8, 12");
            }
            // The hub records 0 for success and 4 for everything it refused; it answers no 8 or 12.
            if (!codes.contains("0") && !codes.contains("4")) {
                return Uni.createFrom().item(SearchResult.empty());
            }
            succeeded = codes.contains("0") && codes.contains("4") ? null : codes.contains("0");
        }
        SearchRequest.DateRange changed = request.dates("date");
        AuditQuery query = new AuditQuery(entityType, entityId, actor, succeeded, changed.after(), changed.before(),
                request.ascending(),
                request.page().map(p -> new AuditQuery.Cursor(p.at(), p.id())).orElse(null), request.count() + 1);
        return audit.search(pool, query).map(found -> {
            List<AuditEntry> shown = found.subList(0, Math.min(found.size(), request.count()));
            Optional<SearchRequest.PageToken> next = found.size() > request.count()
                    ? Optional.of(new SearchRequest.PageToken(found.get(request.count() - 1).at(),
                            found.get(request.count() - 1).id()))
                    : Optional.empty();
            List<Resource> events = shown.stream().map(e -> (Resource) renderer.render(e)).toList();
            return new SearchResult(events, List.of(), next, List.of());
        });
    }
}
