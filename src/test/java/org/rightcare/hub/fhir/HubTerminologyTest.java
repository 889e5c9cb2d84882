package org.rightcare.hub.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.MetadataResource;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.offers.OfferStatusReason;

import ca.uhn.fhir.context.FhirContext;

/**
 * The hub's code systems are published whole: every code the hub writes is in the CodeSystem of its system, and
 * {@code fhir-profiles/} holds exactly what {@code /fhir/CodeSystem} and {@code /fhir/ValueSet} serve. Run with
 * {@code -Dhub.terminology.write=true} to rewrite the files after adding a code.
 */
class HubTerminologyTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Path PROFILES = Path.of("fhir-profiles");
    private static final Pattern HUB_ERROR_CODE = Pattern.compile("IssueType\\.[A-Z_]+,\\s*\"([A-Z_]+)\"");

    @Test
    void publishesEveryCodeSystemTheHubMints() {
        Set<String> urls = HubTerminology.codeSystems().stream().map(CodeSystem::getUrl).collect(Collectors.toSet());
        assertEquals(Set.of(ServiceType.SYSTEM, OfferStatusReason.HUB_SYSTEM, OperationOutcomes.CODE_SYSTEM,
                AuditEventRenderer.ACTION_SYSTEM), urls);
        for (CodeSystem system : HubTerminology.codeSystems()) {
            assertTrue(system.getUrl().startsWith(HubTerminology.CODE_SYSTEM_BASE), system.getUrl());
            assertTrue(HubTerminology.read("ValueSet", system.getIdElement().getIdPart()).isPresent(),
                    "a ValueSet of all the codes of " + system.getUrl());
            assertTrue(system.getText().hasDiv(), "a narrative on " + system.getUrl());
        }
    }

    @Test
    void everyCodeTheHubWritesIsInItsCodeSystem() throws IOException {
        assertEquals(codes(ServiceType.SYSTEM), Stream.of(ServiceType.values()).map(ServiceType::code)
                .collect(Collectors.toCollection(TreeSet::new)));
        assertEquals(codes(OfferStatusReason.HUB_SYSTEM), new TreeSet<>(OfferStatusReason.hubDisplays().keySet()));
        // The error codes are written where the refusal is made: every one in the main sources is published.
        Set<String> written = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher matcher = HUB_ERROR_CODE.matcher(Files.readString(source));
                while (matcher.find()) {
                    written.add(matcher.group(1));
                }
            }
        }
        written.removeAll(codes(OperationOutcomes.CODE_SYSTEM));
        assertEquals(Set.of(), written, "error codes the hub answers with but does not publish");
    }

    @Test
    void theFilesInFhirProfilesAreWhatTheApiServes() throws IOException {
        List<MetadataResource> published = new ArrayList<>();
        published.addAll(HubTerminology.codeSystems());
        published.addAll(HubTerminology.valueSets());
        boolean write = Boolean.getBoolean("hub.terminology.write");
        for (MetadataResource resource : published) {
            Path file = PROFILES.resolve(resource.fhirType() + "-" + resource.getIdElement().getIdPart() + ".json");
            String json = FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(resource) + "\n";
            if (write) {
                Files.writeString(file, json);
            }
            assertTrue(Files.exists(file), file + " is missing: run this test with -Dhub.terminology.write=true");
            assertEquals(json, Files.readString(file), file + " differs from what /fhir serves: run this test with"
                    + " -Dhub.terminology.write=true");
        }
    }

    private static Set<String> codes(String url) {
        return HubTerminology.codeSystems().stream().filter(c -> c.getUrl().equals(url)).findFirst().orElseThrow()
                .getConcept().stream().map(CodeSystem.ConceptDefinitionComponent::getCode)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
