package org.rightcare.hub.fhirapi.search;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.Resource;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.fhir.CaseResources;
import org.rightcare.hub.fhir.References;
import org.rightcare.hub.fhir.ReferralResourceIds;
import org.rightcare.hub.fhir.TaskRenderer;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferQuery;
import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.security.Caller;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * {@code GET /fhir/Task}: the offers a caller may see, newest change first: a provider's own offers, or every offer
 * for the hub's staff. Everything it filters on is in the offer table, so one query answers a page.
 */
@ApplicationScoped
public class TaskSearch {

    private static final String TASK_STATUS = "http://hl7.org/fhir/task-status";

    private final Pool pool;
    private final OfferRepository offers;
    private final ReferralRepository referrals;
    private final ServiceDirectory directory;
    private final TaskRenderer renderer;
    private final CaseResources cases;

    public TaskSearch(Pool pool, OfferRepository offers, ReferralRepository referrals, ServiceDirectory directory,
            TaskRenderer renderer, CaseResources cases) {
        this.pool = pool;
        this.offers = offers;
        this.referrals = referrals;
        this.directory = directory;
        this.renderer = renderer;
        this.cases = cases;
    }

    public Uni<SearchResult> search(Caller caller, SearchRequest request) throws InvalidSearchException {
        Set<OfferStatus> statuses = statuses(request);
        Optional<Set<UUID>> referralIds = referralIds(request);
        Optional<Set<String>> serviceIds = serviceIds(request);
        Optional<String> nhsNumber = request.nhsNumber();
        if (!caller.isHubStaff() && !caller.isProvider()) {
            // A provider token without an organisation claim speaks for no one: it sees nothing (after
            // its query was checked, so a bad one is still a 400).
            return Uni.createFrom().item(SearchResult.empty());
        }
        if (statuses.isEmpty() || referralIds.map(Set::isEmpty).orElse(false)
                || serviceIds.map(Set::isEmpty).orElse(false)) {
            return Uni.createFrom().item(SearchResult.empty());
        }
        SearchRequest.DateRange changed = request.dates("_lastUpdated");
        OfferQuery query = new OfferQuery(caller.isHubStaff() ? null : caller.organisation(),
                statuses.size() == OfferStatus.values().length ? null : statuses, referralIds.orElse(null),
                serviceIds.orElse(null), nhsNumber.orElse(null), changed.after(), changed.before(), request.ascending(),
                request.page().map(p -> new OfferQuery.Cursor(p.at(), p.id())).orElse(null), request.count() + 1);
        return offers.search(pool, query).chain(found -> {
            List<Offer> shown = found.subList(0, Math.min(found.size(), request.count()));
            Optional<SearchRequest.PageToken> next = found.size() > request.count()
                    ? Optional.of(new SearchRequest.PageToken(shown.get(shown.size() - 1).updatedAt(),
                            shown.get(shown.size() - 1).id()))
                    : Optional.empty();
            List<Resource> matches = shown.stream()
                    .map(offer -> (Resource) renderer.render(offer, directory.find(offer.serviceId()).orElse(null)))
                    .toList();
            List<String> touched = shown.stream().map(o -> o.referralId().toString()).distinct().toList();
            return included(caller, request, shown)
                    .map(included -> new SearchResult(matches, included, next, touched));
        });
    }

    /** The referral resources the page's offers point at, as the caller may see them. */
    private Uni<List<Resource>> included(Caller caller, SearchRequest request, List<Offer> shown) {
        Set<String> wanted = new HashSet<>();
        if (request.includes().contains("Task:focus")) {
            wanted.add("ServiceRequest");
        }
        if (request.includes().contains("Task:patient")) {
            wanted.add("Patient");
        }
        if (request.includes().contains("Task:encounter")) {
            wanted.add("Encounter");
        }
        Set<UUID> ids = shown.stream().map(Offer::referralId).collect(Collectors.toSet());
        if (wanted.isEmpty() || ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return referrals.findByIds(pool, ids).chain(found -> offers.findByReferrals(pool, ids).map(allOffers -> {
            Map<UUID, Referral> byId = found.stream().collect(Collectors.toMap(Referral::id, Function.identity()));
            List<Resource> included = new ArrayList<>();
            for (UUID id : ids) {
                Referral referral = byId.get(id);
                if (referral == null) {
                    continue;
                }
                cases.visibleTo(caller, referral, allOffers.getOrDefault(id, List.of()), Optional.empty()).stream()
                        .filter(r -> wanted.contains(r.fhirType()))
                        .filter(r -> r.getIdElement().getIdPart().equals(id.toString()))
                        .forEach(included::add);
            }
            return included;
        }));
    }

    private static Set<OfferStatus> statuses(SearchRequest request) throws InvalidSearchException {
        Optional<List<SearchRequest.Token>> tokens = request.tokens("status");
        if (tokens.isEmpty()) {
            return EnumSet.allOf(OfferStatus.class);
        }
        Set<OfferStatus> statuses = EnumSet.noneOf(OfferStatus.class);
        for (SearchRequest.Token token : tokens.get()) {
            try {
                org.hl7.fhir.r4.model.Task.TaskStatus.fromCode(token.code());
            } catch (Exception e) {
                throw new InvalidSearchException("INVALID_SEARCH_VALUE", "status=" + token.code()
                        + " is not a Task status");
            }
            if (token.system() == null || token.system().equals(TASK_STATUS)) {
                OfferStatus.fromCode(token.code()).ifPresent(statuses::add);
            }
        }
        return statuses;
    }

    /** From {@code focus=ServiceRequest/{id}} and {@code patient=Patient/{id}}: both ids are the referral's. */
    private static Optional<Set<UUID>> referralIds(SearchRequest request) throws InvalidSearchException {
        Set<UUID> ids = null;
        for (String name : List.of("focus", "patient")) {
            if (!request.has(name)) {
                continue;
            }
            String type = name.equals("focus") ? "ServiceRequest" : "Patient";
            Set<UUID> these = new HashSet<>();
            request.single(name).flatMap(v -> References.idOf(v, type))
                    .flatMap(ReferralResourceIds::referralIdOf).ifPresent(these::add);
            if (ids != null) {
                these.retainAll(ids);
            }
            ids = these;
        }
        return Optional.ofNullable(ids);
    }

    /** From {@code performer}: the directory's services of the asked types. */
    private Optional<Set<String>> serviceIds(SearchRequest request) throws InvalidSearchException {
        Optional<List<SearchRequest.Token>> tokens = request.tokens("performer");
        if (tokens.isEmpty()) {
            return Optional.empty();
        }
        Set<ServiceType> types = EnumSet.noneOf(ServiceType.class);
        for (ServiceType type : ServiceType.values()) {
            if (tokens.get().stream().anyMatch(t -> t.matches(ServiceType.SYSTEM, type.code()))) {
                types.add(type);
            }
        }
        return Optional.of(directory.services().stream().filter(s -> types.contains(s.type()))
                .map(CommunityService::id).collect(Collectors.toSet()));
    }
}
