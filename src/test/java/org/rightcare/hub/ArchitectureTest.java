package org.rightcare.hub;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.cascade.ReferralCascade;
import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.referral.ReferralRepository;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;

/**
 * The floor plan of {@code org.rightcare.hub}, enforced: the top-level packages form no cycle, each sits in one
 * layer and uses only the layers below it, the outbox knows nothing of the domain, and HAPI FHIR types stay at the
 * FHIR edge. Only the hub's own classes are checked (tests may reach anywhere).
 *
 * <p>
 * The layers, top to bottom, and why each package sits where it does:
 * <ol>
 * <li><b>Web</b>: what faces people or runs the whole hub, used by nothing else in it. {@code web} (the one error
 * mapping of every HTTP answer), {@code board} (the clinicians' pages), {@code ops} (the operators' API: referral
 * search and timelines, reloads), {@code demo} (the demo profile's database, tokens, traffic and stand-in
 * providers), {@code whatif} (the simulator and its admin API: it replays the cascade's own rules, so it sits above
 * the cascade), {@code nativeimage} (the GraalVM feature, which names packages as strings and is called by no one).
 * <li><b>Edges</b>: the protocols the hub speaks, each translating its wire to the domain and back. {@code fhirapi}
 * (the FHIR REST endpoints and searches), {@code intake} (the CAD webhook), and the channels: {@code cad} (CAD systems,
 * signatures, callbacks, the poll endpoint), {@code bars} (BaRS out and in), {@code fhirrest} (offers written to a
 * provider's FHIR server), {@code subscriptions} (rest-hook notifications). The channels implement the cascade's
 * ports ({@code ReferralListener}, {@code OfferTransport}), so they depend on the cascade and it never on them.
 * {@code incidents} (incidents as a CAD would send them: the generator and the CSV importer) is an edge too: it
 * speaks the CAD contract for the demo and the simulator.
 * <li><b>FHIR mapping</b>: {@code fhir}, the domain rendered as FHIR R4 (renderers, identifiers, formats,
 * OperationOutcomes), which the endpoints and the channels share. It knows nothing of the workflow: beside the
 * cascade, not above it.
 * <li><b>Cascade</b>: {@code cascade}, the referral workflow: routing, offering, answers, claims, send-backs, the due
 * sweeper, and the ports through which the edges hear of it.
 * <li><b>Domain</b>: {@code routing} (policy, router, decisions, a referral's route), {@code directory} (services,
 * capacity), {@code offers} (offers and their store), {@code stack} (which open cases a provider may see and claim:
 * a rule the cascade and the edges both apply).
 * <li><b>Foundation</b>: {@code referral} (the incident, the referral, its states and send-back reasons),
 * {@code audit} (the one audit trail, which also records operator actions for the outbox), {@code security} (who
 * the caller is, what each role may do), {@code metrics} (counters recorded after commit, gauges read from the
 * database: everything above counts into them).
 * <li><b>Infrastructure</b>: {@code delivery} (the outbox and its operators' API, knowing channels only by name and
 * interface, and the audit trail only as the {@code OperatorActionLog} port that {@code audit} implements) and
 * {@code support} (clock, problem details, config files, keyset queries), which import no domain package.
 * </ol>
 * A package not named here fails {@link #everyPackageHasItsPlace}: a new package is placed on purpose. Above them
 * all, {@code RightcareHubMain} in the root package starts the hub (the demo's embedded database, or production's
 * start-up checks, then Quarkus).
 *
 * <p>
 * The readers of the files ICB engineers keep (the YAML and schema readers in {@code support}) serve every layer
 * from the bottom one, and know no domain package. Nothing is excepted: no frozen list of violations.
 */
class ArchitectureTest {

    private static final String HUB = "org.rightcare.hub";

    /** Each layer's packages, top layer first. */
    private static final Map<String, List<String>> LAYERS = layers(
            "Web", List.of("web", "board", "ops", "demo", "whatif", "nativeimage"),
            "Edges", List.of("fhirapi", "intake", "cad", "bars", "fhirrest", "subscriptions", "incidents"),
            "FHIR mapping", List.of("fhir"),
            "Cascade", List.of("cascade"),
            "Domain", List.of("routing", "directory", "offers", "stack"),
            "Foundation", List.of("referral", "audit", "security", "metrics"),
            "Infrastructure", List.of("delivery", "support"));

    private static final JavaClasses HUB_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(HUB);

    @Test
    void noPackageCycles() {
        slices().matching(HUB + ".(*)..").namingSlices("$1").should().beFreeOfCycles().check(HUB_CLASSES);
    }

