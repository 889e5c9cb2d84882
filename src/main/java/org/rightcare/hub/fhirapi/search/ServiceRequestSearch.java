package org.rightcare.hub.fhirapi.search;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.fhir.CaseResources;
import org.rightcare.hub.fhir.References;
import org.rightcare.hub.fhir.ReferralRenderer;
import org.rightcare.hub.fhir.ReferralResourceIds;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralQuery;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.referral.ReferralStatus;
import org.rightcare.hub.routing.RoutingDecision;
import org.rightcare.hub.routing.RoutingDecisionRepository;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.stack.ClinicalStack;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * {@code GET /fhir/ServiceRequest}: the referrals a caller may see, newest change first. For a provider that is the
 * cases offered to it and its clinical stack (the open category 3 and 4 cases its services may claim, in the
 * redacted stack view); for the hub's staff, every case. The database narrows by status, category, patient and time
 * and pages by (last change, id); what only the directory knows (which services may claim, their types) is checked
 * here, reading on until the page is full.
 */
@ApplicationScoped
public class ServiceRequestSearch {

    private static final String REQUEST_STATUS = "http://hl7.org/fhir/request-status";
    private static final String REQUEST_PRIORITY = "http://hl7.org/fhir/request-priority";
    /** How many pages' worth of rows one search reads at most before it answers with what it found. */
    private static final int MAX_BATCHES = 20;

    private final Pool pool;
    private final ReferralRepository referrals;
    private final OfferRepository offers;
    private final RoutingDecisionRepository decisions;
    private final ClinicalStack stack;
    private final ServiceDirectory directory;
    private final CaseResources cases;
    private final Clock clock;

    public ServiceRequestSearch(Pool pool, ReferralRepository referrals, OfferRepository offers,
            RoutingDecisionRepository decisions, ClinicalStack stack, ServiceDirectory directory, CaseResources cases,
            Clock clock) {
        this.pool = pool;
        this.referrals = referrals;
        this.offers = offers;
        this.decisions = decisions;
        this.stack = stack;
        this.directory = directory;
        this.cases = cases;
        this.clock = clock;
    }

    public Uni<SearchResult> search(Caller caller, SearchRequest request) throws InvalidSearchException {
        Set<ReferralStatus> statuses = statuses(request);
        Set<ArpCategory> categories = categories(request);
        Optional<Set<ServiceType>> serviceTypes = serviceTypes(request);
        Optional<UUID> patient = patientId(request);
        Optional<String> nhsNumber = request.nhsNumber();
        if (!caller.isHubStaff() && !caller.isProvider()) {
            // A provider token without an organisation claim speaks for no one: it sees nothing (after
            // its query was checked, so a bad one is still a 400).
            return Uni.createFrom().item(SearchResult.empty());
        }
        if (statuses.isEmpty() || categories.isEmpty() || serviceTypes.map(Set::isEmpty).orElse(false)
                || request.has("patient") && patient.isEmpty()) {
            return Uni.createFrom().item(SearchResult.empty());
        }
        SearchRequest.DateRange changed = request.dates("_lastUpdated");
        String offeredTo = caller.isHubStaff() ? null : caller.organisation();
        // A provider finds a patient by NHS number only among the cases it was offered: never on its stack, where it
        // would learn that a patient it does not hold has called 999.
        Set<ArpCategory> stackCategories = caller.isHubStaff() || nhsNumber.isPresent() ? Set.of()
                : ClinicalStack.CATEGORIES;
        ReferralQuery first = new ReferralQuery(patient.orElse(null),
                statuses.size() == ReferralStatus.values().length ? null : statuses,
                categories.size() == ArpCategory.values().length ? null : categories, nhsNumber.orElse(null),
                offeredTo, stackCategories, changed.after(), changed.before(), request.ascending(),
                request.page().map(p -> new ReferralQuery.Cursor(p.at(), p.id())).orElse(null),
                Math.max(request.count() + 1, 50));
        return collect(caller, request, serviceTypes, first, new ArrayList<>(), 0);
    }

    /** Reads batches until the page is full (one more match than asked tells whether a next page exists). */
    private Uni<SearchResult> collect(Caller caller, SearchRequest request, Optional<Set<ServiceType>> serviceTypes,
            ReferralQuery query, List<Visible> found, int batch) {
        return referrals.search(query).chain(rows -> {
            List<UUID> ids = rows.stream().map(Referral::id).toList();
            Uni<Map<UUID, RoutingDecision>> latest = caller.isHubStaff() && !ids.isEmpty()
                    ? decisions.latest(pool, rows)
                    : Uni.createFrom().item(Map.of());
            return offers.findByReferrals(pool, ids).chain(allOffers -> latest.chain(decided -> {
                Instant now = clock.instant();
                for (Referral referral : rows) {
                    List<Offer> referralOffers = allOffers.getOrDefault(referral.id(), List.of());
                    List<Resource> resources = cases.visibleTo(caller, referral, referralOffers,
                            Optional.ofNullable(decided.get(referral.id())));
                    if (resources.isEmpty() || !ofServiceType(caller, referral, referralOffers, serviceTypes, now)) {
                        continue;
                    }
                    found.add(new Visible(referral, resources));
                    if (found.size() > request.count()) {
                        break;
                    }
                }
                boolean exhausted = rows.size() < query.limit();
                if (found.size() > request.count() || exhausted || batch + 1 >= MAX_BATCHES) {
                    return Uni.createFrom().item(page(request, found, exhausted, rows));
                }
                Referral last = rows.get(rows.size() - 1);
                return collect(caller, request, serviceTypes, withCursor(query, last), found, batch + 1);
            }));
        });
    }