    @Test
    void everyPackageHasItsPlace() {
        Set<String> placed = LAYERS.values().stream().flatMap(List::stream).collect(Collectors.toSet());
        Set<String> packages = HUB_CLASSES.stream().map(JavaClass::getPackageName)
                .filter(name -> name.startsWith(HUB + "."))
                .map(name -> name.substring(HUB.length() + 1).split("\\.")[0])
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(placed), packages, "the layers name every top-level package, and only those");
    }

    /**
     * Each layer is used only by the layers above it. The FHIR mapping and the cascade are side by side: neither uses
     * the other, and both serve the edges.
     */
    @Test
    void layersUseOnlyTheLayersBelow() {
        LayeredArchitecture architecture = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (Map.Entry<String, List<String>> layer : LAYERS.entrySet()) {
            architecture = architecture.layer(layer.getKey()).definedBy(packages(layer.getValue()));
        }
        architecture
                .whereLayer("Web").mayNotBeAccessedByAnyLayer()
                .whereLayer("Edges").mayOnlyBeAccessedByLayers("Web")
                .whereLayer("FHIR mapping").mayOnlyBeAccessedByLayers("Web", "Edges")
                .whereLayer("Cascade").mayOnlyBeAccessedByLayers("Web", "Edges")
                .whereLayer("Domain").mayOnlyBeAccessedByLayers("Web", "Edges", "FHIR mapping", "Cascade")
                .whereLayer("Foundation").mayOnlyBeAccessedByLayers("Web", "Edges", "FHIR mapping", "Cascade",
                        "Domain")
                .whereLayer("Infrastructure").mayOnlyBeAccessedByLayers("Web", "Edges", "FHIR mapping", "Cascade",
                        "Domain", "Foundation")
                .check(HUB_CLASSES);
    }

    /** The outbox carries bytes for channels it knows by interface: it must not learn what a referral is. */
    @Test
    void theOutboxImportsNoDomainPackage() {
        noClasses().that().resideInAPackage(HUB + ".delivery..")
                .should().dependOnClassesThat().resideInAnyPackage(packagesExcept("delivery", "support"))
                .check(HUB_CLASSES);
    }

    /**
     * HAPI FHIR's types (the R4 model, the parsers, the context) belong to the FHIR mapping, the FHIR API and the
     * channels that speak FHIR (BaRS, FHIR REST, subscriptions); the domain, the cascade and everything else work on
     * the hub's own records. The demo's stand-in provider systems ({@code demo}) are FHIR peers of the channels and
     * parse what the channels send them, so they may use HAPI too.
     */
    @Test
    void hapiTypesStayAtTheFhirEdge() {
        noClasses().that().resideOutsideOfPackages(packages(List.of("fhir", "fhirapi", "bars", "fhirrest",
                "subscriptions", "demo")))
                .should().dependOnClassesThat().resideInAnyPackage("ca.uhn.fhir..", "org.hl7.fhir..")
                .check(HUB_CLASSES);
    }

    /**
     * One path moves a referral (issue 15): a referral's status and its offers change only in the cascade, and the
     * referral's status only in {@code ReferralCascade}, whose every step is checked against {@code ReferralLifecycle}
     * first. Intake creates a referral (in {@code routing}) and applies the CAD's picture, and the directory may make a
     * referral due for a re-check; neither moves it. The one exception, in the cascade too, is the sweeper's last
     * resort ({@code abandon}) when even sending a failing case back as {@code hub-error} fails.
     */
    @Test
    void onlyTheCascadeMovesAReferralOrItsOffers() {
        noClasses().that().resideOutsideOfPackage(HUB + ".cascade..")
                .should().callMethodWhere(callTo(ReferralRepository.class, "updateCascade", "abandon"))
                .orShould().callMethodWhere(callTo(OfferRepository.class, "insert", "updateStatus", "cancelHolding"))
                .because("a referral moves only through ReferralCascade, along ReferralLifecycle's table")
                .check(HUB_CLASSES);
        noClasses().that().doNotHaveFullyQualifiedName(ReferralCascade.class.getName())
                .should().callMethodWhere(callTo(ReferralRepository.class, "updateCascade"))
                .because("every change of a referral's status is a ReferralCascade step checked against "
                        + "ReferralLifecycle")
                .check(HUB_CLASSES);
    }

    private static DescribedPredicate<JavaMethodCall> callTo(Class<?> owner, String... methods) {
        Set<String> names = Set.of(methods);
        return DescribedPredicate.describe(owner.getSimpleName() + "." + String.join(" or ", methods),
                call -> call.getTargetOwner().isEquivalentTo(owner) && names.contains(call.getName()));
    }

    private static String[] packages(List<String> names) {
        return names.stream().map(name -> HUB + "." + name + "..").toArray(String[]::new);
    }

    private static String[] packagesExcept(String... allowed) {
        Set<String> keep = Set.of(allowed);
        return packages(LAYERS.values().stream().flatMap(List::stream).filter(name -> !keep.contains(name)).toList());
    }

    private static Map<String, List<String>> layers(Object... namesAndPackages) {
        Map<String, List<String>> layers = new LinkedHashMap<>();
        for (int i = 0; i < namesAndPackages.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> packages = (List<String>) namesAndPackages[i + 1];
            layers.put((String) namesAndPackages[i], packages);
        }
        return layers;
    }
}