    private static SearchResult page(SearchRequest request, List<Visible> found, boolean exhausted,
            List<Referral> lastBatch) {
        List<Visible> shown = found.subList(0, Math.min(found.size(), request.count()));
        Optional<SearchRequest.PageToken> next = Optional.empty();
        if (found.size() > request.count()) {
            Referral last = shown.get(shown.size() - 1).referral();
            next = Optional.of(new SearchRequest.PageToken(last.updatedAt(), last.id()));
        } else if (!exhausted && !lastBatch.isEmpty()) {
            // Gave up reading before the page filled: the next page carries on from the last row read.
            Referral last = lastBatch.get(lastBatch.size() - 1);
            next = Optional.of(new SearchRequest.PageToken(last.updatedAt(), last.id()));
        }
        List<Resource> matches = new ArrayList<>();
        List<Resource> included = new ArrayList<>();
        for (Visible visible : shown) {
            ServiceRequest request0 = (ServiceRequest) visible.resources().get(0);
            matches.add(request0);
            for (Resource resource : visible.resources()) {
                boolean patient = resource.fhirType().equals("Patient") && (request.includes()
                        .contains("ServiceRequest:subject") || request.includes().contains("ServiceRequest:patient"));
                boolean encounter = resource.fhirType().equals("Encounter")
                        && request.includes().contains("ServiceRequest:encounter");
                if (patient || encounter) {
                    included.add(resource);
                }
            }
        }
        return new SearchResult(matches, included, next,
                shown.stream().map(v -> v.referral().id().toString()).toList());
    }

    /** For a provider, the types of its own services offered or able to claim the case; for staff, of any offered. */
    private boolean ofServiceType(Caller caller, Referral referral, List<Offer> referralOffers,
            Optional<Set<ServiceType>> wanted, Instant now) {
        if (wanted.isEmpty()) {
            return true;
        }
        Set<ServiceType> types = new HashSet<>();
        referralOffers.stream()
                .filter(offer -> caller.isHubStaff() || offer.odsCode().equals(caller.organisation()))
                .forEach(offer -> directory.find(offer.serviceId()).ifPresent(s -> types.add(s.type())));
        if (caller.isProvider()) {
            stack.claimableBy(caller.organisation(), referral, now).forEach(s -> types.add(s.type()));
        }
        return types.stream().anyMatch(wanted.get()::contains);
    }

    private static ReferralQuery withCursor(ReferralQuery q, Referral last) {
        return new ReferralQuery(q.referralId(), q.statuses(), q.categories(), q.nhsNumber(), q.offeredTo(),
                q.orOpenIn(), q.updatedAfter(), q.updatedBefore(), q.ascending(),
                new ReferralQuery.Cursor(last.updatedAt(), last.id()), q.limit());
    }

    private static Set<ReferralStatus> statuses(SearchRequest request) throws InvalidSearchException {
        Optional<List<SearchRequest.Token>> tokens = request.tokens("status");
        if (tokens.isEmpty()) {
            return EnumSet.allOf(ReferralStatus.class);
        }
        Set<ReferralStatus> statuses = EnumSet.noneOf(ReferralStatus.class);
        for (SearchRequest.Token token : tokens.get()) {
            org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus asked;
            try {
                asked = org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus.fromCode(token.code());
            } catch (Exception e) {
                throw new InvalidSearchException("INVALID_SEARCH_VALUE", "status=" + token.code()
                        + " is not a ServiceRequest status");
            }
            if (token.system() != null && !token.system().equals(REQUEST_STATUS)) {
                continue;
            }
            Arrays.stream(ReferralStatus.values())
                    .filter(s -> ReferralRenderer.serviceRequestStatus(s) == asked).forEach(statuses::add);
        }
        return statuses;
    }

    private static Set<ArpCategory> categories(SearchRequest request) throws InvalidSearchException {
        Set<ArpCategory> categories = EnumSet.allOf(ArpCategory.class);
        Optional<List<SearchRequest.Token>> asked = request.tokens("category");
        if (asked.isPresent()) {
            categories.removeIf(c -> asked.get().stream().noneMatch(t -> t.matches(ArpCategory.SYSTEM, c.code())));
        }
        Optional<List<SearchRequest.Token>> priorities = request.tokens("priority");
        if (priorities.isPresent()) {
            categories.removeIf(c -> priorities.get().stream()
                    .noneMatch(t -> t.matches(REQUEST_PRIORITY, ReferralRenderer.priority(c).toCode())));
        }
        return categories;
    }

    private static Optional<Set<ServiceType>> serviceTypes(SearchRequest request) throws InvalidSearchException {
        Optional<List<SearchRequest.Token>> asked = request.tokens("service-type");
        if (asked.isEmpty()) {
            return Optional.empty();
        }
        Set<ServiceType> types = EnumSet.noneOf(ServiceType.class);
        for (ServiceType type : ServiceType.values()) {
            if (asked.get().stream().anyMatch(t -> t.matches(ServiceType.SYSTEM, type.code()))) {
                types.add(type);
            }
        }
        return Optional.of(types);
    }

    /** {@code patient=Patient/{id}}: the patient's id is the referral's. */
    private static Optional<UUID> patientId(SearchRequest request) throws InvalidSearchException {
        return request.single("patient").flatMap(v -> References.idOf(v, "Patient"))
                .flatMap(ReferralResourceIds::referralIdOf);
    }

    private record Visible(Referral referral, List<Resource> resources) {
    }
}
